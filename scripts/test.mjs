// `npm test`: every unit test (vitest, including WGSL kernels on Node's Dawn) then every end-to-end test
// (Playwright in Chromium with WebGPU). Both always run; the exit code is non-zero if either failed.
import { findChromium, webgpuNodeEnv } from './find-browser.mjs';
import { runE2e } from './e2e.mjs';
import { run } from './run.mjs';

try {
  await findChromium(); // also installs the Vulkan ICD that Node's WebGPU uses on Debian
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const unit = await run('npx', ['vitest', 'run'], webgpuNodeEnv());
const e2e = await runE2e();
console.log(`\nunit tests: ${unit === 0 ? 'passed' : 'FAILED'}; end-to-end tests: ${e2e === 0 ? 'passed' : 'FAILED'}`);
process.exit(unit || e2e);
