/** Why WebGPU cannot be used in this browser, in plain words, or undefined when `navigator.gpu` exists. */
export function webgpuMissingReason(): string | undefined {
  if (typeof navigator === 'undefined' || !('gpu' in navigator)) {
    if (typeof isSecureContext !== 'undefined' && !isSecureContext) {
      return 'WebGPU needs a secure context: open the page from https:// or from localhost / 127.0.0.1.';
    }
    return 'This browser does not expose WebGPU. Use a recent Chrome, Edge or Chromium (or Firefox/Safari with WebGPU enabled).';
  }
  return undefined;
}

export const NO_ADAPTER_REASON =
  'WebGPU is present but no adapter was granted. In Chromium without a GPU, start it with --enable-unsafe-webgpu ' +
  '(software rendering via SwiftShader); on Linux with a GPU you may also need --enable-features=Vulkan.';

export const STILL_WORKS_WITHOUT_WEBGPU =
  'Tokenization works without WebGPU, and small models still run on the CPU reference path (slowly).';
