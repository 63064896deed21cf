// `npm test`: the type check (tsc -b: app, tests, scripts), the architecture checks (dependency rules, unused code), every unit test (vitest, including WGSL kernels
// on Node's Dawn), then every end-to-end test (Playwright in Chromium with WebGPU). All always run; the exit code is
// non-zero if any failed.
import { findChromium, webgpuNodeEnv } from './find-browser.mjs';
import { runE2e } from './e2e.mjs';
import { run } from './run.mjs';

try {
  await findChromium(); // also installs the Vulkan ICD that Node's WebGPU uses on Debian
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const types = await run('npx', ['tsc', '-b', '--noEmit']);
const architecture = await run('node', ['scripts/check-architecture.mjs']);
const unit = await run('npx', ['vitest', 'run'], webgpuNodeEnv());
const e2e = await runE2e();
const verdict = (code) => (code === 0 ? 'passed' : 'FAILED');
console.log(`\ntype check: ${verdict(types)}; architecture checks: ${verdict(architecture)}; unit tests: ${verdict(unit)}; end-to-end tests: ${verdict(e2e)}`);
process.exit(types || architecture || unit || e2e);
