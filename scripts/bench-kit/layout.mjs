// What the bench kit holds: every file, where it comes from and whether it ships xz-compressed (run.sh unpacks those
// on the target). Used by build.mjs to assemble the folder and by layout.test.ts to check it against run.sh.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** An installed package's folder (onnxruntime-web's exports hide its package.json from require.resolve). */
function packageDir(name) {
  const dir = join(ROOT, 'node_modules', name);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`bench kit: ${name} is not installed (npm install)`);
  return dir;
}

/** The kit's limit on disk (the issue's: it must travel as one small folder). */
export const KIT_LIMIT_BYTES = 48 * 2 ** 20;

/** The Vulkan loader shipped for machines that have a driver but no loader (LD_LIBRARY_PATH fallback in run.sh). */
function vulkanLoader() {
  for (const candidate of ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1']) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Every file of the kit: `to` (path in the kit), `from` (absolute source path, or null for files build.mjs writes),
 * `xz` (shipped as `to + '.xz'`, unpacked by run.sh). The Node binary is the one running the build.
 */
export function kitFiles() {
  const webgpu = packageDir('webgpu');
  const ort = packageDir('onnxruntime-web');
  const loader = vulkanLoader();
  const files = [
    { to: 'run.sh', from: join(import.meta.dirname, 'run.sh'), xz: false },
    { to: 'README.txt', from: join(import.meta.dirname, 'README.txt'), xz: false },
    { to: 'bin/node', from: process.execPath, xz: true },
    { to: 'app/bench.mjs', from: null, xz: false },
    { to: 'app/package.json', from: null, xz: false },
    { to: 'app/node_modules/webgpu/package.json', from: join(webgpu, 'package.json'), xz: false },
    { to: 'app/node_modules/webgpu/index.js', from: join(webgpu, 'index.js'), xz: false },
    { to: 'app/node_modules/webgpu/dist/linux-x64/dawn.node', from: join(webgpu, 'dist/linux-x64/dawn.node'), xz: true },
    { to: 'app/node_modules/onnxruntime-web/package.json', from: join(ort, 'package.json'), xz: false },
    // onnxruntime-web: its Node entry (wasm backend), its WebGPU build, and the wasm binaries each loads.
    ...['ort.node.min.mjs', 'ort.webgpu.bundle.min.mjs', 'ort-wasm-simd-threaded.mjs'].map((name) => ({ to: `app/node_modules/onnxruntime-web/dist/${name}`, from: join(ort, 'dist', name), xz: false })),
    ...['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.asyncify.wasm'].map((name) => ({ to: `app/node_modules/onnxruntime-web/dist/${name}`, from: join(ort, 'dist', name), xz: true })),
    // onnxruntime-web's own copy of onnxruntime-common (its Node entry imports it): package.json and the ESM build.
    ...commonFiles(join(ort, 'node_modules/onnxruntime-common')).map(([from, to]) => ({ to: `app/node_modules/onnxruntime-web/node_modules/onnxruntime-common/${to}`, from, xz: false })),
    { to: 'LICENSES/node.txt', from: nodeLicense(), xz: false },
    { to: 'LICENSES/dawn.txt', from: join(webgpu, 'LICENSE.md'), xz: false },
    { to: 'LICENSES/onnxruntime-web.txt', from: null, xz: false },
  ];
  if (loader) files.push({ to: 'lib/libvulkan.so.1', from: loader, xz: false }, { to: 'LICENSES/vulkan-loader.txt', from: null, xz: false });
  return files;
}

/** [source, path in the package] of onnxruntime-common's package.json and the .js files of its ESM build. */
function commonFiles(dir) {
  const esm = join(dir, 'dist/esm');
  if (!existsSync(esm)) throw new Error(`bench kit: ${esm} is missing (onnxruntime-web's onnxruntime-common)`);
  const scripts = readdirSync(esm, { recursive: true }).map(String).filter((name) => name.endsWith('.js'));
  return [[join(dir, 'package.json'), 'package.json'], ...scripts.map((name) => [join(esm, name), `dist/esm/${name}`])];
}

/** Node's licence (MIT, with the licences of what it bundles), which must travel with its binary. */
function nodeLicense() {
  for (const candidate of [join(dirname(process.execPath), '../share/doc/node/LICENSE'), '/usr/share/doc/nodejs/LICENSE', join(dirname(process.execPath), '../LICENSE')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`The Node.js LICENSE file was not found beside ${process.execPath}: the kit must ship it with the Node binary.`);
}

/** onnxruntime-web's licence, from its package.json (the package ships no LICENSE file). */
export function onnxruntimeLicense() {
  const { license, version } = JSON.parse(readFileSync(join(packageDir('onnxruntime-web'), 'package.json'), 'utf8'));
  if (license !== 'MIT') throw new Error(`onnxruntime-web ${version} declares the licence ${license}; update the kit's licence text.`);
  return `onnxruntime-web ${version}: MIT License\n\nCopyright (c) Microsoft Corporation\n\n${MIT_TEXT}`;
}

export const VULKAN_LOADER_LICENSE = `libvulkan.so.1, the Khronos Vulkan loader (Debian package libvulkan1): Apache License 2.0,
Copyright (c) 2015-2022 The Khronos Group Inc., Valve Corporation, LunarG, Inc.
Full text: https://www.apache.org/licenses/LICENSE-2.0 (also /usr/share/common-licenses/Apache-2.0 on Debian).
`;

const MIT_TEXT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation the
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit
persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the
Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;

/** The packages the bundle imports at run time (everything else is inside bench.mjs). */
export const EXTERNAL_PACKAGES = ['webgpu', 'onnxruntime-web', 'onnxruntime-web/webgpu'];
