// `npm run bench:kit [-- --out DIR]`: builds the bench kit (default dist/bench-kit/), a folder of at most 48 MiB that
// runs the benchmark on any x86-64 Linux with a Vulkan driver and nothing else: the benchmark bundled for Node
// (app/bench.mjs, from entry.ts), this machine's Node binary and npm webgpu's dawn.node xz-compressed, onnxruntime-web's
// Node and WebGPU entries with their wasm, the Vulkan loader as a fallback, the licences, and run.sh. See README.txt.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { EXTERNAL_PACKAGES, KIT_LIMIT_BYTES, VULKAN_LOADER_LICENSE, kitFiles, onnxruntimeLicense } from './layout.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const CACHE = join(ROOT, 'node_modules/.cache/bench-kit');
/** The xz program (xz-utils); XZ=/path/to/xz picks another. */
const XZ = process.env.XZ || 'xz';

/** Bundles entry.ts (the benchmark, its WGSL inlined) into `outDir`/bench.mjs for Node; the packages stay imports. */
export async function bundle(outDir) {
  await build({
    configFile: false,
    root: ROOT,
    publicDir: false,
    logLevel: 'warn',
    build: {
      ssr: join(import.meta.dirname, 'entry.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { external: EXTERNAL_PACKAGES, output: { entryFileNames: 'bench.mjs', format: 'es' } },
    },
    ssr: { noExternal: true },
  });
  return join(outDir, 'bench.mjs');
}

/** `from` xz-compressed into `to` (-9), from a cache keyed by the source's size and time (xz of Node takes minutes). */
function compress(from, to) {
  const { size, mtimeMs } = statSync(from);
  const cached = join(CACHE, `${createHash('sha256').update(`${from}|${size}|${mtimeMs}`).digest('hex').slice(0, 16)}.xz`);
  if (!existsSync(cached)) {
    mkdirSync(CACHE, { recursive: true });
    console.log(`bench kit: xz -9 ${from} (${(size / 2 ** 20).toFixed(1)} MiB)…`);
    const result = spawnSync(XZ, ['-9', '-T0', '-c', from], { maxBuffer: 2 ** 31 });
    if (result.error || result.status !== 0) throw new Error(`bench kit: xz failed on ${from} (${result.error?.message ?? result.stderr}); install xz-utils`);
    writeFileSync(`${cached}.partial`, result.stdout);
    copyFileSync(`${cached}.partial`, cached);
    rmSync(`${cached}.partial`);
  }
  copyFileSync(cached, to);
}

export async function buildKit(out) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const generated = {
    'app/package.json': JSON.stringify({ private: true, type: 'module' }, null, 2),
    'LICENSES/onnxruntime-web.txt': onnxruntimeLicense(),
    'LICENSES/vulkan-loader.txt': VULKAN_LOADER_LICENSE,
  };
  await bundle(join(out, 'app'));
  const manifest = [];
  for (const file of kitFiles()) {
    const target = join(out, file.xz ? `${file.to}.xz` : file.to);
    mkdirSync(dirname(target), { recursive: true });
    if (file.to === 'app/bench.mjs') {
      // written by bundle()
    } else if (file.from === null) {
      writeFileSync(target, generated[file.to]);
    } else if (file.xz) {
      compress(file.from, target);
    } else {
      copyFileSync(file.from, target);
    }
    const bytes = readFileSync(target);
    manifest.push({ path: file.xz ? `${file.to}.xz` : file.to, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  chmodSync(join(out, 'run.sh'), 0o755);
  const total = manifest.reduce((sum, file) => sum + file.bytes, 0);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ node: process.version, builtAt: new Date().toISOString(), totalBytes: total, files: manifest }, null, 2));
  if (total > KIT_LIMIT_BYTES) throw new Error(`bench kit: ${(total / 2 ** 20).toFixed(1)} MiB is over its ${KIT_LIMIT_BYTES / 2 ** 20} MiB limit`);
  return { total, manifest };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = resolve(args.includes('--out') ? args[args.indexOf('--out') + 1] : join(ROOT, 'dist/bench-kit'));
  const { total, manifest } = await buildKit(out);
  for (const file of manifest) console.log(`${(file.bytes / 2 ** 20).toFixed(2).padStart(7)} MiB  ${file.path}`);
  console.log(`bench kit: ${out}, ${(total / 2 ** 20).toFixed(1)} MiB in ${manifest.length} files (limit ${KIT_LIMIT_BYTES / 2 ** 20} MiB)`);
  console.log(`bench kit: copy the folder to the GPU machine and run: sh ${out.split('/').pop()}/run.sh   (or --kernels for a minute's check)`);
}
