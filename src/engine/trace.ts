// What `playground.trace` and the "How it works" tab show: the engine's forward trace (src/models/trace.ts) cut to one
// head, with the pre-softmax scores and the logit lens of every layer; and, on the GPU, which WGSL dispatches computed
// each stage (their labels, workgroup counts and, where the device has timestamp queries, their GPU times). Row-major
// arrays; shapes in the comments.

import type { Gpu, Recorder, Tensor } from '../gpu';
import type { Backend } from '../models/backend';
import type { ForwardTrace, LayerTrace, ModelArchitecture, ModelDims } from '../models/family';

export interface HeadStages {
  input: Float32Array; // (T, C) the residual stream entering the block
  normed: Float32Array; // (T, C) what the block's attention reads
  q: Float32Array; // (T, D) the chosen head's queries (after rotary, where the model has it)
  k: Float32Array; // (Tk, D) its keys (the shared kv head's with grouped-query attention)
  v: Float32Array; // (Tk, D)
  scores: Float32Array; // (T, Tk) q·kᵀ/√D with the mask applied (-Infinity where a query may not look)
  probs: Float32Array; // (T, Tk) softmax of scores, as the attention kernel computed it
  mixed: Float32Array; // (T, D) probs · v
  attnOut: Float32Array; // (T, C) every head's mixed values through the output projection
  residual1: Float32Array; // (T, C)
  ffnHidden: Float32Array; // (T, F)
  ffnOut: Float32Array; // (T, C)
  residual2: Float32Array; // (T, C)
  /** (V) the final norm and LM head (encoders: the MLM head) applied to this layer's output at `lensPosition`. */
  logitLens?: Float32Array;
  /** The kv head the chosen query head reads (differs from `head` with grouped-query attention). */
  kvHead: number;
}

export interface TraceView {
  T: number;
  head: number;
  lensPosition: number;
  embeddings: ForwardTrace['embeddings'];
  layers: (HeadStages | undefined)[];
  final: { normed: Float32Array; logits: Float32Array }; // (T, C), (T, V) or for encoders without an LM head (T, C)
  /** What the config's dims do not say: rotary dims, the residual form, the MLP's form, position ids. */
  architecture: Architecture;
  /** The dispatches that computed each stage (asked for with `kernels`, on the GPU only). */
  kernels?: TraceKernels;
}

export type Architecture = ModelArchitecture;

/** One WGSL dispatch as the Recorder ran it. */
export interface KernelDispatch {
  label: string; // the kernel's label: name, shape and variant, e.g. 'matmul_kn_bias_gelu_tanh (7x32x128 blocked)'
  workgroups: [number, number, number]; // dispatchWorkgroups(x, y, z)
  ms?: number; // GPU time from timestamp queries, where the device has them
}

type LayerStage = Exclude<keyof LayerTrace, 'input'>;

export interface TraceKernels {
  /** The embedding lookup and sum (post-LN encoders: then their LayerNorm). */
  embeddings: KernelDispatch[];
  layers: (Partial<Record<LayerStage, KernelDispatch[]>> | undefined)[];
  /** The final norm (encoders: the last block's output LayerNorm). */
  final: KernelDispatch[];
  /** The LM head (encoders: the masked-LM head) over every position. */
  logits: KernelDispatch[];
  /** Every dispatch of the traced forward, and whether their times were measured. */
  dispatches: number;
  timed: boolean;
}

/**
 * Cuts a trace to one head; `mask(i, j)` says whether query i may look at key j (causal, padding). `extra` carries what
 * the view adds beside the numbers: the architecture's details and the stages' kernels.
 */
