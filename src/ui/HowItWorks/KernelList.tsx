import type { KernelDispatch } from '../../engine/trace';

/** The kernel folder of a dispatch label ('matmul_kn_bias_gelu_tanh (…)' → matmul): src/kernels/<folder>/<folder>.wgsl. */
function kernelFolder(label: string): string {
  const name = label.split(/[ (]/)[0];
  if (name === 'copy_rows') return 'copyRows';
  const folder = ['matmul', 'layernorm', 'rmsnorm', 'attention', 'embedding', 'rope', 'swiglu', 'gelu', 'softmax', 'add'].find((f) => name.startsWith(f));
  return folder ?? name;
}

/**
 * The WGSL dispatches that computed a stage, as the Recorder ran them for this trace: label, grid, GPU time. `note`
 * says why a stage has none (the CPU path, or a stage that is another stage's output).
 */
export function KernelList({ dispatches, timed, note }: { dispatches?: KernelDispatch[]; timed?: boolean; note?: string }) {
  if (!dispatches) return <p className="muted hiw-kernels">The model runs on the CPU reference path here (no WebGPU): no WGSL dispatch computed this stage.</p>;
  if (dispatches.length === 0) return <p className="muted hiw-kernels">{note ?? 'No dispatch of its own.'}</p>;
  return (
    <div className="hiw-kernels" data-testid="hiw-kernels">
      <h3>WGSL {dispatches.length === 1 ? 'kernel' : 'kernels'} that computed this</h3>
      <ul>
        {dispatches.map((dispatch, i) => (
          <li key={i} data-testid="hiw-kernel" data-label={dispatch.label}>
            <code>{dispatch.label}</code>{' '}
            <span className="muted">
              src/kernels/{kernelFolder(dispatch.label)}/ · dispatchWorkgroups({dispatch.workgroups.join(', ')})
              {dispatch.ms !== undefined && ` · ${dispatch.ms < 0.1 ? dispatch.ms.toFixed(3) : dispatch.ms.toFixed(2)} ms on the GPU`}
            </span>
          </li>
        ))}
      </ul>
      {!timed && <p className="muted">This device has no timestamp queries: no GPU times.</p>}
    </div>
  );
}
