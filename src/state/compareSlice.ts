import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { engine } from '../engine/engine';
import { compareForwards, type CompareResult } from '../onnx/compare';
import { ortWasmForward } from '../onnx/engineComparison';
import { ortPeerFor } from '../onnx/ortPeer';
import type { OrtProvider } from '../onnx/ortSession';
import { softmaxRow, topK } from '../common/softmax';
import type { WeightFormat } from '../models/backend';

export interface Prediction {
  position: number;
  top: { token: string; probability: number }[];
}

export interface FastCpuRun {
  tokens: string[];
  attentions: Float32Array[]; // (L) x (H, T, T)
  /** A decoder: the next token after the last position; an encoder: each mask position. */
  predictions: Prediction[];
  kind: 'encoder' | 'decoder';
  maskToken?: string;
  ms: number;
}

/** Everything the Compare tab shows belongs to one model and one input. */
export interface Comparison {
  model: string;
  /** What the engines ran on: the model's family and the adapter, for the statements made from the timings. */
  familyLabel: string;
  backend: 'webgpu' | 'cpu';
  input: string;
  tokens: number;
  /** Fast CPU mode was on: "ours" ran in ORT wasm too (the engine routes plain forward passes there). */
  fastCpuMode: boolean;
  /** How our engine stored the matmul weights (ORT always runs the checkpoint's own). */
  weights: WeightFormat;
  /** One row per ORT provider, the latest first. */
  results: CompareResult[];
  fastRun?: FastCpuRun;
}

export interface CompareProgress {
  /** What runs now, in words ("our WebGPU kernels: timed run 2 of 3"). */
  step: string;
  /** Forward passes done and to do in all. */
  done: number;
  total: number;
  startedAt: number;
}

export interface CompareSlice {
  comparison?: Comparison;
  compareProgress?: CompareProgress;
  compareError?: string;
  /** Our engine against onnxruntime-web on `input`: the largest differences and the median times of 3 runs after a warm-up. */
  runComparison: (input: string, provider: OrtProvider) => Promise<void>;
  /** `input` once through onnxruntime-web's wasm backend: predictions and attention. */
  runFastCpu: (input: string) => Promise<void>;
}

const TIMED_RUNS = 3;
const TOP_K = 5;

/** softmax over one row of logits, the TOP_K most probable ids. */
const topProbabilities = (row: Float32Array) => topK(softmaxRow(row), TOP_K).map(({ index, value }) => ({ id: index, probability: value }));

export const createCompareSlice: StateCreator<AppState, [], [], CompareSlice> = (set, get, store) => {
  // Results of one model are never shown beside another's.
  store.subscribe((state, previous) => {
    const stale = state.comparison && (state.comparison.model !== state.model?.name || state.comparison.weights !== state.model?.weights);
    if (state.model !== previous.model && stale) set({ comparison: undefined, compareError: undefined });
  });

  /** The comparison `input` on the loaded model belongs to: the current one, or a new empty one. */
  const comparisonFor = (input: string, tokens: number): Comparison => {
    const model = engine.model!;
    const current = get().comparison;
    const fastCpuMode = get().fastCpuMode;
    return current && current.model === model.name && current.input === input && current.fastCpuMode === fastCpuMode && current.weights === model.weights
      ? current
      : { model: model.name, familyLabel: model.familyLabel, backend: model.backend, input, tokens, fastCpuMode, weights: model.weights, results: [] };
  };

  const act = async (work: () => Promise<void>) => {
    if (get().compareProgress) return;
    set({ compareError: undefined });
    try {
      if (!engine.model) throw new Error('Load a model first (the picker on the right).');
      await work();
    } catch (error) {
      set({ compareError: error instanceof Error ? error.message : String(error) });
    } finally {
      set({ compareProgress: undefined });
    }
  };

  return {
    runComparison: (input, provider) =>
      act(async () => {
        const { ids } = engine.tokenizer().encode(input);
        const model = engine.model!;
        const ours = get().fastCpuMode ? 'our engine (in Fast CPU mode: onnxruntime-web wasm)' : model.backend === 'webgpu' ? 'our WebGPU kernels' : 'our CPU reference path';
        const theirs = `onnxruntime-web (${provider})`;
        // compareForwards alternates: our warm-up, theirs, then each timed run of ours followed by theirs. Our calls
        // mark the steps; the step after each of ours is ORT's.
        const total = 2 * (TIMED_RUNS + 1);
        const startedAt = performance.now();
        let calls = 0;
        const step = (done: number) => {
          const run = Math.floor(done / 2);
          const who = done % 2 === 0 ? ours : theirs;
          const what = run === 0 ? (done === 0 ? 'warm-up (compiling its pipelines)' : 'warm-up (exporting the graph, creating the session)') : `timed run ${run} of ${TIMED_RUNS}`;
          set({ compareProgress: { step: `${who}: ${what}`, done, total, startedAt } });
        };
        step(0);
        const forward = async () => {
          const result = await engine.forward(ids);
          step(++calls * 2 - 1);
          return result;
        };
        const result = await compareForwards(ortPeerFor(engine.loaded()), async () => {
          if (calls > 0) step(calls * 2);
          return forward();
        }, ids, { provider, runs: TIMED_RUNS });
        const comparison = comparisonFor(input, ids.length);
        set({ comparison: { ...comparison, results: [result, ...comparison.results.filter((r) => r.provider !== provider)] } });
      }),
    runFastCpu: (input) =>
      act(async () => {
        const model = engine.model!;
        const tokenizer = engine.tokenizer();
        const { ids, tokens } = tokenizer.encode(input);
        set({ compareProgress: { step: 'onnxruntime-web (wasm): one forward pass (exporting the graph and creating the session the first time)', done: 0, total: 1, startedAt: performance.now() } });
        const { logits, attentions, ms } = await ortWasmForward(ids);
        const decoder = model.kind === 'decoder';
        const positions = decoder ? [ids.length - 1] : tokens.flatMap((token, t) => (token === model.maskToken ? [t] : []));
        const V = logits.length / ids.length;
        const name = (id: number) => (decoder ? tokenizer.decode([id]) : (tokenizer.idToToken(id) ?? String(id)));
        const predictions = positions.map((position) => ({
          position,
          top: topProbabilities(logits.subarray(position * V, (position + 1) * V)).map(({ id, probability }) => ({ token: name(id), probability })),
        }));
        const comparison = comparisonFor(input, ids.length);
        set({ comparison: { ...comparison, fastRun: { tokens, attentions, predictions, kind: model.kind, maskToken: model.maskToken, ms } } });
      }),
  };
};
