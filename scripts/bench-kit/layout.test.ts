// The bench kit's builder gives run.sh everything it needs (without building the whole kit: no xz of Node here):
// every source file exists, run.sh unpacks exactly the files the layout ships compressed and runs what the layout
// holds, the bundle imports nothing but Node's modules and the packages the kit carries, and each of those packages'
// entry files (by its package.json exports, as Node resolves them) is in the kit.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { bundle } from './build.mjs';
import { EXTERNAL_PACKAGES, kitFiles } from './layout.mjs';

const runScript = readFileSync(join(import.meta.dirname, 'run.sh'), 'utf8');
const files = kitFiles();
const shipped = new Set(files.map((file) => (file.xz ? `${file.to}.xz` : file.to)));
const unpacked = new Set(files.map((file) => file.to));

it('has a source for every file it copies, and run.sh unpacks exactly the compressed ones', () => {
  for (const file of files) if (file.from) expect(statSync(file.from).isFile(), file.from).toBe(true);
  const unpackList = [...runScript.matchAll(/(?<=\s)([\w./-]+\.xz)(?=[\s;])/g)].map((match) => match[1]);
  expect(new Set(unpackList)).toEqual(new Set(files.filter((file) => file.xz).map((file) => `${file.to}.xz`)));
  for (const path of unpackList) expect(shipped.has(path)).toBe(true);
  // What it executes and falls back to.
  for (const path of ['bin/node', 'app/bench.mjs']) expect(runScript).toContain(`"$kit/${path}"`);
  expect(unpacked.has('bin/node') && unpacked.has('app/bench.mjs')).toBe(true);
  if (unpacked.has('lib/libvulkan.so.1')) expect(runScript).toContain('$kit/lib');
  expect([...unpacked].filter((path) => path.startsWith('LICENSES/')).sort()).toEqual(expect.arrayContaining(['LICENSES/dawn.txt', 'LICENSES/node.txt', 'LICENSES/onnxruntime-web.txt']));
});

it('bundles the benchmark so that it imports only Node and the packages the kit carries, and carries their entries', async () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-kit-test-'));
  try {
    const source = readFileSync(await bundle(out), 'utf8');
    const imports = [...source.matchAll(/(?:^|\n)\s*import\s[^'"]*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1] ?? match[2]);
    const external = [...new Set(imports.filter((name) => !name.startsWith('node:')))].sort();
    console.log(`bench kit bundle: ${(source.length / 2 ** 10).toFixed(0)} KiB, imports ${external.join(', ')}`);
    expect(external).toEqual([...EXTERNAL_PACKAGES].sort());
    expect(source).toContain('@compute'); // the WGSL is inlined
    for (const specifier of external) {
      const [scope, ...rest] = specifier.split('/');
      const entry = rest.length ? `./${rest.join('/')}` : '.';
      const manifest = JSON.parse(readFileSync(files.find((file) => file.to === `app/node_modules/${scope}/package.json`)!.from!, 'utf8'));
      const target = resolveExport(manifest, entry);
      expect(unpacked.has(`app/node_modules/${scope}/${target.replace(/^\.\//, '')}`), `${specifier} -> ${target}`).toBe(true);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/** The file Node's ESM resolver picks for `entry` of a package.json (conditions: node, import, default). */
function resolveExport(manifest: { main?: string; exports?: unknown }, entry: string): string {
  if (!manifest.exports) return manifest.main ?? 'index.js';
  let target = (manifest.exports as Record<string, unknown>)[entry];
  while (target && typeof target === 'object') {
    const conditions = target as Record<string, unknown>;
    target = conditions.node ?? conditions.import ?? conditions.default;
  }
  if (typeof target !== 'string') throw new Error(`no export ${entry}`);
  return target;
}
