// Runs every row in one session on one adapter: measures the adapter's peaks first, then builds each case, checks our
// output against each ORT provider's, times the agreeing contenders interleaved, counts dispatches and GPU bytes,
// frees the case, goes on. Rows whose one run takes seconds (full-size models on a software adapter) are timed fewer
// times; the report says how often each was.

import type { GpuInfo } from '../gpu';
import type { OrtProvider } from '../onnx/ortSession';
import { type BenchCase, type BenchContext, type KernelProfile, profileOurs } from './benchCase';
import { attentionCase } from './attentionCase';
import { generationCase } from './generationCase';
import { matmulCase } from './matmulCase';
import { decoderCases, encoderCases, hasFamilyFor, loadCase, type HeapProbe } from './modelCases';
import { measurePeak, type AdapterPeak } from './peak';
import { trainingCase } from './trainingCase';
import { benchShapes, type BenchScale } from './shapes';
import { AGREEMENT, DEFAULT_TIMING, relativeMaxDiff, timeInterleaved, type TimingOptions } from './timing';

export interface BenchRow {
  group: BenchCase['group'];
  name: string;
  note?: string;
  /** Tokens per run for decode (ms are per token), else 1. */
  perRun: number;
  /** Our tokens per second, for rows that process tokens (forwards, decode, training). */
  tokensPerSecond?: number;
  /** Each provider without a time and why (training: onnxruntime-web has no training API). */
  ortUnavailable: Partial<Record<OrtProvider, string>>;
  /** Median ms per run, or per token for decode. */
  ms: Partial<Record<'ours' | OrtProvider, number>>;
  gflops: Partial<Record<'ours' | OrtProvider, number>>;
  /** Our GB/s for bandwidth-bound rows (decode: weights and cache read per token). */
  gbps?: number;
  /** Our GFLOP/s (or GB/s) as a fraction of the adapter's measured matmul (or copy) peak. */
  ofPeak?: number;
  /** ORT ms / our ms: above 1 we are faster. */
  speedup: Partial<Record<OrtProvider, number>>;
  relativeDiff: Partial<Record<OrtProvider, number>>;
  /** Our dispatches per run and GPU time per kernel (one profiled run). */
  profile: KernelProfile;
  gpuBytes: number;
  /** Timed runs per contender (after warm-up); fewer than the benchmark's for rows whose one run takes seconds. */
  runs: number;
  details?: string;
  error?: string;
}

export interface BenchReport {
  adapter: Pick<GpuInfo, 'vendor' | 'architecture' | 'description' | 'isFallbackAdapter'>;
  features: string[];
  scale: BenchScale;
  ortVersion: string;
  providers: OrtProvider[];
  timing: TimingOptions;
  peak: AdapterPeak;
  rows: BenchRow[];
  /** Rows not run, and why (e.g. a model family not in this build yet). */
  skipped: string[];
}

export interface BenchOptions {
  /** Default: 'software' on software adapters, 'full' on hardware ones. */
  scale?: BenchScale;
  timing?: TimingOptions;
  /** Only the kernel rows (matmul, attention) and the peaks. */
  kernelsOnly?: boolean;
  /** Only the rows whose name matches (a case-insensitive regular expression; the models of other rows are not built). */
  only?: string;
  onRow?: (row: BenchRow) => void;
  /** JS heap in use, for the load row's peak (browser: performance.memory; Node: process.memoryUsage). */
  heap?: HeapProbe;
}

/** Builds one or more cases; `label` names the row if building fails. */
interface CaseFactory {
  label: string;
  make: () => Promise<BenchCase | BenchCase[]>;
}

export async function runBench(context: BenchContext, options: BenchOptions = {}): Promise<BenchReport> {
  const { gpu, ort, providers } = context;
  const timing = options.timing ?? DEFAULT_TIMING;
  const scale = options.scale ?? (gpu.info.isSoftwareAdapter ? 'software' : 'full');
  const shapes = benchShapes(scale);
  const peak = await measurePeak(gpu);
  const skipped: string[] = [];
  const factories: CaseFactory[] = [
    ...shapes.matmul.map((shape) => ({ label: `matmul ${shape.M}x${shape.K}x${shape.N}`, make: () => matmulCase(context, shape) })),
    ...shapes.attention.map((shape) => ({ label: `attention T=${shape.T}`, make: () => attentionCase(context, shape) })),
  ];
  if (!options.kernelsOnly) {
    // The load first among the models: its pipelines are not compiled yet, so compiling them ahead is part of its time.
    const { load } = shapes;
    if (load) factories.push({ label: `${load.label} load`, make: () => loadCase(context, load, options.heap ?? (() => undefined)) });
    factories.push(...shapes.encoders.map((rows) => ({ label: rows.label, make: () => encoderCases(context, rows) })));
    factories.push(...shapes.decoders.map((rows) => ({ label: rows.label, make: () => decoderCases(context, rows) })));
    const { llama } = shapes;
    if (hasFamilyFor(llama.config)) factories.push({ label: llama.label, make: () => decoderCases(context, llama) });
    else skipped.push(`${llama.label}: this build has no model family for model_type "${String(llama.config.model_type)}" yet`);
    factories.push(...shapes.training.map((shape) => ({ label: `${shape.label} training`, make: () => trainingCase(context, shape) })));
    factories.push({ label: `${shapes.generation.label} CPU-mode generation`, make: () => generationCase(context, shapes.generation) });
  }
  const rows: BenchRow[] = [];
  const only = options.only ? new RegExp(options.only, 'i') : undefined;
  // A factory's rows are named after its label (model rows: '<label> prefill …'), so a filter on a row name keeps
  // the factories whose label starts a matching name: those whose label the pattern mentions or matches.
  const mentioned = only?.source.replace(/\\(.)/g, '$1').toLowerCase(); // the pattern with its escapes undone
  const wanted = (factory: CaseFactory) => !only || only.test(factory.label) || mentioned!.includes(factory.label.toLowerCase());
  for (const factory of factories.filter(wanted)) {
    let built: BenchCase[];
    try {
      built = [await factory.make()].flat();
    } catch (error) {
      rows.push(failedRow(factory.label, String(error)));
      options.onRow?.(rows[rows.length - 1]);
      continue;
    }
    const cases = only ? built.filter((benchCase) => only.test(benchCase.name)) : built;
    for (const benchCase of built) if (!cases.includes(benchCase)) skipped.push(`${benchCase.name}: not asked for (--only)`);
    for (const benchCase of cases) {
      const row = await measure(context, benchCase, timing, peak);
      rows.push(row);
      options.onRow?.(row);
    }
    for (const benchCase of built) await benchCase.dispose();
  }
  const { vendor, architecture, description, isFallbackAdapter } = gpu.info;
  return {
    adapter: { vendor, architecture, description, isFallbackAdapter }, features: gpu.info.features, scale,
    ortVersion: ort.env.versions.web ?? '', providers, timing, peak, rows, skipped,
  };
}

