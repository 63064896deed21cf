import { useAppStore } from '../../state/store';

/**
 * On a software WebGPU adapter our kernels run 30-50x slower than onnxruntime-web's wasm CPU path: offer that path
 * for forward passes (attention views, fill-mask), and say which engine runs.
 */
export function FastCpuModeToggle() {
  const fastCpuMode = useAppStore((s) => s.fastCpuMode);
  const setFastCpuMode = useAppStore((s) => s.setFastCpuMode);
  const softwareAdapter = useAppStore((s) => s.gpuStatus !== 'ready' || s.gpuInfo?.isFallbackAdapter === true);
  const backend = useAppStore((s) => s.model?.backend);
  const ours = backend === 'cpu' ? 'our CPU reference path' : 'our WebGPU kernels';
  return (
    <div className="fast-cpu-mode">
      <label>
        <input type="checkbox" checked={fastCpuMode} onChange={(event) => setFastCpuMode(event.target.checked)} data-testid="fast-cpu-mode" />
        Fast CPU mode (onnxruntime-web wasm)
      </label>
      {softwareAdapter && !fastCpuMode && <p className="muted">Recommended here: this adapter has no GPU acceleration.</p>}
      <p className="muted" data-testid="forward-engine">
        Forward passes (attention, fill-mask) run on {fastCpuMode ? 'onnxruntime-web (wasm, CPU)' : ours}; generation and
        fine-tuning on {ours}.
      </p>
    </div>
  );
}
