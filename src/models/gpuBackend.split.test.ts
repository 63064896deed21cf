import { testGpu } from '../kernels/testing';
import { createGpuBackend } from './gpuBackend';
import { describeModelConformance } from './testing/conformance';

// As if the GPU allowed only 48 KiB per binding: tiny-gpt2's (1000, 32) f32 embedding (125 KiB) is then projected in
// chunks and looked up on the host, and every golden output must still match.
describeModelConformance('webgpu with 48 KiB bindings', async () => createGpuBackend(await testGpu(), 'forward', { maxBindingBytes: 48 * 1024 }), 1e-4, { sharedCheckpoints: false });
