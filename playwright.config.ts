import { defineConfig } from '@playwright/test';

// scripts/e2e.mjs resolves the browser (PLAYGROUND_CHROMIUM, /usr/bin/chromium, Playwright's own) before this runs.
const executablePath = process.env.PLAYGROUND_CHROMIUM || undefined;
const previewPort = 4173;
const hubPort = 4180;

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
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
      command: `npx vite preview --port ${previewPort} --strictPort`,
      url: `http://127.0.0.1:${previewPort}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `node scripts/hub-server.mjs --port ${hubPort} --cdn-port ${hubPort + 1} --root test/fixtures/models --root test/fixtures/hub --root ../shared/data/hf-reference`,
      url: `http://127.0.0.1:${hubPort}/tiny-gpt2/resolve/main/config.json`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
  ],
});
