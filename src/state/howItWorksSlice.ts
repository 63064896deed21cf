// The "How it works" tab: a walk through the loaded model's forward pass on the page's text, stage by stage, with the
// engine's own numbers (engine.trace). Reads are lazy: one traced layer at a time (the stages of other layers are not
// read back), a per-head cut only where the stage shows a head, and the whole depth (residual-stream norms and the
// logit lens) only when a stage shows it, summarised at once so no (L, T, C) arrays are kept. A few recent traces are
// cached outside the store, so stepping back and forth is instant.

import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { engine } from '../engine/engine';
import type { TraceView } from '../engine/trace';
import { softmaxRow, topK } from '../common/softmax';

/** The stages in the order the tutorial walks them; the block's stages repeat for every layer. */
export const WALKTHROUGH_STAGES = [
  'tokens',
  'embeddings',
  'norm',
  'qkv',
  'scores',
  'mask',
  'softmax',
  'mix',
  'project',
  'residual1',
  'ffn',
  'residual2',
  'final-norm',
  'logits',
  'output',
  'stream',
  'lens',
] as const;
export type StageId = (typeof WALKTHROUGH_STAGES)[number];

/** The stages inside a block (shown for the chosen layer). */
export const BLOCK_STAGES: readonly StageId[] = ['norm', 'qkv', 'scores', 'mask', 'softmax', 'mix', 'project', 'residual1', 'ffn', 'residual2'];
/** The stages that show one head. */
const HEAD_STAGES: readonly StageId[] = ['qkv', 'scores', 'mask', 'softmax', 'mix'];
/** The stages that read every layer (norms of the residual stream, the logit lens at the chosen token). */
const DEPTH_STAGES: readonly StageId[] = ['stream', 'lens'];

/**
 * Where the walk is: the URL carries all four. `token` is the query token and the logit lens's position (-1 until a
 * text is read: then the text's default, the last token for a decoder).
 */
export interface WalkthroughPosition {
  stage: StageId;
  layer: number;
  head: number;
  token: number;
}

/** The text as the loaded model reads it. */
export interface WalkthroughInput {
  /** model name + ids: a trace belongs to one input. */
  key: string;
  modelName: string;
  ids: number[];
  /** Each token decoded on its own (byte-level pieces as the text they stand for). */
  tokens: string[];
  special: boolean[];
  /** Positions of the mask token (encoders with one). */
  maskPositions: number[];
  /** Tokens the text had before it was cut to what the tab shows (undefined when nothing was cut). */
  cutFrom?: number;
}

export interface Prediction {
  id: number;
  token: string;
  probability: number;
}

/** The residual stream through every block and the logit lens at one token, summarised from one all-layer trace. */
export interface WalkthroughDepth {
  key: string;
  token: number;
  /** (L + 1, T) ‖x‖ of each token's vector: after the embeddings (post-LN: their LayerNorm), then after each block. */
  norms: Float32Array;
  /** (L) the five most likely next tokens (encoders: fillers) from each block's output at `token`. */
  lens: Prediction[][];
}

export type WalkthroughStatus = 'idle' | 'running' | 'error';

export interface HowItWorksSlice {
  walkthrough: WalkthroughPosition;
  walkthroughStatus: WalkthroughStatus;
  walkthroughError?: string;
  walkthroughInput?: WalkthroughInput;
  /** The trace the current stage reads (the chosen layer traced; the chosen head cut). */
  walkthroughTrace?: TraceView;
  walkthroughDepth?: WalkthroughDepth;
  /** Moves the walk (stage, layer, head, token clamped to the model and text) and reads what the stage needs. */
  setWalkthrough: (patch: Partial<WalkthroughPosition>) => void;
  /** Tokenizes the page's text for the loaded model and reads what the current stage needs. */
  runWalkthrough: () => Promise<void>;
  /** Opens the Attention tab on this layer and head: the heatmap, or the neuron view of the chosen token. */
  openAttentionView: (view: 'heatmap' | 'neuron') => Promise<void>;
}

/** The most tokens the tab walks through (the heatmaps stay readable; the attention kernels take up to 1,024). */
export const MAX_WALK_TOKENS = 512;
/** Longer texts are refused before tokenizing (the walk reads one passage). */
const MAX_WALK_CHARACTERS = 20_000;
const CACHED_TRACES = 6;

export const DEFAULT_WALKTHROUGH: WalkthroughPosition = { stage: 'tokens', layer: 0, head: 0, token: -1 };

