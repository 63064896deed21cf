// bench.html: runs the benchmark in this tab and shows the table; `window.benchReport` holds the result for
// scripts/bench.mjs, and a link offers it as JSON.

import { Gpu } from '../gpu';
import { loadOrt } from '../onnx/ortModule';
import { runBench, type BenchReport, type BenchRow } from './runBench';
import { formatReport } from './table';

declare global {
  interface Window {
    benchReport?: BenchReport;
    benchError?: string;
  }
}

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = element<HTMLParagraphElement>('bench-status');
const table = element<HTMLPreElement>('bench-table');
const button = element<HTMLButtonElement>('bench-run');

async function run() {
  button.disabled = true;
  try {
    if (!navigator.gpu) throw new Error('This browser has no WebGPU (navigator.gpu is missing).');
    status.textContent = 'Starting WebGPU and onnxruntime-web, measuring the adapter\'s peaks…';
    const [gpu, ort] = await Promise.all([Gpu.create({ gpu: navigator.gpu }), loadOrt()]);
    const rows: BenchRow[] = [];
    // `?full`: the real sizes even on a software adapter (hardware adapters get them anyway).
    const search = new URLSearchParams(location.search);
    const full = search.has('full');
    const report = await runBench(
      { gpu, ort, providers: ['webgpu', 'wasm'] },
      {
        scale: full ? 'full' : undefined,
        only: search.get('only') ?? undefined, // `?only=<regular expression>`: those rows alone
        heap: () => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize,
        onRow: (row) => {
          rows.push(row);
          status.textContent = `Measured ${rows.length} rows; last: ${row.name}`;
        },
      },
    );
    table.textContent = formatReport(report);
    status.textContent = 'Done.';
    const link = element<HTMLAnchorElement>('bench-json');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }));
    link.hidden = false;
    window.benchReport = report;
  } catch (error) {
    window.benchError = error instanceof Error ? error.message : String(error);
    status.textContent = `The benchmark failed: ${window.benchError}`;
  } finally {
    button.disabled = false;
  }
}

button.addEventListener('click', () => void run());
if (new URLSearchParams(location.search).has('run')) void run();
