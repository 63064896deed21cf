// Runs every row in one session on one adapter: builds a case, checks our output against each ORT provider's,
// times the agreeing contenders interleaved, counts dispatches and GPU bytes, frees the case, goes on.

import type { GpuInfo } from '../gpu';
import type { OrtProvider } from '../onnx/ortSession';
import { type BenchCase, type BenchContext, type KernelProfile, profileOurs } from './benchCase';
import { attentionCase } from './attentionCase';
import { matmulCase } from './matmulCase';
import { trainingCase } from './trainingCase';
import { bertForwardCase, gpt2Cases } from './modelCases';
import { benchShapes } from './shapes';
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
  /** ORT ms / our ms: above 1 we are faster. */
  speedup: Partial<Record<OrtProvider, number>>;
  relativeDiff: Partial<Record<OrtProvider, number>>;
  /** Our dispatches per run and GPU time per kernel (one profiled run). */
  profile: KernelProfile;
  gpuBytes: number;
  error?: string;
}

export interface BenchReport {
  adapter: Pick<GpuInfo, 'vendor' | 'architecture' | 'description' | 'isFallbackAdapter'>;
  scale: 'full' | 'software';
  ortVersion: string;
  providers: OrtProvider[];
  timing: TimingOptions;
  rows: BenchRow[];
}

type CaseFactory = () => Promise<BenchCase | BenchCase[]>;

export async function runBench(context: BenchContext, options: { timing?: TimingOptions; onRow?: (row: BenchRow) => void } = {}): Promise<BenchReport> {
  const { gpu, ort, providers } = context;
  const timing = options.timing ?? DEFAULT_TIMING;
  const shapes = benchShapes(gpu.info.isFallbackAdapter);
  const factories: CaseFactory[] = [
    ...shapes.matmul.map((shape) => () => matmulCase(context, shape)),
    ...shapes.attention.map((shape) => () => attentionCase(context, shape)),
    () => bertForwardCase(context, shapes.models),
    () => gpt2Cases(context, shapes.models),
    () => trainingCase(context, shapes.training),
  ];
  const rows: BenchRow[] = [];
  for (const factory of factories) {
    let cases: BenchCase[];
    try {
      cases = [await factory()].flat();
    } catch (error) {
      rows.push(failedRow(String(error)));
      continue;
    }
    for (const benchCase of cases) {
      const row = await measure(context, benchCase, timing);
      rows.push(row);
      options.onRow?.(row);
    }
    for (const benchCase of cases) await benchCase.dispose();
  }
  const { vendor, architecture, description, isFallbackAdapter } = gpu.info;
  return { adapter: { vendor, architecture, description, isFallbackAdapter }, scale: shapes.scale, ortVersion: ort.env.versions.web ?? '', providers, timing, rows };
}

async function measure(context: BenchContext, benchCase: BenchCase, timing: TimingOptions): Promise<BenchRow> {
  const { group, name, note, flops, perRun, tokensPerRun, ortUnavailable } = benchCase;
  const row: BenchRow = {
    group, name, note, perRun, ms: {}, gflops: {}, speedup: {}, relativeDiff: {}, profile: emptyProfile(), gpuBytes: 0,
    ortUnavailable: ortUnavailable ? Object.fromEntries(context.providers.map((provider) => [provider, ortUnavailable])) : {},
  };
  try {
    const reference = await benchCase.ours();
    row.gpuBytes = context.gpu.bytesInUse;
    const contenders: Partial<Record<'ours' | OrtProvider, () => Promise<unknown>>> = { ours: benchCase.ours };
    const problems: string[] = [];
    for (const [provider, run] of Object.entries(benchCase.ort) as [OrtProvider, () => Promise<Float32Array>][]) {
      try {
        const diff = relativeMaxDiff(reference, await run());
        row.relativeDiff[provider] = diff;
        if (diff <= AGREEMENT) contenders[provider] = run;
        else problems.push(`ORT ${provider} output differs (relative ${diff.toExponential(1)}), not timed`);
      } catch (error) {
        problems.push(`ORT ${provider} failed: ${String(error)}`);
      }
    }
    if (problems.length > 0) row.error = problems.join('; ');
    row.profile = await profileOurs(context.gpu, benchCase.ours);
    const medians = await timeInterleaved(contenders as Record<string, () => Promise<unknown>>, timing);
    for (const [who, ms] of Object.entries(medians) as ['ours' | OrtProvider, number][]) {
      row.ms[who] = ms / perRun;
      row.gflops[who] = flops / (ms / perRun) / 1e6;
    }
    if (tokensPerRun && row.ms.ours) row.tokensPerSecond = tokensPerRun / ((row.ms.ours * perRun) / 1000);
    for (const provider of context.providers) {
      const theirs = row.ms[provider];
      if (theirs !== undefined && row.ms.ours) row.speedup[provider] = theirs / row.ms.ours;
    }
  } catch (error) {
    row.error = String(error);
  }
  return row;
}

function failedRow(error: string): BenchRow {
  return { group: 'model', name: 'setup', perRun: 1, ms: {}, gflops: {}, speedup: {}, relativeDiff: {}, profile: emptyProfile(), gpuBytes: 0, ortUnavailable: {}, error };
}

const emptyProfile = (): KernelProfile => ({ dispatches: 0, kernelMs: {}, kernelCounts: {} });
