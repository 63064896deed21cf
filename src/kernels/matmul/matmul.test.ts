import { describe, expect, it } from 'vitest';
import { f16BitsToFloat32, float32ToF16Bits } from '../../common/half';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { MATMUL_VARIANTS, matmul, matmulVariant, type MatmulVariant } from './matmul';
import { matmulRef, type Activation, type MatmulArgs, type WeightLayout } from './matmul.ref';

type Case = Omit<MatmulArgs<Float32Array>, 'x' | 'w' | 'bias' | 'out'> & { withBias: boolean; wRows?: number; xRows?: number };

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 3, 17], [3, 17, 65], [17, 65, 129], [65, 129, 17], [129, 3, 65], // scalar loads
  [1, 64, 64], [5, 68, 132], [70, 96, 64], [129, 132, 68], // vec4 loads
];

const cases: Case[] = [];
/** The shape cases the GPU-only kernels skip: each takes both layouts over the shapes, in turn (see `runs`). */
const alternate = new Set<Case>();
SHAPES.forEach(([M, N, K], shape) => {
  for (const wLayout of ['kn', 'nk'] as WeightLayout[]) {
    const activation: Activation = (['none', 'gelu_erf', 'gelu_tanh', 'tanh', 'relu'] as const)[(M + N + K) % 5];
    const c: Case = { M, N, K, wLayout, activation, withBias: (M + N) % 2 === 1 };
    cases.push(c);
    if ((wLayout === 'kn') !== (shape % 2 === 0)) alternate.add(c);
  }
});
// A column window of a wider output, a row window of a taller weight table (vocabulary chunk) and the last x rows.
cases.push({ M: 3, N: 20, K: 36, wLayout: 'nk', withBias: true, outStride: 50, outOffset: 25, wRowOffset: 70, wRows: 100, biasOffset: 70, xRowOffset: 4, xRows: 7 });
cases.push({ M: 66, N: 17, K: 33, wLayout: 'nk', withBias: true, outStride: 40, outOffset: 19, wRowOffset: 5, wRows: 30, biasOffset: 5 });
cases.push({ M: 9, N: 24, K: 12, wLayout: 'kn', withBias: false, outStride: 30, outOffset: 3, wRowOffset: 2, wRows: 20, xRowOffset: 1, xRows: 10 });
// An odd vocabulary (50,257 and 30,522 + added tokens are not multiples of 4) at few rows and at a prompt's, and
// products deep enough for the split-K kernel to cut K into slices (one, several, and K not a multiple of 4).
cases.push({ M: 13, N: 1001, K: 64, wLayout: 'nk', withBias: false });
cases.push({ M: 1, N: 1001, K: 64, wLayout: 'nk', withBias: true });
cases.push({ M: 16, N: 523, K: 36, wLayout: 'kn', withBias: true, activation: 'gelu_erf' });
cases.push({ M: 9, N: 70, K: 600, wLayout: 'nk', withBias: true, activation: 'gelu_tanh' });
cases.push({ M: 20, N: 50, K: 1030, wLayout: 'kn', withBias: true, activation: 'relu', outStride: 60, outOffset: 7 });

cases.push({ M: 12, N: 24, K: 20, wLayout: 'kn', withBias: true, activation: 'gelu_tanh', outOffset: 48, xRowOffset: 3, xRows: 15, outStride: 24 });
// A residual connection fused into the product (out += x·w + bias): decode, split-K (several slices) and tiles.
cases.push({ M: 1, N: 70, K: 64, wLayout: 'kn', withBias: true, accumulate: true });
cases.push({ M: 9, N: 70, K: 600, wLayout: 'nk', withBias: true, accumulate: true });
cases.push({ M: 40, N: 36, K: 20, wLayout: 'kn', withBias: false, activation: 'gelu_erf', accumulate: true });

// Every kernel on every case: matmul picks one by adapter and shape, so each is forced here (any kernel takes any
// shape; the choice is only about speed). The subgroup kernel runs where the adapter has `subgroups`. The kernels
// matmul picks only on hardware GPUs (shared-memory tiles, split-K, GEMV), each a pipeline compile of seconds on
// SwiftShader, take every windowed, odd-vocabulary, deep and accumulating case, and of the plain shapes one layout
// each, alternating, so that each still meets both layouts with scalar and with vec4 loads.
const GPU_ONLY = new Set<MatmulVariant>(['tiled-64', 'tiled-32', 'split-k', 'gemv']);
const runs: [Case, MatmulVariant][] = cases.flatMap((c) =>
  MATMUL_VARIANTS.filter((variant) => !(GPU_ONLY.has(variant) && alternate.has(c))).map((variant) => [c, variant] as [Case, MatmulVariant]),
);

