// onnxruntime-web for the page, loaded on first use (its WebGPU build and its wasm, about 26 MB, stay out of the
// initial bundle).
//
// One wasm thread: ORT's worker threads load the module file ORT's code lives in, and in the app's production build
// that chunk imports the bundler's runtime helpers from the page's entry chunk, which then runs in the worker, touches
// `document` and fails, leaving ORT waiting forever. Threads need onnxruntime-web in a chunk that imports no page code.

import type { OrtModule } from './ortSession';

let loading: Promise<OrtModule> | undefined;

export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-web/webgpu').then((ort) => {
    // Threads need SharedArrayBuffer, which needs the page to be cross-origin isolated (COOP/COEP headers).
    const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
    ort.env.wasm.numThreads = isolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    // ORT prints its warnings (nodes placed on the CPU, and the like) through console.error with terminal colour
    // codes; they are not errors of the page, and real errors still reject the call that caused them.
    ort.env.logLevel = 'error';
    return ort;
  });
  return loading;
}
