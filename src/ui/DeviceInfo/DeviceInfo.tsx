import { useEffect } from 'react';
import { useAppStore } from '../../state/store';
import { STILL_WORKS_WITHOUT_WEBGPU } from '../../state/engineActions';
import { formatBytes } from '../../common/format';

const SHOWN_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'] as const;
const SHOWN_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
] as const;

/** The WebGPU status panel: which adapter runs the kernels, what it can do, and what is in use. */
export function DeviceInfo() {
  const status = useAppStore((s) => s.gpuStatus);
  const info = useAppStore((s) => s.gpuInfo);
  const message = useAppStore((s) => s.gpuMessage);
  const bytesInUse = useAppStore((s) => s.gpuBytesInUse);
  const bytesAllocated = useAppStore((s) => s.gpuBytesAllocated);
  const detectGpu = useAppStore((s) => s.detectGpu);

  useEffect(() => {
    void detectGpu();
  }, [detectGpu]);

  return (
    <section className="pane device-info" aria-labelledby="device-title" data-gpu-status={status}>
      <h2 id="device-title">WebGPU</h2>
      {status === 'detecting' && <p className="muted">Looking for a WebGPU adapter…</p>}
      {status === 'unavailable' && (
        <div role="status">
          <p className="warning">WebGPU is not available: {message}</p>
          <p>{STILL_WORKS_WITHOUT_WEBGPU}</p>
        </div>
      )}
      {status === 'lost' && (
        <div role="alert">
          <p className="warning">The GPU device was lost: {message}</p>
          <button type="button" onClick={() => void detectGpu()}>Reconnect</button>
        </div>
      )}
      {status === 'ready' && info && (
        <>
          <p>
            <strong>{info.vendor || 'unknown vendor'}</strong> · {info.architecture || 'unknown architecture'}
            {info.description ? ` · ${info.description}` : ''}
          </p>
          {info.isFallbackAdapter && (
            <p className="warning" data-testid="fallback-adapter">
              Software adapter (no GPU acceleration): kernels run on the CPU through an emulated GPU, many times slower.
            </p>
          )}
          <ul className="feature-list" aria-label="features">
            {SHOWN_FEATURES.map((feature) => (
              <li key={feature} className={info.features.includes(feature) ? 'on' : 'off'}>
                {info.features.includes(feature) ? '✓' : '✗'} {feature}
              </li>
            ))}
          </ul>
          <dl className="limits">
            {SHOWN_LIMITS.map((limit) => (
              <div key={limit}>
                <dt>{limit}</dt>
                <dd>{limit.endsWith('Size') ? formatBytes(info.limits[limit] ?? 0) : info.limits[limit]}</dd>
              </div>
            ))}
            <div>
              <dt>GPU memory in use</dt>
              <dd data-testid="gpu-bytes">{formatBytes(bytesInUse)}</dd>
            </div>
            <div title="Every buffer on the device: the tensors in use plus the free buffers kept for reuse (a small reserve once a model is unloaded)">
              <dt>GPU memory allocated</dt>
              <dd data-testid="gpu-bytes-allocated">{formatBytes(bytesAllocated)}</dd>
            </div>
          </dl>
        </>
      )}
    </section>
  );
}
