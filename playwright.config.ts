import { defineConfig } from '@playwright/test';

// scripts/e2e.mjs resolves the browser (PLAYGROUND_CHROMIUM, /usr/bin/chromium, Playwright's own) and picks free ports
// and folders before this runs; run directly, the defaults below apply and a port already taken fails the run clearly
// (no server is ever reused: it might be another run's, or an older build).
const env = process.env;
const executablePath = env.PLAYGROUND_CHROMIUM || undefined;
const previewPort = Number(env.PLAYGROUND_PREVIEW_PORT ?? 4173);
const hubPort = Number(env.PLAYGROUND_HUB_PORT ?? 4180);
const cdnPort = Number(env.PLAYGROUND_HUB_CDN_PORT ?? hubPort + 1);
const dist = env.PLAYGROUND_DIST ?? 'dist';
// The specs read the stand-in's address from here (e2e/hub.ts).
env.PLAYGROUND_HUB_URL = `http://127.0.0.1:${hubPort}`;
env.PLAYGROUND_HUB_CDN_URL = `http://127.0.0.1:${cdnPort}`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: env.PLAYGROUND_RESULTS ?? 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${previewPort}/`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--enable-unsafe-webgpu',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: [
    {
      command: `npx vite preview --port ${previewPort} --strictPort --outDir ${dist}`,
      url: `http://127.0.0.1:${previewPort}/`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `node scripts/hub-server.mjs --port ${hubPort} --cdn-port ${cdnPort} --root test/fixtures/models --root test/fixtures/hub --root ../shared/data/hf-reference`,
      url: `http://127.0.0.1:${hubPort}/tiny-gpt2/resolve/main/config.json`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
  ],
});
