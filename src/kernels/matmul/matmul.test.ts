import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from '../../gpu';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { matmul, type MatmulKernel } from './matmul';
import { matmulRef, type Activation, type MatmulArgs, type WeightLayout } from './matmul.ref';

type Case = Omit<MatmulArgs<Float32Array>, 'x' | 'w' | 'bias' | 'out'> & { withBias: boolean; wRows?: number; xRows?: number };

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 3, 17], [3, 17, 65], [17, 65, 129], [65, 129, 17], [129, 3, 65], // scalar loads
  [1, 64, 64], [5, 68, 132], [70, 96, 64], [129, 132, 68], // vec4 loads
];

const cases: Case[] = [];
for (const [M, N, K] of SHAPES) {
  for (const wLayout of ['kn', 'nk'] as WeightLayout[]) {
    const activation: Activation = (['none', 'gelu_erf', 'gelu_tanh', 'tanh', 'relu'] as const)[(M + N + K) % 5];
    cases.push({ M, N, K, wLayout, activation, withBias: (M + N) % 2 === 1 });
  }
}
// A column window of a wider output, a row window of a taller weight table (vocabulary chunk) and the last x rows.
cases.push({ M: 3, N: 20, K: 36, wLayout: 'nk', withBias: true, outStride: 50, outOffset: 25, wRowOffset: 70, wRows: 100, biasOffset: 70, xRowOffset: 4, xRows: 7 });
cases.push({ M: 66, N: 17, K: 33, wLayout: 'nk', withBias: true, outStride: 40, outOffset: 19, wRowOffset: 5, wRows: 30, biasOffset: 5 });
cases.push({ M: 9, N: 24, K: 12, wLayout: 'kn', withBias: false, outStride: 30, outOffset: 3, wRowOffset: 2, wRows: 20, xRowOffset: 1, xRows: 10 });

// Both kernel families on every case: matmul picks one by adapter, so each is forced here. The barrier-free family
// runs the blocked kernel where it takes the shape, the serial matrix-vector kernel below 8 rows, tiles otherwise.
const runs: [Case, MatmulKernel][] = cases.flatMap((c) => [[c, 'shared-memory'], [c, 'barrier-free']] as [Case, MatmulKernel][]);
runs.push([{ M: 12, N: 24, K: 20, wLayout: 'kn', withBias: true, activation: 'gelu_tanh', outOffset: 48, xRowOffset: 3, xRows: 15, outStride: 24 }, 'barrier-free']);

describe('matmul', () => {
  for (const [testCase, kernel] of runs) {
    const { M, N, K, wLayout, withBias, wRows, xRows, ...rest } = testCase;
    const name = `${kernel} ${wLayout} M=${M} N=${N} K=${K} ${rest.activation ?? 'none'}${withBias ? ' +bias' : ''}${rest.outStride ? ' windowed' : ''}`;
    it(`matches the reference: ${name}`, async () => {
      const gpu = await testGpu();
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
      matmul(rec, { x, w, bias, out, M, N, K, wLayout, ...rest }, kernel);
      const actual = rec.read(out);
      await rec.submit();
      expect(report('matmul', name, maxAbsDiff(await actual, expected))).toBeLessThan(1e-5 * Math.sqrt(K) + 1e-6);
      for (const tensor of [x, w, bias, out]) if (tensor) gpu.release(tensor);
    });
  }
});

describe('matmul with f16 weights (only where the adapter has shader-f16)', () => {
  for (const [M, wLayout] of [[1, 'nk'], [3, 'kn'], [70, 'nk'], [65, 'kn']] as [number, WeightLayout][]) {
    it(`matches the reference on f16-rounded weights: ${wLayout} M=${M}`, async (context) => {
      const gpu = await testGpu();
      if (!gpu.hasF16) context.skip();
      const N = 68;
      const K = 36;
      const xData = randomArray(M * K, 3);
      const wData = fromFloat16Bits(toFloat16Bits(randomArray(N * K, 4)));
      const expected = new Float32Array(M * N);
      matmulRef({ x: xData, w: wData, out: expected, M, N, K, wLayout, activation: 'gelu_tanh' });

      const x = upload(gpu, [M, K], 'f32', xData, 'x');
      const w = upload(gpu, [N * K], 'f16', wData, 'w');
      const out = gpu.tensor([M, N], 'f32', 'out');
      const rec = gpu.recorder('matmul.f16.test');
      matmul(rec, { x, w, out, M, N, K, wLayout, activation: 'gelu_tanh' });
      const actual = rec.read(out);
      await rec.submit();
      expect(report('matmul f16', `${wLayout} M=${M}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-4);
      for (const tensor of [x, w, out]) gpu.release(tensor);
    });
  }
});