/** A run slower than this is timed SLOW_RUNS times after no extra warm-up, and not profiled. */
const SLOW_RUN_MS = 3000;
const SLOW_RUNS = 3;
/** A run slower than this is timed once. */
const VERY_SLOW_RUN_MS = 20000;

async function measure(context: BenchContext, benchCase: BenchCase, timing: TimingOptions, peak: AdapterPeak): Promise<BenchRow> {
  const { group, name, note, flops, bytes, perRun, tokensPerRun, ortUnavailable } = benchCase;
  const row: BenchRow = {
    group, name, note, perRun, ms: {}, gflops: {}, speedup: {}, relativeDiff: {}, profile: emptyProfile(), gpuBytes: 0, runs: 0,
    ortUnavailable: ortUnavailable ? Object.fromEntries(context.providers.map((provider) => [provider, ortUnavailable])) : {},
  };
  try {
    // The agreement check is also every contender's first warm-up run, and says how long one run takes.
    let slowest = 0;
    const timed = async <T>(run: () => Promise<T>) => {
      const started = performance.now();
      const result = await run();
      slowest = Math.max(slowest, performance.now() - started);
      return result;
    };
    const reference = await timed(benchCase.ours);
    row.gpuBytes = context.gpu.bytesInUse;
    const contenders: Partial<Record<'ours' | OrtProvider, () => Promise<unknown>>> = { ours: benchCase.ours };
    const problems: string[] = [];
    for (const [provider, run] of Object.entries(benchCase.ort) as [OrtProvider, () => Promise<Float32Array>][]) {
      try {
        const diff = relativeMaxDiff(reference, await timed(run));
        row.relativeDiff[provider] = diff;
        if (diff <= (benchCase.agreement ?? AGREEMENT)) contenders[provider] = run;
        else problems.push(`ORT ${provider} output differs (relative ${diff.toExponential(1)}), not timed`);
      } catch (error) {
        problems.push(`ORT ${provider} failed: ${String(error)}`);
      }
    }
    if (problems.length > 0) row.error = problems.join('; ');
    const slow = slowest > SLOW_RUN_MS;
    if (!slow && benchCase.runs === undefined) row.profile = await profileOurs(context.gpu, benchCase.ours);
    const rowTiming = benchCase.runs !== undefined ? { warmup: 0, runs: benchCase.runs }
      : slowest > VERY_SLOW_RUN_MS ? { warmup: 0, runs: 1 }
      : slow ? { warmup: 0, runs: SLOW_RUNS }
      : timing;
    row.runs = rowTiming.runs;
    const medians = await timeInterleaved(contenders as Record<string, () => Promise<unknown>>, rowTiming);
    for (const [who, ms] of Object.entries(medians) as ['ours' | OrtProvider, number][]) {
      row.ms[who] = ms / perRun;
      if (flops > 0) row.gflops[who] = flops / (ms / perRun) / 1e6;
    }
    const oursMs = row.ms.ours;
    if (oursMs) {
      if (tokensPerRun) row.tokensPerSecond = tokensPerRun / ((oursMs * perRun) / 1000);
      if (bytes && group !== 'load') {
        row.gbps = bytes / oursMs / 1e6;
        row.ofPeak = row.gbps / peak.copyGBs;
      } else if (flops > 0 && row.gflops.ours) {
        row.ofPeak = row.gflops.ours / peak.matmulGflops;
      }
      for (const provider of context.providers) {
        const theirs = row.ms[provider];
        if (theirs !== undefined) row.speedup[provider] = theirs / oursMs;
      }
    }
    row.details = benchCase.details?.();
  } catch (error) {
    row.error = String(error);
  }
  return row;
}

function failedRow(name: string, error: string): BenchRow {
  return { group: 'model', name, perRun: 1, ms: {}, gflops: {}, speedup: {}, relativeDiff: {}, profile: emptyProfile(), gpuBytes: 0, runs: 0, ortUnavailable: {}, error };
}

const emptyProfile = (): KernelProfile => ({ dispatches: 0, kernelMs: {}, kernelCounts: {} });
