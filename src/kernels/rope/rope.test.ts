import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { rope, ropeBackward } from './rope';
import { ropeBackwardRef, ropeInverseFrequencies, ropeRef, ropeTable, type RopeArgs, type RopeFrequencies } from './rope.ref';

describe('rope table', () => {
  // Printed by torch 1.13 from Hugging Face's _compute_default_rope_parameters / _compute_linear_scaling_rope_parameters:
  // inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim)); inv_freq /= factor.
  it("has Hugging Face's float32 inverse frequencies, bit for bit", () => {
    const pythia = [1.0, 0.3162277638912201, 0.10000000149011612, 0.03162277862429619, 0.009999999776482582, 0.003162277862429619, 0.0010000000474974513, 0.0003162277862429619];
    expect([...ropeInverseFrequencies({ rotaryDim: 16, base: 10000 })]).toEqual(pythia);
    const smol = ropeInverseFrequencies({ rotaryDim: 64, base: 100000 });
    expect([smol[1], smol[5], smol[17], smol[31]]).toEqual([0.6978305578231812, 0.16548170149326324, 0.002206734148785472, 1.4330126759887207e-5]);
    const linear = ropeInverseFrequencies({ rotaryDim: 64, base: 10000, linearFactor: 3 });
    expect([linear[0], linear[1], linear[9], linear[26], linear[31]]).toEqual([0.3333333432674408, 0.24996472895145416, 0.024996472522616386, 0.0001874471054179594, 4.4450716814026237e-5]);
  });

  it("has Hugging Face's float32 cos and sin to one float32 rounding", () => {
    // torch 1.13: (position_ids.float() @ inv_freq).cos() / .sin() for rope_theta 100000, head 64 (SmolLM2), pairs 0, 5, 31.
    const positions = [1, 37, 1000, 8191];
    const torch: Record<number, { cos: number[]; sin: number[] }> = {
      0: { cos: [0.5403023362159729, 0.7654140591621399, 0.5623790621757507, -0.6463904976844788], sin: [0.8414709568023682, -0.6435381174087524, 0.8268795609474182, -0.7630068063735962] },
      5: { cos: [0.9863391518592834, 0.9871694445610046, -0.5210583209991455, -0.13623376190662384], sin: [0.16472746431827545, -0.15967610478401184, 0.8535211086273193, -0.9906767010688782] },
      31: { cos: [1.0, 0.9999998807907104, 0.9998973608016968, 0.9931191205978394], sin: [1.4330126759887207e-5, 0.000530214689206332, 0.014329635538160801, 0.11710872501134872] },
    };
    const table = ropeTable({ rotaryDim: 64, base: 100000, positions: 8192 });
    let error = 0;
    for (const [pair, expected] of Object.entries(torch)) {
      positions.forEach((p, n) => {
        error = Math.max(error, Math.abs(table[(p * 32 + Number(pair)) * 2] - expected.cos[n]), Math.abs(table[(p * 32 + Number(pair)) * 2 + 1] - expected.sin[n]));
      });
    }
    expect(report('rope table vs torch', 'positions up to 8191', error)).toBeLessThanOrEqual(2 ** -24 * 2);
  });
});

describe('rope backward reference', () => {
  it('matches finite differences', () => {
    const geometry = { rows: 4, heads: 2, D: 6, rotaryDim: 4, stride: 14, col: 1, T: 2, positionOffset: 3 };
    const table = Float64Array.from(ropeTable({ rotaryDim: 4, base: 10000, positions: 5 }));
    const x = random64(4 * 14, 1, -2, 2);
    const g = random64(4 * 14, 2);
    const loss = () => {
      const out = x.slice();
      ropeRef({ x: out, table, ...geometry });
      return weightedSum(out, g);
    };
    const grad = g.slice();
    ropeBackwardRef({ x: grad, table, ...geometry });
    expect(reportGradient('rope', 'x', gradientError(grad, numericalGradient(loss, x)))).toBeLessThan(1e-8);
  });
});

