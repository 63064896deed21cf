import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Where the page may fetch from (connect-src): itself and the Hugging Face Hub with the CDN origins its downloads
 * redirect to. Anything else (a Hub mirror, a model folder on another server, the tests' Hub stand-in, which
 * scripts/e2e.mjs adds) is added by whoever builds or serves the app:
 *   PLAYGROUND_CONNECT_SRC="https://models.example.org https://mirror.example.net" npm run build   (or npm start)
 * The page cannot widen its own policy; a request the policy blocks is named on the page with this variable.
 */
const HUB_ORIGINS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];
const addedOrigins = (process.env.PLAYGROUND_CONNECT_SRC ?? '').split(/[\s,]+/).filter(Boolean);
for (const origin of addedOrigins) {
  if (!/^(https?|wss?):\/\/[^\s;,']+$/.test(origin)) throw new Error(`PLAYGROUND_CONNECT_SRC: "${origin}" is not an origin such as https://models.example.org`);
}
const connectSources = ["'self'", 'data:', 'blob:', ...HUB_ORIGINS, ...addedOrigins];

/**
 * The page's policy. No inline script in the built page; WebAssembly (onnxruntime-web) needs 'wasm-unsafe-eval'.
 * `frame-ancestors 'none'` (and X-Frame-Options: DENY for older browsers) forbids framing by any origin: a framed
 * page would hand window.playground to the framing site. frame-ancestors only works as a header, so the built
 * index.html carries the rest as a meta tag (for hosts that set no headers) and the servers send the whole policy.
 */
function contentSecurityPolicy({ dev }: { dev: boolean }): string {
  return [
    "default-src 'self'",
    // The dev server's React refresh preamble is an inline script, and its hot reload talks over a WebSocket.
    dev ? "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'" : "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${[...connectSources, ...(dev ? ['ws:'] : [])].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const securityHeaders = (dev: boolean) => ({
  ...isolationHeaders,
  'Content-Security-Policy': contentSecurityPolicy({ dev }),
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

/** The built page's meta policy: the header's, less frame-ancestors (which browsers ignore in a meta tag). */
function contentSecurityPolicyMeta(): Plugin {
  const meta = contentSecurityPolicy({ dev: false })
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
  return {
    name: 'content-security-policy-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: meta }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicyMeta()],
  base: './',
  worker: { format: 'es' },
  server: { headers: securityHeaders(true), host: '127.0.0.1', port: 5173 },
  preview: { headers: securityHeaders(false), host: '127.0.0.1', port: 4173 },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // The bench page ships beside the app; two entries also put the bundler's runtime helpers in a chunk of their own,
    // so onnxruntime-web's worker threads do not load (and hang on) the app's main chunk.
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Kernel tests drive one Dawn device on a 2-core SwiftShader: run test files one after another.
    fileParallelism: false,
  },
});
