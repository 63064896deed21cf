// The report as a fixed-width text table (console, page and the bench kit alike).

import type { OrtProvider } from '../onnx/ortSession';
import type { BenchReport, BenchRow } from './runBench';

const fixed = (value: number | undefined, digits: number) => (value === undefined ? '—' : value.toFixed(digits));
/** An ORT cell: 'n/a' where the row says ORT cannot run it at all (the reason is printed below the table). */
const ort = (row: BenchRow, provider: OrtProvider, value: number | undefined, digits: number) =>
  row.ortUnavailable[provider] ? 'n/a' : fixed(value, digits);

const COLUMNS: [string, (row: BenchRow) => string][] = [
  ['case', (row) => row.name],
  ['ours ms', (row) => fixed(row.ms.ours, 2)],
  ['ORT webgpu ms', (row) => ort(row, 'webgpu', row.ms.webgpu, 2)],
  ['ORT wasm ms', (row) => ort(row, 'wasm', row.ms.wasm, 2)],
  ['ours/ORT webgpu', (row) => ort(row, 'webgpu', row.speedup.webgpu, 2)],
  ['ours/ORT wasm', (row) => ort(row, 'wasm', row.speedup.wasm, 2)],
  ['ours GFLOP/s', (row) => fixed(row.gflops.ours, 2)],
  ['ours GB/s', (row) => fixed(row.gbps, 2)],
  ['% of peak', (row) => (row.ofPeak === undefined ? '—' : `${(100 * row.ofPeak).toFixed(1)}%`)],
  ['webgpu GFLOP/s', (row) => ort(row, 'webgpu', row.gflops.webgpu, 2)],
  ['wasm GFLOP/s', (row) => ort(row, 'wasm', row.gflops.wasm, 2)],
  ['ours tokens/s', (row) => fixed(row.tokensPerSecond, 0)],
  ['dispatches', (row) => (row.profile.dispatches ? String(row.profile.dispatches / row.perRun) : '—')],
  ['profiled GPU ms', (row) => fixed(gpuMs(row), 2)],
  ['GPU MB', (row) => (row.gpuBytes / 2 ** 20).toFixed(1)],
  ['runs', (row) => String(row.runs)],
];

export function formatReport(report: BenchReport): string {
  const { adapter, scale, ortVersion, timing, peak } = report;
  const variants = Object.entries(peak.variants).map(([variant, gflops]) => `${variant} ${gflops!.toFixed(2)}`).join(', ');
  const header = [
    `adapter: ${adapter.vendor} / ${adapter.architecture}${adapter.description ? ` (${adapter.description})` : ''}${adapter.isFallbackAdapter ? ', software fallback adapter' : ''}; shapes: ${scale}`,
    `features: ${report.features.join(', ')}`,
    `measured peak: copy ${peak.copyGBs.toFixed(2)} GB/s (${peak.copyMiB} MiB buffers), matmul ${peak.matmulGflops.toFixed(2)} GFLOP/s (${peak.matmulSize}³, ${peak.matmulVariant}; ${variants})`,
    `onnxruntime-web ${ortVersion} (${report.providers.join(', ')}); ${timing.warmup} warm-up + ${timing.runs} timed runs each (fewer for rows of seconds: see "runs"), interleaved, medians`,
    'ours/ORT = ORT ms / our ms (above 1: ours faster). Times include upload and read-back on both sides. % of peak: GB/s of the copy peak for rows with GB/s, else GFLOP/s of the matmul peak.',
  ];
  const cells = report.rows.map((row) => COLUMNS.map(([, cell]) => cell(row)));
  const widths = COLUMNS.map(([title], c) => Math.max(title.length, ...cells.map((line) => line[c].length)));
  const line = (values: string[]) => values.map((value, c) => (c === 0 ? value.padEnd(widths[c]) : value.padStart(widths[c]))).join('  ');
  const breakdown = report.rows
    .filter((row) => (row.group === 'model' || row.group === 'training') && Object.keys(row.profile.kernelMs).length > 0)
    .map((row) => `${row.name}, our GPU time by kernel: ${kernelShares(row)}`);
  const notes = report.rows.flatMap((row) => [
    ...(row.note && row.group !== 'matmul' ? [`${row.name}: ${row.note}`] : []),
    ...(row.details ? [`${row.name}: ${row.details}`] : []),
    ...unavailable(row),
    ...(row.error ? [`${row.name}: ${row.error}`] : []),
  ]);
  const skipped = report.skipped.map((why) => `not run: ${why}`);
  return [...header, '', line(COLUMNS.map(([title]) => title)), ...cells.map(line), '', ...breakdown, ...notes, ...skipped].join('\n');
}

/** Our summed kernel time of one run (per token for decode), when the adapter has timestamp queries. */
function gpuMs(row: BenchRow): number | undefined {
  const values = Object.values(row.profile.kernelMs);
  return values.length === 0 ? undefined : values.reduce((sum, ms) => sum + ms, 0) / row.perRun;
}

/** "matmul_nk_bias 61% (12x), attention 20% (2x), ..." for one profiled run. */
function kernelShares(row: BenchRow): string {
  const { kernelMs, kernelCounts } = row.profile;
  const total = Object.values(kernelMs).reduce((sum, ms) => sum + ms, 0);
  return Object.entries(kernelMs)
    .sort(([, a], [, b]) => b - a)
    .map(([kernel, ms]) => `${kernel} ${((100 * ms) / total).toFixed(0)}% (${kernelCounts[kernel]}x)`)
    .join(', ');
}

/** "<row>: ORT webgpu, wasm: n/a — <why>" once per reason. */
function unavailable(row: BenchRow): string[] {
  const byReason = new Map<string, string[]>();
  for (const [provider, why] of Object.entries(row.ortUnavailable)) byReason.set(why, [...(byReason.get(why) ?? []), provider]);
  return [...byReason].map(([why, providers]) => `${row.name}: ORT ${providers.join(', ')}: ${why}`);
}
