// The bench kit's builder gives run.sh everything it needs (without building the whole kit: no xz of Node here):
// every source file exists, run.sh unpacks exactly the files the layout ships compressed and runs what the layout
// holds, the bundle imports nothing but Node's modules and the packages the kit carries, and each of those packages'
// entry files (by its package.json exports, as Node resolves them) is in the kit, and so is everything those import.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parseAst } from 'vite';
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

it('bundles the benchmark so that it imports only Node and the packages the kit carries, with all they import', async () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-kit-test-'));
  try {
    const source = readFileSync(await bundle(out), 'utf8');
    const external = [...new Set(importsOf(source).filter((name) => !isBuiltin(name)))].sort();
    console.log(`bench kit bundle: ${(source.length / 2 ** 10).toFixed(0)} KiB, imports ${external.join(', ')}`);
    expect(external).toEqual([...EXTERNAL_PACKAGES].sort());
    expect(source).toContain('@compute'); // the WGSL is inlined
    // Everything reachable from the bundle's imports, file by file, as Node resolves it, is in the kit.
    const pending = external.map((specifier) => resolveIn('app/bench.mjs', specifier));
    const seen = new Set<string>();
    while (pending.length > 0) {
      const path = pending.pop()!;
      if (seen.has(path)) continue;
      seen.add(path);
      expect(unpacked.has(path), `${path} is imported but not in the kit`).toBe(true);
      const from = files.find((file) => file.to === path)!.from!;
      for (const specifier of importsOf(readFileSync(from, 'utf8'))) if (!isBuiltin(specifier)) pending.push(resolveIn(path, specifier));
    }
    console.log(`bench kit: ${seen.size} carried module files reached from the bundle`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/** Static and dynamic import specifiers of a module, from its syntax tree (minified code has "from" in strings too). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const { type, source: from } = node as { type?: string; source?: { type?: string; value?: unknown } };
    const isImport = type === 'ImportDeclaration' || type === 'ExportAllDeclaration' || type === 'ExportNamedDeclaration' || type === 'ImportExpression';
    if (isImport && from?.type === 'Literal' && typeof from.value === 'string') found.push(from.value);
    Object.values(node).forEach(visit);
  };
  visit(parseAst(source));
  return found;
}

const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);

/** The kit path Node loads for `specifier` imported from kit path `importer`: relative, or a package up the tree. */
function resolveIn(importer: string, specifier: string): string {
  if (specifier.startsWith('.')) return posix.join(posix.dirname(importer), specifier);
  const [scope, ...rest] = specifier.split('/');
  for (let dir = posix.dirname(importer); dir !== '.'; dir = posix.dirname(dir)) {
    const packageRoot = posix.join(dir.endsWith('/node_modules') || dir === 'app/node_modules' ? dir : `${dir}/node_modules`, scope);
    const manifestFile = files.find((file) => file.to === `${packageRoot}/package.json`);
    if (!manifestFile) continue;
    const manifest = JSON.parse(readFileSync(manifestFile.from!, 'utf8'));
    return posix.join(packageRoot, resolveExport(manifest, rest.length ? `./${rest.join('/')}` : '.'));
  }
  throw new Error(`${importer} imports ${specifier}, which the kit does not carry`);
}

/** The file Node's ESM resolver picks for `entry` of a package.json (conditions: node, import, default). */
function resolveExport(manifest: { main?: string; exports?: unknown }, entry: string): string {
  if (!manifest.exports) return manifest.main ?? 'index.js';
  const exports = manifest.exports as Record<string, unknown>;
  let target: unknown = entry === '.' && !Object.keys(exports).some((key) => key.startsWith('.')) ? exports : exports[entry];
  while (target && typeof target === 'object') {
    const conditions = target as Record<string, unknown>;
    target = conditions.node ?? conditions.import ?? conditions.default;
  }
  if (typeof target !== 'string') throw new Error(`no export ${entry}`);
  return target.replace(/^\.\//, '');
}