export function headView(
  trace: ForwardTrace,
  dims: ModelDims,
  T: number,
  head: number,
  logits: Float32Array,
  mask: (i: number, j: number) => boolean,
  extra: { architecture: Architecture; kernels?: TraceKernels },
): TraceView {
  const { H, Hkv, D } = dims;
  if (!Number.isInteger(head) || head < 0 || head >= H) throw new Error(`Head ${head} is outside this model's 0..${H - 1}.`);
  const kvHead = Math.floor(head / (H / Hkv));
  const W = (H + 2 * Hkv) * D;
  const columns = (rows: Float32Array, width: number, offset: number) => {
    const count = rows.length / width;
    const out = new Float32Array(count * D);
    for (let t = 0; t < count; t++) out.set(rows.subarray(t * width + offset, t * width + offset + D), t * D);
    return out;
  };
  const layers = trace.layers.map((layer) => {
    if (!layer) return undefined;
    const Tk = layer.probs.length / (H * T);
    const q = columns(layer.qkv, W, head * D);
    const k = columns(layer.qkv, W, (H + kvHead) * D);
    const v = columns(layer.qkv, W, (H + Hkv + kvHead) * D);
    let scores: Float32Array | undefined;
    return {
      input: layer.input,
      normed: layer.normed,
      q, k, v,
      // Computed when first read (T·Tk·D products): a view of every layer that shows no scores never pays for them.
      get scores() {
        return (scores ??= maskedScores(q, k, T, Tk, D, mask));
      },
      probs: layer.probs.slice(head * T * Tk, (head + 1) * T * Tk),
      mixed: columns(layer.mixed, H * D, head * D),
      attnOut: layer.attnOut,
      residual1: layer.residual1,
      ffnHidden: layer.ffnHidden,
      ffnOut: layer.ffnOut,
      residual2: layer.residual2,
      logitLens: layer.lens,
      kvHead,
    };
  });
  return { T, head, lensPosition: trace.lensPosition, embeddings: trace.embeddings, layers, final: { normed: trace.final.normed, logits }, ...extra };
}

/** q·kᵀ/√D of one head, (T, Tk), −Infinity where `mask(i, j)` hides key j from query i. */
function maskedScores(q: Float32Array, k: Float32Array, T: number, Tk: number, D: number, mask: (i: number, j: number) => boolean): Float32Array {
  const scores = new Float32Array(T * Tk);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < Tk; j++) {
      if (!mask(i, j)) {
        scores[i * Tk + j] = -Infinity;
        continue;
      }
      let dot = 0;
      for (let d = 0; d < D; d++) dot += q[i * D + d] * k[j * D + d];
      scores[i * Tk + j] = dot / Math.sqrt(D);
    }
  }
  return scores;
}


// ---------------------------------------------------------------------------------------------------------------
// Which dispatches computed each stage

type LogEvent = { dispatch: KernelDispatch; bound: Set<Tensor> } | { read: Tensor };

/**
 * The dispatches and reads of one recording, in order, and which event each read array came from. The trace's arrays
 * are the reads' own results, so a stage's array says where in the recording its copy was taken: the dispatches
 * before that point, since the previous copy, are the ones that computed it.
 */
class DispatchLog {
  readonly events: LogEvent[] = [];
  private readonly readAt = new WeakMap<object, number>();
  timed = false;

  constructor(private readonly recorder: Recorder) {
    const dispatch = recorder.dispatch.bind(recorder);
    const read = recorder.read.bind(recorder);
    recorder.dispatch = (d) => {
      const [x, y = 1, z = 1] = d.workgroups;
      this.events.push({ dispatch: { label: d.label, workgroups: [x, y, z] }, bound: new Set(d.bindings.map((b) => ('tensor' in b ? b.tensor : b))) });
      dispatch(d);
    };
    recorder.read = ((tensor: Tensor, offset?: number, count?: number) => {
      const at = this.events.length;
      this.events.push({ read: tensor });
      const result = read(tensor, offset, count);
      void result.then((array) => this.readAt.set(array, at), () => undefined);
      return result;
    }) as Recorder['read'];
  }

  /** After the recording ran: the GPU time of each dispatch, when the device measures them. */
  async addTimings(): Promise<void> {
    if (!this.recorder.gpu.canProfile) return;
    const timings = await this.recorder.timings();
    let i = 0;
    for (const event of this.events) if ('dispatch' in event && i < timings.length) event.dispatch.ms = timings[i++].ms;
    this.timed = timings.length > 0;
  }

  /** The event index of the read that produced `array` (undefined for arrays put together on the host). */
  at(array: Float32Array | undefined): number | undefined {
    return array && this.readAt.get(array);
  }

  /** Dispatches strictly between two event indices. */
  between(from: number, to: number): { dispatch: KernelDispatch; index: number }[] {
    const found: { dispatch: KernelDispatch; index: number }[] = [];
    for (let i = from + 1; i < to; i++) {
      const event = this.events[i];
      if ('dispatch' in event) found.push({ dispatch: event.dispatch, index: i });
    }
    return found;
  }