interface Case {
  name: string;
  frequencies: RopeFrequencies;
  length: number; // floats in x
  positions: number; // rows of the table
  geometry: Omit<RopeArgs<unknown>, 'x' | 'table'>;
}

const llama = { H: 4, Hkv: 2, D: 16 };
const llamaRow = (llama.H + 2 * llama.Hkv) * llama.D;
const cases: Case[] = [
  {
    name: 'Llama packed q|k|v (GQA), prefill', frequencies: { rotaryDim: 16, base: 10000 }, length: 17 * llamaRow, positions: 17,
    geometry: { rows: 17, heads: llama.H + llama.Hkv, D: llama.D, rotaryDim: 16, stride: llamaRow },
  },
  {
    name: 'Llama packed KV cache, 3 rows after 29 cached', frequencies: { rotaryDim: 16, base: 500000 }, length: 40 * llamaRow, positions: 40,
    geometry: { rows: 3, heads: llama.H + llama.Hkv, D: llama.D, rotaryDim: 16, stride: llamaRow, rowOffset: 29, positionOffset: 29 },
  },
  {
    name: 'separate q (T, H·D), decode step at position 70', frequencies: { rotaryDim: 16, base: 10000 }, length: 4 * 16, positions: 71,
    geometry: { rows: 1, heads: 4, D: 16, rotaryDim: 16, stride: 64, positionOffset: 70 },
  },
  {
    name: 'k in a k|v cache (P, 2·Hkv·D), rows 5..9', frequencies: { rotaryDim: 16, base: 10000 }, length: 12 * 2 * 2 * 16, positions: 12,
    geometry: { rows: 5, heads: 2, D: 16, rotaryDim: 16, stride: 2 * 2 * 16, rowOffset: 5, positionOffset: 5 },
  },
  {
    name: 'GPT-NeoX partial (rotary_pct 0.25) on packed q|k|v', frequencies: { rotaryDim: 4, base: 10000 }, length: 19 * 3 * 3 * 16, positions: 19,
    geometry: { rows: 19, heads: 2 * 3, D: 16, rotaryDim: 4, stride: 3 * 3 * 16 },
  },
  {
    name: 'smallest partial rotation, odd head size', frequencies: { rotaryDim: 2, base: 10000 }, length: 5 * 3 * 7, positions: 5,
    geometry: { rows: 5, heads: 2, D: 7, rotaryDim: 2, stride: 3 * 7 },
  },
  {
    name: 'training batch of 3 sequences, linear scaling 2.5', frequencies: { rotaryDim: 8, base: 10000, linearFactor: 2.5 }, length: 15 * 24, positions: 5,
    geometry: { rows: 15, heads: 2, D: 12, rotaryDim: 8, stride: 24, T: 5 },
  },
  {
    name: 'GPT-2-sized prefill, 12 heads of 64', frequencies: { rotaryDim: 64, base: 10000 }, length: 129 * 3 * 768, positions: 129,
    geometry: { rows: 129, heads: 24, D: 64, rotaryDim: 64, stride: 3 * 768 },
  },
];

