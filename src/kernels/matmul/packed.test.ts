import { describe, expect, it } from 'vitest';
import { f16BitsToFloat32, float32ToF16Bits } from '../../common/half';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { MATMUL_VARIANTS, matmul, matmulVariant, type MatmulVariant } from './matmul';
import { matmulRef, type WeightLayout } from './matmul.ref';
import { packWeight, QUANT_BLOCK, roundTripWeight, unpackWeight, type PackedFormat } from './packed.ref';
import { packedInfo, uploadPacked } from './packed';

const FORMATS: PackedFormat[] = ['f16', 'q8', 'q4'];

describe('packing weights (CPU)', () => {
  const [N, K] = [6, 64];
  const w = randomArray(N * K, 11, -2, 2);
  w[5] = 0; // a zero, and a block of zeros (scale 0)
  w.fill(0, 2 * K, 2 * K + QUANT_BLOCK);

  it('f16 keeps IEEE half rounding of every value', () => {
    expect(unpackWeight(packWeight(w, N, K, 'nk', 'f16'))).toEqual(f16BitsToFloat32(float32ToF16Bits(w)));
  });

  for (const format of ['q8', 'q4'] as const) {
    it(`${format}: every value within half a step of its block's scale, the block's largest exactly`, () => {
      const levels = format === 'q8' ? 127 : 7;
      const unpacked = unpackWeight(packWeight(w, N, K, 'nk', format));
      for (let block = 0; block < (N * K) / QUANT_BLOCK; block++) {
        const values = w.subarray(block * QUANT_BLOCK, (block + 1) * QUANT_BLOCK);
        const largest = Math.max(...values.map(Math.abs));
        const scale = largest / levels;
        values.forEach((value, i) => {
          const got = unpacked[block * QUANT_BLOCK + i];
          expect(Math.abs(got - value)).toBeLessThanOrEqual(scale / 2 + 1e-6);
          if (Math.abs(value) === largest) expect(Math.abs(got)).toBeCloseTo(largest, 6);
        });
      }
      expect(unpacked.subarray(2 * K, 2 * K + QUANT_BLOCK).every((v) => v === 0)).toBe(true);
    });
  }

  it('q4 words hold low nibble first, (q + 8), then f32 scales: MatMulNBits order', () => {
    const ramp = Float32Array.from({ length: QUANT_BLOCK }, (_, i) => (i % 15) - 7); // q = value, scale 1
    const packed = packWeight(ramp, 1, QUANT_BLOCK, 'nk', 'q4');
    expect(packed.words.length).toBe(QUANT_BLOCK / 8 + 1);
    expect(packed.words[0] & 0xf).toBe(ramp[0] + 8);
    expect((packed.words[0] >>> 4) & 0xf).toBe(ramp[1] + 8);
    expect((packed.words[1] >>> 28) & 0xf).toBe(ramp[15] + 8);
    expect(new Float32Array(packed.words.buffer, packed.scalesOffset * 4, 1)[0]).toBe(1);
  });

  it('a Conv1D (K, N) weight is transposed to (N, K) once, and round-trips in its own layout', () => {
    const kn = randomArray(K * N, 12);
    const nk = new Float32Array(N * K);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) nk[n * K + k] = kn[k * N + n];
    expect(unpackWeight(packWeight(kn, N, K, 'kn', 'q8'))).toEqual(unpackWeight(packWeight(nk, N, K, 'nk', 'q8')));
    const back = roundTripWeight(kn, N, K, 'kn', 'q8');
    expect(maxAbsDiff(back, kn)).toBeLessThan(1 / 127);
    expect(roundTripWeight(kn, N, 36, 'kn', 'q4')).toBe(kn); // K not a multiple of 32: kept as f32
  });
});

// Every kernel against matmulRef on the unpacked values: the kernels must decode exactly what unpackWeight decodes,
// so only summation order differs. The GPU-only kernels take every other shape and format; the subgroup one runs
// where the adapter has `subgroups`.
const GPU_ONLY = new Set<MatmulVariant>(['tiled-64', 'tiled-32', 'split-k', 'gemv', 'gemv-subgroup']);