  /** The last read before event `at`. */
  previousRead(at: number): number {
    for (let i = at - 1; i >= 0; i--) if ('read' in this.events[i]) return i;
    return -1;
  }

  /**
   * The last dispatch before the read at `at` that bound that read's tensor: its writer where nothing read the tensor
   * in between (the attention for its probabilities, the embedding for its sum, a decoder's final norm).
   */
  lastWriter(at: number): { dispatch: KernelDispatch; index: number } | undefined {
    const event = this.events[at];
    if (!('read' in event)) return undefined;
    for (let i = at - 1; i >= 0; i--) {
      const candidate = this.events[i];
      if ('dispatch' in candidate && candidate.bound.has(event.read)) return { dispatch: candidate.dispatch, index: i };
    }
    return undefined;
  }
}

/**
 * Runs `work` (one forward on `backend`) with its recording watched and profiled. The backend records into the
 * recorder it made at its last flush, so an empty flush first makes it take a new one, which is the one created
 * synchronously inside `flush()`: only that recorder is watched, however many others the page makes meanwhile.
 * On the CPU backend (no recorder) nothing is logged.
 */
export async function withDispatchLog<R>(gpu: Gpu | undefined, backend: Backend<unknown>, work: () => Promise<R>): Promise<{ result: R; log?: DispatchLog }> {
  let watched: Recorder | undefined;
  if (gpu && backend.name === 'webgpu') {
    // flush() submits the backend's open recording and makes its next one at once, before it awaits anything: that
    // one, which `work` records into, is the one watched.
    gpu.watchNextRecorder((recorder) => (watched = recorder));
    await backend.flush();
  }
  const log = watched && new DispatchLog(watched);
  const result = await work();
  await log?.addTimings();
  return { result, log };
}

/** Each traced stage's dispatches, read off the log (see DispatchLog), for a trace and the logits read beside it. */
export function traceKernels(log: DispatchLog, trace: ForwardTrace, logits: Float32Array, prenorm: boolean): TraceKernels {
  const dispatches = (found: { dispatch: KernelDispatch }[]) => found.map((f) => f.dispatch);
  /** Dispatches since the previous read, or (when there are none: the stage came out of an earlier dispatch) its writer. */
  const since = (array: Float32Array | undefined, skip = new Set<number>()) => {
    const at = log.at(array);
    if (at === undefined) return [];
    const found = log.between(log.previousRead(at), at).filter((f) => !skip.has(f.index));
    const writer = log.lastWriter(at);
    return dispatches(found.length > 0 ? found : writer ? [writer] : []);
  };
  const writer = (array: Float32Array | undefined) => {
    const at = log.at(array);
    const found = at === undefined ? undefined : log.lastWriter(at);
    return found ? [found.dispatch] : [];
  };
  const layers = trace.layers.map((layer) => {
    if (!layer) return undefined;
    const probsAt = log.at(layer.probs);
    const attention = probsAt === undefined ? undefined : log.lastWriter(probsAt);
    const skip = new Set(attention ? [attention.index] : []);
    const normedAt = log.at(layer.normed);
    // q, k and v: every dispatch after the norm's copy up to the attention (projections, rotary).
    const qkv = normedAt !== undefined && attention ? dispatches(log.between(normedAt, attention.index)) : [];
    const attentionKernel = attention ? [attention.dispatch] : [];
    const stages: Partial<Record<LayerStage, KernelDispatch[]>> = {
      normed: prenorm ? since(layer.normed) : [], // post-LN: attention reads the block's input itself
      qkv,
      probs: attentionKernel,
      mixed: attentionKernel,
      attnOut: since(layer.attnOut, skip),
      residual1: since(layer.residual1, skip),
      ffnHidden: since(layer.ffnHidden, skip),
      ffnOut: since(layer.ffnOut, skip),
      residual2: since(layer.residual2, skip),
      lens: since(layer.lens, skip),
    };
    return stages;
  });
  const { sum, normed } = trace.embeddings;
  return {
    embeddings: [...writer(sum), ...(normed ? since(normed) : [])],
    layers,
    final: prenorm ? writer(trace.final.normed) : [], // post-LN encoders have no final norm: the last block's output
    logits: since(logits),
    dispatches: log.events.filter((event) => 'dispatch' in event).length,
    timed: log.timed,
  };
}
