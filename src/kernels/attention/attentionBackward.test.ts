import { describe, expect, it } from 'vitest';
import { attentionRef } from './attention.ref';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { asFloat32, gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { attentionBackward } from './attentionBackward';
import { attentionBackwardRef } from './attentionBackward.ref';

type Mask = 'causal' | 'padding';
type Queries = 'all' | 'first';
const MODES: [Mask, Queries][] = [['causal', 'all'], ['padding', 'all'], ['padding', 'first']];

interface Heads {
  H: number;
  Hkv: number; // H: one kv head per query head, packed (B, T, 3C)
  D: number;
}

/**
 * The inference forward on packed (B, T, (H + 2·Hkv)·D) q|k|v rows, as the training graphs call it: every row a
 * query, or (Tq = 1) only each sequence's first, as BERT's last layer.
 */
function forward(qkv: Float32Array, out: Float32Array, probs: Float32Array, B: number, T: number, { H, Hkv, D }: Heads, mask: Mask, Tq = T) {
  const row = (H + 2 * Hkv) * D;
  attentionRef({
    q: qkv, k: qkv, v: qkv, out, probs, B, Tq, Tk: T, H, Hkv, D, causal: mask === 'causal',
    keyMask: mask === 'padding' ? paddingMask(B, T) : undefined,
    qStride: (row * T) / Tq, kvStride: row, kCol: H * D, vCol: (H + Hkv) * D, kvRowsPerBatch: T,
  });
}

/** Sequence b keeps its first T - b keys (at least one). */
function paddingMask(B: number, T: number): Uint32Array {
  return Uint32Array.from({ length: B * T }, (_, i) => (i % T < Math.max(1, T - Math.floor(i / T)) ? 1 : 0));
}

const describeHeads = ({ H, Hkv, D }: Heads) => `H=${H}${Hkv === H ? '' : ` Hkv=${Hkv}`} D=${D}`;

describe('attention backward reference', () => {
  const headCases: Heads[] = [{ H: 2, Hkv: 2, D: 3 }, { H: 4, Hkv: 2, D: 3 }, { H: 4, Hkv: 1, D: 2 }];
  for (const heads of headCases) {
    for (const [mask, queries] of MODES) {
      it(`matches finite differences (${describeHeads(heads)}, ${mask}, ${queries} queries)`, () => {
        const [B, T] = [2, 4];
        const { H, Hkv, D } = heads;
        const Tq = queries === 'all' ? T : 1;
        const qkv = random64(B * T * (H + 2 * Hkv) * D, 1, -2, 2);
        const g = random64(B * Tq * H * D, 2);
        const probs = new Float64Array(B * H * Tq * T);
        const loss = () => {
          const out = new Float64Array(B * Tq * H * D);
          forward(asFloat32(qkv), asFloat32(out), asFloat32(probs), B, T, heads, mask, Tq);
          return weightedSum(out, g);
        };
        loss();
        const dqkv = new Float64Array(qkv.length);
        attentionBackwardRef({ dout: g, qkv, probs, dscores: new Float64Array(B * H * Tq * T), dqkv, B, T, H, Hkv, D, Tq });
        const error = gradientError(dqkv, numericalGradient(loss, qkv));
        expect(reportGradient(`attention ${describeHeads(heads)} ${mask} ${queries}`, 'qkv', error)).toBeLessThan(1e-8);
      });
    }
  }
});

describe('attention backward', () => {
  // [B, T, heads]: without GQA (Hkv = H, the (B, T, 3C) layout GPT-2 and BERT train on), then 4 on 2 and 8 on 1.
  const shapes: [number, number, Heads][] = [
    [1, 1, { H: 1, Hkv: 1, D: 3 }], [2, 3, { H: 3, Hkv: 3, D: 5 }], [1, 17, { H: 2, Hkv: 2, D: 3 }], [3, 65, { H: 2, Hkv: 2, D: 4 }],
    [1, 17, { H: 4, Hkv: 2, D: 5 }], [2, 9, { H: 8, Hkv: 1, D: 16 }], [3, 33, { H: 4, Hkv: 2, D: 4 }],
  ];
  for (const [mask, queries] of MODES) {
    for (const [B, T, heads] of shapes) {
      const { H, Hkv, D } = heads;
      const name = `B=${B} T=${T} ${describeHeads(heads)}`;
      it(`matches the reference for ${mask} ${name}, ${queries} queries`, async () => {
        const gpu = await testGpu();
        const row = (H + 2 * Hkv) * D;
        const Tq = queries === 'all' ? T : 1;
        const qkvData = randomArray(B * T * row, 1, -2, 2);
        const doutData = randomArray(B * Tq * H * D, 2);
        const probsData = new Float32Array(B * H * Tq * T);
        forward(qkvData, new Float32Array(B * Tq * H * D), probsData, B, T, heads, mask, Tq);
        const expected = new Float32Array(B * T * row);
        attentionBackwardRef({ dout: doutData, qkv: qkvData, probs: probsData, dscores: new Float32Array(B * H * Tq * T), dqkv: expected, B, T, H, Hkv, D, Tq });

        const t = {
          dout: upload(gpu, [B * Tq, H * D], 'f32', doutData), qkv: upload(gpu, [B * T, row], 'f32', qkvData),
          probs: upload(gpu, [B, H, Tq, T], 'f32', probsData), dscores: gpu.tensor([B, H, Tq, T], 'f32', 'dscores'),
          dqkv: upload(gpu, [B * T, row], 'f32', randomArray(B * T * row, 3)), // every element is written
        };
        const rec = gpu.recorder('attention_backward.test');
        // Hkv omitted without GQA: the API the GPT-2 and BERT training graphs call.
        attentionBackward(rec, { ...t, B, T, H, Hkv: Hkv === H ? undefined : Hkv, D, Tq });
        const actual = rec.read(t.dqkv);
        await rec.submit();
        expect(report(`attention_backward ${mask} ${queries}`, name, maxAbsDiff(await actual, expected))).toBeLessThan(1e-5);
        Object.values(t).forEach((tensor) => gpu.release(tensor));
      });
    }
  }
});