interface CachedTrace {
  inputKey: string;
  layer: number;
  head: number;
  view: TraceView;
}

/** Recent traces, newest last (outside the store: nothing renders them until one is current). */
const cache: CachedTrace[] = [];

/**
 * What a stage needs traced: a block's stage its layer (the others read only the embeddings and the output, which every
 * trace has), its head only where it shows one, the lens position only where it shows it.
 */
function needOf(position: WalkthroughPosition) {
  const { stage } = position;
  return {
    layer: BLOCK_STAGES.includes(stage) ? position.layer : undefined,
    head: HEAD_STAGES.includes(stage) ? position.head : undefined,
    lens: stage === 'residual2' ? position.token : undefined,
  };
}

function cached(inputKey: string, need: ReturnType<typeof needOf>): CachedTrace | undefined {
  for (let i = cache.length - 1; i >= 0; i--) {
    const entry = cache[i];
    if (entry.inputKey !== inputKey) continue;
    if (need.layer !== undefined && entry.layer !== need.layer) continue;
    if (need.head !== undefined && entry.head !== need.head) continue;
    if (need.lens !== undefined && entry.view.lensPosition !== need.lens) continue;
    return entry;
  }
  return undefined;
}

function remember(entry: CachedTrace) {
  cache.push(entry);
  if (cache.length > CACHED_TRACES) cache.shift();
}

const clamp = (value: number, count: number) => Math.max(0, Math.min(count - 1, Math.trunc(value) || 0));

function clampPosition(position: WalkthroughPosition, input?: WalkthroughInput): WalkthroughPosition {
  const model = engine.model;
  if (!model) return position;
  return {
    stage: (WALKTHROUGH_STAGES as readonly string[]).includes(position.stage) ? position.stage : 'tokens',
    layer: clamp(position.layer, model.layers),
    head: clamp(position.head, model.heads),
    token: !input ? Math.max(-1, Math.trunc(position.token) || 0) : position.token < 0 ? defaultToken(input, model.kind) : clamp(position.token, input.ids.length),
  };
}

/** A decoder predicts after its last token; an encoder's walk starts on its first mask, else its last ordinary token. */
function defaultToken(input: WalkthroughInput, kind: 'encoder' | 'decoder'): number {
  if (kind === 'decoder') return input.ids.length - 1;
  if (input.maskPositions.length > 0) return input.maskPositions[0];
  const ordinary = input.special.lastIndexOf(false);
  return ordinary >= 0 ? ordinary : 0;
}

function tokenizeText(text: string): WalkthroughInput {
  const model = engine.model;
  if (!model) throw new Error('Load a model first (the picker on the right): the walk runs its forward pass.');
  if (text.length > MAX_WALK_CHARACTERS) {
    throw new Error(`The text is ${text.length.toLocaleString('en-US')} characters; the walk reads one passage (at most ${MAX_WALK_CHARACTERS.toLocaleString('en-US')}). Shorten it.`);
  }
  const tokenizer = engine.tokenizer();
  const encoding = tokenizer.encode(text);
  if (encoding.ids.length === 0) throw new Error('The text gives no tokens: type something to walk through.');
  const limit = Math.min(model.config.dims.P, MAX_WALK_TOKENS);
  const T = Math.min(encoding.ids.length, limit);
  const ids = encoding.ids.slice(0, T);
  const maskId = model.maskToken === undefined ? undefined : tokenizer.tokenToId(model.maskToken);
  return {
    key: `${model.name}\u0000${ids.join(',')}`,
    modelName: model.name,
    ids,
    tokens: ids.map((id) => tokenizer.decode([id])),
    special: encoding.special.slice(0, T),
    maskPositions: maskId === undefined ? [] : ids.flatMap((id, t) => (id === maskId ? [t] : [])),
    cutFrom: encoding.ids.length > T ? encoding.ids.length : undefined,
  };
}

/** ‖row‖ of each of the T rows of a (T, C) array, into `out` at `offset`. */
function rowNorms(x: Float32Array, T: number, out: Float32Array, offset: number) {
  const C = x.length / T;
  for (let t = 0; t < T; t++) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += x[t * C + c] ** 2;
    out[offset + t] = Math.sqrt(sum);
  }
}

/** The five most likely tokens of a row of logits. */
export function predictions(logits: ArrayLike<number>, k = 5): Prediction[] {
  const probs = softmaxRow(logits);
  return topK(probs, k).map(({ index, value }) => ({ id: index, token: engine.tokenizer().decode([index]), probability: value }));
}