describe('matmul with packed weights', () => {
  const shapes: [number, number, number, WeightLayout][] = [[1, 68, 512, 'nk'], [3, 36, 256, 'kn'], [13, 100, 64, 'nk'], [40, 20, 96, 'kn']];
  const runs = shapes.flatMap((shape, s) =>
    FORMATS.flatMap((format, f) =>
      MATMUL_VARIANTS.filter((variant) => !GPU_ONLY.has(variant) || (s + f) % 2 === 0).map((variant) => [shape, format, variant] as const),
    ),
  );
  for (const [[M, N, K, layout], format, variant] of runs) {
    it(`${variant} ${format} from ${layout} M=${M} N=${N} K=${K}`, async (context) => {
      const gpu = await testGpu();
      if (variant === 'gemv-subgroup' && !gpu.hasSubgroups) context.skip();
      const xData = randomArray(M * K, M + K);
      const wData = randomArray(N * K, N * 3 + K);
      const biasData = randomArray(N, 7);
      const expected = new Float32Array(M * N);
      // Packed weights are (N, K), so the kernels read them as 'nk' whatever the checkpoint's layout was.
      matmulRef({ x: xData, w: unpackWeight(packWeight(wData, N, K, layout, format)), bias: biasData, out: expected, M, N, K, wLayout: 'nk', activation: 'gelu_tanh' });
      const x = upload(gpu, [M, K], 'f32', xData, 'x');
      const w = uploadPacked(gpu, packWeight(wData, N, K, layout, format), 'w');
      const bias = upload(gpu, [N], 'f32', biasData, 'bias');
      const out = gpu.tensor([M, N], 'f32', 'out');
      const rec = gpu.recorder('matmul.packed.test');
      matmul(rec, { x, w, bias, out, M, N, K, wLayout: 'nk', activation: 'gelu_tanh' }, variant);
      const actual = rec.read(out);
      await rec.submit();
      expect(report('matmul packed', `${variant} ${format} M=${M} N=${N} K=${K}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-5 * Math.sqrt(K) + 1e-6);
      for (const tensor of [x, w, bias, out]) gpu.release(tensor);
    });
  }

  it('rows of a packed table (a fused q|k|v weight, a vocabulary chunk) from wRowOffset', async () => {
    const gpu = await testGpu();
    const [M, rows, N, K, offset] = [2, 40, 12, 64, 20];
    const xData = randomArray(M * K, 1);
    const wData = randomArray(rows * K, 2);
    const packed = packWeight(wData, rows, K, 'nk', 'q4');
    const expected = new Float32Array(M * N);
    matmulRef({ x: xData, w: unpackWeight(packed), out: expected, M, N, K, wLayout: 'nk', wRowOffset: offset });
    const x = upload(gpu, [M, K], 'f32', xData, 'x');
    const w = uploadPacked(gpu, packed, 'w');
    const out = gpu.tensor([M, N], 'f32', 'out');
    const rec = gpu.recorder('matmul.packed.rows.test');
    matmul(rec, { x, w, out, M, N, K, wLayout: 'nk', wRowOffset: offset });
    const actual = rec.read(out);
    await rec.submit();
    expect(maxAbsDiff(await actual, expected)).toBeLessThan(1e-5 * Math.sqrt(K));
    expect(() => matmul(gpu.recorder('refused'), { x, w, out, M, N: 30, K, wLayout: 'nk', wRowOffset: offset })).toThrow(/packed 40x64/);
    expect(() => matmul(gpu.recorder('refused'), { x, w, out, M, N, K, wLayout: 'kn' })).toThrow(/packed 40x64 \(N, K\)/);
    for (const tensor of [x, w, out]) gpu.release(tensor);
  });

  it('software adapters run packed weights on the blocked kernel, GPUs on the shared-memory family', async () => {
    const gpu = await testGpu();
    const w = uploadPacked(gpu, packWeight(randomArray(4 * 32, 3), 4, 32, 'nk', 'q8'), 'w');
    expect(packedInfo(w)?.format).toBe('q8');
    const rec = gpu.recorder('variant');
    expect([1, 13].map((M) => matmulVariant(rec, { M, w }, 'barrier-free'))).toEqual(['blocked', 'blocked']);
    expect([1, 13, 40].map((M) => matmulVariant(rec, { M, w }, 'shared-memory'))).toEqual([gpu.hasSubgroups ? 'gemv-subgroup' : 'gemv', 'split-k', 'tiled-64']);
    gpu.release(w);
  });
});
