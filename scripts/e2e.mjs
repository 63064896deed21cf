// End-to-end tests: find (or install) Chromium, build the app, run Playwright against `vite preview`.
// Extra arguments go to Playwright (e.g. `npm run test:e2e -- e2e/tokenizer.spec.ts`).
import { findChromium, webgpuNodeEnv } from './find-browser.mjs';
import { run } from './run.mjs';

export async function runE2e(extraArgs = []) {
  const chromium = await findChromium();
  console.log(`e2e: using Chromium at ${chromium}`);
  const buildCode = await run('npm', ['run', 'build']);
  if (buildCode !== 0) return buildCode;
  return run('npx', ['playwright', 'test', ...extraArgs], { PLAYGROUND_CHROMIUM: chromium, ...webgpuNodeEnv() });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exit(await runE2e(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