let generation = 0;

export const createHowItWorksSlice: StateCreator<AppState, [], [], HowItWorksSlice> = (set, get) => {
  /** The read in progress (one at a time: the engine queues operations, and only the newest wish matters). */
  let reading: Promise<void> | undefined;
  let again = false;

  const fail = (error: unknown) => set({ walkthroughStatus: 'error', walkthroughError: error instanceof Error ? error.message : String(error) });

  /** Makes what the current position needs current: from the cache, else one trace (then checks again). */
  const read = async (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    const mine = generation;
    const current: Promise<void> = (async () => {
      do {
        again = false;
        const input = get().walkthroughInput;
        if (!input) return;
        const position = get().walkthrough;
        const need = needOf(position);
        const hit = cached(input.key, need);
        if (hit) {
          if (get().walkthroughTrace !== hit.view) set({ walkthroughTrace: hit.view });
        } else {
          set({ walkthroughStatus: 'running' });
          const view = await engine.trace(input.ids, { head: position.head, layers: [position.layer], lensPosition: position.token, kernels: true });
          if (mine !== generation) return;
          remember({ inputKey: input.key, layer: position.layer, head: position.head, view });
          const now = needOf(get().walkthrough);
          if (cached(input.key, now)?.view === view) set({ walkthroughTrace: view });
          else again = true;
        }
        if (DEPTH_STAGES.includes(get().walkthrough.stage)) await readDepth(input, mine);
        if (mine !== generation) return;
      } while (again);
      set({ walkthroughStatus: 'idle', walkthroughError: undefined });
    })()
      .catch((error: unknown) => {
        if (mine === generation) fail(error);
      })
      .finally(() => {
        if (reading === current) reading = undefined;
      });
    reading = current;
    return current;
  };

  /** Every layer traced once at the chosen token, summarised: the norms of the stream and the lens's predictions. */
  const readDepth = async (input: WalkthroughInput, mine: number) => {
    const { token, head } = get().walkthrough;
    const depth = get().walkthroughDepth;
    if (depth && depth.key === input.key && depth.token === token) return;
    set({ walkthroughStatus: 'running' });
    const view = await engine.trace(input.ids, { head, lensPosition: token });
    if (mine !== generation) return;
    const T = input.ids.length;
    const L = view.layers.length;
    const norms = new Float32Array((L + 1) * T);
    rowNorms(view.embeddings.normed ?? view.embeddings.sum, T, norms, 0);
    view.layers.forEach((layer, l) => rowNorms(layer!.residual2, T, norms, (l + 1) * T));
    const lens = view.layers.map((layer) => (layer!.logitLens ? predictions(layer!.logitLens) : []));
    set({ walkthroughDepth: { key: input.key, token, norms, lens } });
    if (get().walkthrough.token !== token) again = true;
  };

  return {
    walkthrough: DEFAULT_WALKTHROUGH,
    walkthroughStatus: 'idle',
    setWalkthrough: (patch) => {
      const walkthrough = clampPosition({ ...get().walkthrough, ...patch }, get().walkthroughInput);
      const current = get().walkthrough;
      if (Object.entries(walkthrough).every(([key, value]) => current[key as keyof WalkthroughPosition] === value)) return;
      set({ walkthrough });
      if (get().walkthroughInput) void read();
    },
    runWalkthrough: async () => {
      generation++;
      reading = undefined;
      try {
        const input = tokenizeText(get().text);
        const previous = get().walkthroughInput;
        const position = get().walkthrough;
        // A new text starts on its default token; the same text (or the first, with a link's token) keeps the one chosen.
        const token = previous && previous.key !== input.key ? -1 : position.token;
        set({ walkthroughInput: input, walkthroughError: undefined, walkthrough: clampPosition({ ...position, token }, input) });
        if (previous?.key !== input.key) set({ walkthroughTrace: undefined, walkthroughDepth: undefined });
        await read();
      } catch (error) {
        fail(error);
      }
    },
    openAttentionView: async (view) => {
      const { layer, head, token } = get().walkthrough;
      // The attention tab shows the page's text: run it first, then point the view, so opening the tab keeps it.
      await get().runAttention().catch(() => undefined);
      get().setAttentionView(view === 'neuron' ? { view, layer, head, query: token } : { view, layer, head });
      get().setTab('attention');
    },
  };
};
