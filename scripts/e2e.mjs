// End-to-end tests: find (or install) Chromium, build the app, run Playwright against `vite preview`.
// Extra arguments go to Playwright (e.g. `npm run test:e2e -- e2e/tokenizer.spec.ts`).
//
// Each run picks free ports for the preview server and the Hub stand-in (and its CDN origin), builds into its own
// folder and writes its own test-results folder, so two runs on one machine never test each other's servers or build
// (Playwright is told never to reuse a server that already listens).
import { createServer } from 'node:net';
import { findChromium, webgpuNodeEnv } from './find-browser.mjs';
import { run } from './run.mjs';

/** A port the OS says is free right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function runE2e(extraArgs = []) {
  const chromium = await findChromium();
  console.log(`e2e: using Chromium at ${chromium}`);
  const [preview, hub, cdn] = [await freePort(), await freePort(), await freePort()];
  const outDir = `.e2e/${preview}/dist`;
  console.log(`e2e: preview on ${preview}, Hub stand-in on ${hub} (CDN ${cdn}), build in ${outDir}`);
  // The page's Content-Security-Policy (vite.config.ts) lets it reach this run's stand-in origins.
  const connectSrc = [process.env.PLAYGROUND_CONNECT_SRC, `http://127.0.0.1:${hub}`, `http://127.0.0.1:${cdn}`].filter(Boolean).join(' ');
  const buildCode = await run('npm', ['run', 'build', '--', '--outDir', outDir, '--emptyOutDir'], { PLAYGROUND_CONNECT_SRC: connectSrc });
  if (buildCode !== 0) return buildCode;
  return run('npx', ['playwright', 'test', ...extraArgs], {
    PLAYGROUND_CHROMIUM: chromium,
    PLAYGROUND_PREVIEW_PORT: String(preview),
    PLAYGROUND_HUB_PORT: String(hub),
    PLAYGROUND_HUB_CDN_PORT: String(cdn),
    PLAYGROUND_DIST: outDir,
    PLAYGROUND_RESULTS: `.e2e/${preview}/test-results`,
    PLAYGROUND_CONNECT_SRC: connectSrc,
    ...webgpuNodeEnv(),
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exit(await runE2e(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
