import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { HUB } from './hub';

// Issue 16's "Also": a test run tests its own build and its own servers. scripts/e2e.mjs picks free ports and a build
// folder per run (PLAYGROUND_PREVIEW_PORT, PLAYGROUND_DIST); Playwright never reuses a server that already listens.

test('the page under test is this run\'s build, and the Hub stand-in serves this checkout\'s fixtures', async ({ page, baseURL }) => {
  const dist = process.env.PLAYGROUND_DIST ?? 'dist';
  const served = await (await page.request.get(baseURL!)).text();
  expect(served).toBe(readFileSync(`${dist}/index.html`, 'utf8'));
  if (process.env.PLAYGROUND_PREVIEW_PORT) expect(new URL(baseURL!).port).toBe(process.env.PLAYGROUND_PREVIEW_PORT);
  const config = await (await page.request.get(`${HUB}/tiny-gpt2/resolve/main/config.json`)).json();
  expect(config).toEqual(JSON.parse(readFileSync('test/fixtures/models/tiny-gpt2/config.json', 'utf8')));
});

test('a preview server on a port that is taken fails and says so, instead of answering with whatever listens there', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    // The command playwright.config.ts starts the preview with.
    const child = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1', '--outDir', process.env.PLAYGROUND_DIST ?? 'dist'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve(null);
      }, 30_000);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code, output).not.toBe(0);
    expect(code, 'vite preview kept running on a taken port').not.toBeNull();
    expect(output).toContain(`Port ${port} is already in use`);
  } finally {
    server.close();
  }
});
