import { testGpu } from '../kernels/testing';
import { createGpuBackend } from './gpuBackend';
import { describeModelConformance } from './testing/conformance';

// The same conformance suite as the CPU backend, on the WGSL kernels (Node's Dawn on SwiftShader here).
describeModelConformance('webgpu', async () => createGpuBackend(await testGpu()), 1e-4);