describe('rope', () => {
  for (const { name, frequencies, length, positions, geometry } of cases) {
    it(`matches the reference, forward and backward: ${name}`, async () => {
      const gpu = await testGpu();
      const xData = randomArray(length, length, -2, 2);
      const tableData = ropeTable({ ...frequencies, positions });
      const expected = xData.slice();
      ropeRef({ x: expected, table: tableData, ...geometry });
      const expectedBack = expected.slice();
      ropeBackwardRef({ x: expectedBack, table: tableData, ...geometry });

      const x = upload(gpu, [length], 'f32', xData, 'x');
      const table = upload(gpu, [tableData.length], 'f32', tableData, 'rope_table');
      const rec = gpu.recorder('rope.test');
      rope(rec, { x, table, ...geometry });
      const rotated = rec.read(x);
      ropeBackward(rec, { x, table, ...geometry });
      const back = rec.read(x);
      await rec.submit();
      const actual = await rotated;
      expect(report('rope', name, maxAbsDiff(actual, expected))).toBeLessThan(1e-6);
      expect(report('rope backward', name, maxAbsDiff(await back, expectedBack))).toBeLessThan(1e-6);
      // Everything outside the rotated dimensions (values, pass-through dimensions, other rows) is untouched.
      const rotatedIndices = new Set<number>();
      const { rows, heads, D, rotaryDim, stride, col = 0, rowOffset = 0 } = geometry;
      for (let r = 0; r < rows; r++) for (let h = 0; h < heads; h++) for (let d = 0; d < rotaryDim; d++) rotatedIndices.add((rowOffset + r) * stride + col + h * D + d);
      const changed = actual.findIndex((value, i) => !rotatedIndices.has(i) && value !== xData[i]);
      expect(changed).toBe(-1);
      gpu.release(x);
      gpu.release(table);
    });
  }

  it('refuses a table too short for the positions', async () => {
    const gpu = await testGpu();
    const x = gpu.tensor([64], 'f32', 'x');
    const table = upload(gpu, [70 * 16], 'f32', ropeTable({ rotaryDim: 16, base: 10000, positions: 70 }), 'rope_table');
    const rec = gpu.recorder('rope.test');
    expect(() => rope(rec, { x, table, rows: 1, heads: 4, D: 16, rotaryDim: 16, stride: 64, positionOffset: 70 })).toThrow(/holds 70 positions, 71 are needed/);
    gpu.release(x);
    gpu.release(table);
  });
});

describe('rope precision', () => {
  it("matches a float64 rotation to within Hugging Face's own float32 angle error", async () => {
    // One head of 64 (SmolLM2: rope_theta 100000) at positions 0..8191: the float32 angle θ = fl(p·inv_freq) is off by
    // up to half an ulp of θ (2^-11 at 8191), which HF shares; the kernel must add nothing beyond it.
    const gpu = await testGpu();
    const [rows, D, base] = [8192, 64, 100000];
    const xData = randomArray(rows * D, 5, -1, 1);
    const tableData = ropeTable({ rotaryDim: D, base, positions: rows });
    const geometry = { rows, heads: 1, D, rotaryDim: D, stride: D };
    const reference = xData.slice();
    ropeRef({ x: reference, table: tableData, ...geometry });
    const exact = new Float64Array(rows * D); // inv_freq, angles, cos and sin in float64
    for (let p = 0; p < rows; p++) {
      for (let i = 0; i < D / 2; i++) {
        const theta = p / Math.pow(base, (2 * i) / D);
        const [x1, x2] = [xData[p * D + i], xData[p * D + i + D / 2]];
        exact[p * D + i] = x1 * Math.cos(theta) - x2 * Math.sin(theta);
        exact[p * D + i + D / 2] = x2 * Math.cos(theta) + x1 * Math.sin(theta);
      }
    }
    const x = upload(gpu, [rows * D], 'f32', xData, 'x');
    const table = upload(gpu, [tableData.length], 'f32', tableData, 'rope_table');
    const rec = gpu.recorder('rope.precision');
    rope(rec, { x, table, ...geometry });
    const read = rec.read(x);
    await rec.submit();
    const actual = await read;
    for (const end of [128, 1024, 8192]) {
      const exactPart = exact.subarray(0, end * D);
      const gpuError = report('rope vs float64, GPU', `positions < ${end}`, maxAbsDiff(actual.subarray(0, end * D), exactPart));
      const hfError = report('rope vs float64, float32 angles on the CPU', `positions < ${end}`, maxAbsDiff(reference.subarray(0, end * D), exactPart));
      expect(gpuError).toBeLessThan(hfError + 1e-6);
      expect(hfError).toBeLessThan(Math.SQRT2 * (end * 2 ** -24 * 2 + 2 ** -24));
    }
    gpu.release(x);
    gpu.release(table);
  });
});
