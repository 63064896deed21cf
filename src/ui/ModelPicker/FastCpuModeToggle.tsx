import { useAppStore } from '../../state/store';

/**
 * The one Fast CPU mode switch: forward passes (attention, fill-mask, Compare's plain forwards) and generation in
 * onnxruntime-web's wasm CPU backend instead of our kernels. On a software WebGPU adapter it is recommended, with the reason; the speed gap is
 * stated only as measured in this page (the Compare tab's wasm comparison of the loaded model).
 */
export function FastCpuModeToggle() {
  const fastCpuMode = useAppStore((s) => s.fastCpuMode);
  const setFastCpuMode = useAppStore((s) => s.setFastCpuMode);
  const gpuStatus = useAppStore((s) => s.gpuStatus);
  const fallback = useAppStore((s) => s.gpuInfo?.isFallbackAdapter === true);
  const adapter = useAppStore((s) => s.gpuInfo?.architecture || s.gpuInfo?.vendor);
  const backend = useAppStore((s) => s.model?.backend);
  const comparison = useAppStore((s) => s.comparison);
  const ours = backend === 'cpu' ? 'our CPU reference path' : 'our WebGPU kernels';
  const why =
    backend === 'cpu' || gpuStatus === 'unavailable'
      ? 'there is no WebGPU here, so our kernels run on a plain CPU reference path.'
      : fallback
        ? `this WebGPU adapter${adapter ? ` (${adapter})` : ''} is a software fallback that emulates a GPU on the CPU, so our GPU kernels run on the CPU without the parallel hardware they are written for.`
        : undefined;
  const measured = comparison && !comparison.fastCpuMode ? comparison.results.find((result) => result.provider === 'wasm') : undefined;
  return (
    <div className="fast-cpu-mode" data-testid="fast-cpu-panel">
      <label>
        <input type="checkbox" checked={fastCpuMode} onChange={(event) => setFastCpuMode(event.target.checked)} data-testid="fast-cpu-mode" />
        Fast CPU mode (onnxruntime-web wasm)
      </label>
      {why && !fastCpuMode && (
        <p className="notice" data-testid="fast-cpu-recommended">
          Recommended here: {why}{' '}
          <button type="button" onClick={() => setFastCpuMode(true)} data-testid="fast-cpu-turn-on">Turn it on</button>
        </p>
      )}
      <p className="muted" data-testid="speed-gap">
        {measured
          ? `Measured here: ${comparison!.model} on ${comparison!.tokens} tokens took ${measured.oursMs.toFixed(1)} ms on ${ours} and ${measured.ortMs.toFixed(1)} ms in onnxruntime-web wasm (median of 3 runs): ${
              measured.ortMs < measured.oursMs ? `wasm is ${(measured.oursMs / measured.ortMs).toFixed(1)}× faster` : `ours is ${(measured.ortMs / measured.oursMs).toFixed(1)}× faster`
            }.`
          : 'The Compare tab measures the gap for the loaded model on this machine ("Compare with onnxruntime-web (wasm)").'}
      </p>
      <p className="muted" data-testid="forward-engine">
        {fastCpuMode
          ? `Forward passes (attention, fill-mask) and generation run on onnxruntime-web (wasm, CPU); the Attention tab's generation (attention read back per step), the neuron view's q, k, v and fine-tuning on ${ours}.`
          : `Forward passes, generation and fine-tuning run on ${ours}.`}
      </p>
    </div>
  );
}
