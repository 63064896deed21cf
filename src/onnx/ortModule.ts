// onnxruntime-web for the page, loaded on first use (its WebGPU build and its wasm, about 26 MB, stay out of the
// initial bundle). Threads when the page is cross-origin isolated (vite serves it so), else one.

import type { OrtModule } from './ortSession';

let loading: Promise<OrtModule> | undefined;

export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-web/webgpu').then((ort) => {
    ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    return ort;
  });
  return loading;
}