describe('matmul', () => {
  for (const [testCase, variant] of runs) {
    const { M, N, K, wLayout, withBias, wRows, xRows, ...rest } = testCase;
    const name = `${variant} ${wLayout} M=${M} N=${N} K=${K} ${rest.activation ?? 'none'}${withBias ? ' +bias' : ''}${rest.outStride ? ' windowed' : ''}${rest.accumulate ? ' accumulating' : ''}`;
    it(`matches the reference: ${name}`, async (context) => {
      const gpu = await testGpu();
      if (variant === 'gemv-subgroup' && !gpu.hasSubgroups) context.skip();
      const xData = randomArray((xRows ?? M) * K, M * 7 + K);
      const wData = randomArray((wRows ?? (wLayout === 'nk' ? N : K)) * (wLayout === 'nk' ? K : N), N * 13 + K);
      const biasData = withBias ? randomArray((rest.biasOffset ?? 0) + N, N) : undefined;
      const outLength = (rest.outOffset ?? 0) + M * (rest.outStride ?? N);
      const expected = randomArray(outLength, 99);
      const initial = expected.slice();
      matmulRef({ x: xData, w: wData, bias: biasData, out: expected, M, N, K, wLayout, ...rest });

      const x = upload(gpu, [xData.length], 'f32', xData, 'x');
      const w = upload(gpu, [wData.length], 'f32', wData, 'w');
      const bias = biasData && upload(gpu, [biasData.length], 'f32', biasData, 'bias');
      const out = upload(gpu, [outLength], 'f32', initial, 'out');
      const rec = gpu.recorder('matmul.test');
      matmul(rec, { x, w, bias, out, M, N, K, wLayout, ...rest }, variant);
      const actual = rec.read(out);
      await rec.submit();
      expect(report('matmul', name, maxAbsDiff(await actual, expected))).toBeLessThan(1e-5 * Math.sqrt(K) + 1e-6);
      for (const tensor of [x, w, bias, out]) if (tensor) gpu.release(tensor);
    });
  }
});

describe('matmul picks its kernel by adapter and shape', () => {
  it('barrier-free on software adapters at any N, shared-memory tiles, split-K or GEMV on GPUs', async () => {
    const gpu = await testGpu();
    const rec = gpu.recorder('matmul.variant.test');
    const w = { dtype: 'f32' } as Parameters<typeof matmulVariant>[1]['w'];
    const chosen = (M: number, kernel: 'shared-memory' | 'barrier-free') => matmulVariant(rec, { M, w }, kernel);
    expect([1, 7, 8, 13, 128].map((M) => chosen(M, 'barrier-free'))).toEqual(['blocked', 'blocked', 'blocked', 'blocked', 'blocked']);
    const f16 = { dtype: 'f16' } as typeof w;
    expect([1, 13].map((M) => matmulVariant(rec, { M, w: f16 }, 'barrier-free'))).toEqual(['gemv-serial', 'tiled-64']);
    const gemv = gpu.hasSubgroups ? 'gemv-subgroup' : 'gemv';
    expect([1, 7, 8, 32, 33].map((M) => chosen(M, 'shared-memory'))).toEqual([gemv, gemv, 'split-k', 'split-k', 'tiled-64']);
    if (gpu.info.isSoftwareAdapter) expect(matmulVariant(rec, { M: 13, w })).toBe('blocked');
  });
});

// f16 weights, f32 activations and accumulation, on every kernel that takes them (all but the blocked one).
const F16_VARIANTS = MATMUL_VARIANTS.filter((variant) => variant !== 'blocked');

describe('matmul with f16 weights (only where the adapter has shader-f16)', () => {
  const f16Cases = ([[1, 'nk'], [3, 'kn'], [13, 'nk'], [20, 'kn'], [70, 'nk'], [65, 'kn']] as [number, WeightLayout][])
    .flatMap(([M, wLayout]) => F16_VARIANTS.map((variant) => [M, wLayout, variant] as const));
  for (const [M, wLayout, variant] of f16Cases) {
    it(`matches the reference on f16-rounded weights: ${variant} ${wLayout} M=${M}`, async (context) => {
      const gpu = await testGpu();
      if (!gpu.hasF16) {
        console.log(`matmul f16 ${variant} ${wLayout} M=${M}: skipped, this adapter has no shader-f16`);
        context.skip();
      }
      if (variant === 'gemv-subgroup' && !gpu.hasSubgroups) context.skip();
      const N = 68;
      const K = 520;
      const xData = randomArray(M * K, 3);
      const wData = f16BitsToFloat32(float32ToF16Bits(randomArray(N * K, 4)));
      const expected = new Float32Array(M * N);
      matmulRef({ x: xData, w: wData, out: expected, M, N, K, wLayout, activation: 'gelu_tanh' });

      const x = upload(gpu, [M, K], 'f32', xData, 'x');
      const w = upload(gpu, [N * K], 'f16', wData, 'w');
      const out = gpu.tensor([M, N], 'f32', 'out');
      const rec = gpu.recorder('matmul.f16.test');
      matmul(rec, { x, w, out, M, N, K, wLayout, activation: 'gelu_tanh' }, variant);
      const actual = rec.read(out);
      await rec.submit();
      expect(report('matmul f16', `${variant} ${wLayout} M=${M}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-5 * Math.sqrt(K) + 1e-6);
      for (const tensor of [x, w, out]) gpu.release(tensor);
    });
  }
});
