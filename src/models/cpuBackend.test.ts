import { createCpuBackend } from './cpuBackend';
import { describeModelConformance } from './testing/conformance';

describeModelConformance('cpu', async () => createCpuBackend(), 1e-4);
