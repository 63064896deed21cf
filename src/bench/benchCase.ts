// One benchmark row: the same computation by our kernels and by onnxruntime-web, each returning its output so the
// runner can check they agree before timing them.

import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-web';
import type { Gpu, Recorder } from '../gpu';
import type { OrtModule, OrtProvider } from '../onnx/ortSession';
import { createOrtSession } from '../onnx/ortSession';

export type Run = () => Promise<Float32Array>;

export interface BenchCase {
  group: 'matmul' | 'attention' | 'model' | 'training' | 'load' | 'generation';
  name: string;
  /** Floating-point operations of one run (multiply-add = 2), for GFLOP/s. */
  flops: number;
  /** Bytes one run (per perRun) must read, for GB/s and the fraction of the copy bandwidth: bandwidth-bound rows. */
  bytes?: number;
  /** Timed runs for a row that runs once by nature (a load), instead of the benchmark's count. */
  runs?: number;
  /** How each timing divides: 1 per run, or e.g. decode steps for ms per token. */
  perRun: number;
  ours: Run;
  ort: Partial<Record<OrtProvider, Run>>;
  /** Tokens one run processes, for tokens/s (a forward's T, decode steps, a training step's B·T). */
  tokensPerRun?: number;
  /**
   * Relative difference from ORT's output at which ORT is still timed (default timing.ts's AGREEMENT): looser where
   * the two compute with different weights (ours packed to f16, ORT's f32).
   */
  agreement?: number;
  /** Said beside the row (e.g. ORT has no KV cache for decode). */
  note?: string;
  /** Why ORT has no time for this row (shown in its ORT columns), e.g. no training API. */
  ortUnavailable?: string;
  /** A line for the notes after the runs (e.g. a load's steps and peak heap). */
  details?: () => string;
  dispose(): Promise<void>;
}

export interface BenchContext {
  gpu: Gpu;
  ort: OrtModule;
  providers: OrtProvider[];
}

/** One ORT session per provider on `graph`; each run feeds `feeds()` and returns output `output`. */
export async function ortRuns(context: BenchContext, graph: Uint8Array, feeds: () => Record<string, OrtTensor>, output: string) {
  const sessions: Partial<Record<OrtProvider, InferenceSession>> = {};
  const runs: Partial<Record<OrtProvider, Run>> = {};
  for (const provider of context.providers) {
    const session = await createOrtSession(context.ort, graph, provider);
    sessions[provider] = session;
    runs[provider] = async () => (await session.run(feeds(), [output]))[output].data as Float32Array;
  }
  const release = async () => {
    await Promise.all(Object.values(sessions).map((session) => session.release()));
  };
  return { runs, sessions, release };
}

export interface KernelProfile {
  dispatches: number;
  /** GPU ms per kernel (the dispatch label up to its first space or parenthesis), from timestamp queries. */
  kernelMs: Record<string, number>;
  kernelCounts: Record<string, number>;
}

/**
 * Our dispatches and per-kernel GPU time for one run of `work`, read from timestamp queries (each dispatch then gets
 * its own compute pass): every recorder the run records into is profiled. A first run leaves a model backend's next,
 * still empty recorder profiled; the second run is the one measured.
 */
export async function profileOurs(gpu: Gpu, work: () => Promise<unknown>): Promise<KernelProfile> {
  const create = gpu.recorder;
  let recorders: Recorder[] = [];
  gpu.recorder = (label, options) => {
    const recorder = create.call(gpu, label, { ...options, profile: true });
    recorders.push(recorder);
    return recorder;
  };
  try {
    await work();
    recorders = recorders.filter((recorder) => recorder.dispatchCount === 0);
    await work();
  } finally {
    gpu.recorder = create;
  }
  const profile: KernelProfile = { dispatches: 0, kernelMs: {}, kernelCounts: {} };
  for (const recorder of recorders.filter((r) => r.dispatchCount > 0)) {
    profile.dispatches += recorder.dispatchCount;
    if (!gpu.canProfile) continue;
    for (const { label, ms } of await recorder.timings()) {
      const kernel = label.split(/[ (]/)[0];
      profile.kernelMs[kernel] = (profile.kernelMs[kernel] ?? 0) + ms;
      profile.kernelCounts[kernel] = (profile.kernelCounts[kernel] ?? 0) + 1;
    }
  }
  return profile;
}

/** Deterministic values in [-1, 1) (an LCG), scaled. */
export function randomFloats(length: number, seed: number, scale = 1): Float32Array {
  const values = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 31 - 1) * scale;
  }
  return values;
}
