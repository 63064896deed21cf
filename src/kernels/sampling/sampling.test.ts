import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { argmax, sample, topK } from './sampling';
import { argmaxRef, sampleRef, topKRef } from './sampling.ref';

describe('argmax', () => {
  for (const [rows, V] of [[1, 1], [3, 17], [2, 65], [1, 129], [4, 50257]]) {
    it(`matches the reference for rows=${rows} V=${V}`, async () => {
      const gpu = await testGpu();
      const logitsData = randomArray(rows * V, rows + V, -5, 5);
      if (V > 3) logitsData[2] = logitsData[V - 1] = 9; // a tie in row 0: the first index wins
      const expected = new Uint32Array(rows);
      argmaxRef({ logits: logitsData, V, rows, out: expected });

      const logits = upload(gpu, [rows, V], 'f32', logitsData, 'logits');
      const out = gpu.tensor([rows], 'u32', 'ids');
      const rec = gpu.recorder('argmax.test');
      argmax(rec, { logits, V, rows, out });
      const actual = rec.read(out);
      await rec.submit();
      expect([...(await actual)]).toEqual([...expected]);
      gpu.release(logits);
      gpu.release(out);
    });
  }
});

describe('topK', () => {
  for (const [V, k, row] of [[1, 1, 0], [17, 3, 1], [129, 10, 0], [65, 64, 2], [50257, 10, 0]]) {
    it(`matches the reference for V=${V} k=${k}`, async () => {
      const gpu = await testGpu();
      const rows = row + 1;
      const logitsData = randomArray(rows * V, V + k, -8, 8);
      const expectedProbs = new Float32Array(k);
      const expectedIds = new Uint32Array(k);
      topKRef({ logits: logitsData, V, row, k, probs: expectedProbs, ids: expectedIds });

      const logits = upload(gpu, [rows, V], 'f32', logitsData, 'logits');
      const probs = gpu.tensor([k], 'f32', 'probs');
      const ids = gpu.tensor([k], 'u32', 'ids');
      const rec = gpu.recorder('topk.test');
      topK(rec, { logits, V, row, k, probs, ids });
      const actualProbs = rec.read(probs);
      const actualIds = rec.read(ids);
      await rec.submit();
      expect([...(await actualIds)]).toEqual([...expectedIds]);
      expect(report('topK probs', `V=${V} k=${k}`, maxAbsDiff(await actualProbs, expectedProbs))).toBeLessThan(1e-6);
      for (const tensor of [logits, probs, ids]) gpu.release(tensor);
    });
  }
});

describe('sample', () => {
  const settings = [
    { V: 1, temperature: 1, topK: 0, topP: 1 },
    { V: 17, temperature: 0.7, topK: 3, topP: 1 },
    { V: 65, temperature: 1, topK: 0, topP: 0.9 },
    { V: 129, temperature: 1.3, topK: 10, topP: 0.8 },
    { V: 1000, temperature: 0.9, topK: 40, topP: 0.95 },
    { V: 3, temperature: 1, topK: 1, topP: 1 }, // top-1 is greedy
  ];
  for (const { V, temperature, topK: k, topP } of settings) {
    it(`picks the reference token for V=${V} T=${temperature} top-k ${k} top-p ${topP}`, async () => {
      const gpu = await testGpu();
      const rows = 2;
      const logitsData = randomArray(rows * V, V * 3 + k, -4, 4);
      const uniforms = [0, 0.05, 0.31, 0.5, 0.77, 0.999];
      const logits = upload(gpu, [rows, V], 'f32', logitsData, 'logits');
      const out = gpu.tensor([rows], 'u32', 'ids');
      const picks: number[] = [];
      const expected: number[] = [];
      for (const uniform of uniforms) {
        const rec = gpu.recorder('sample.test');
        sample(rec, { logits, V, row: 1, temperature, topK: k, topP, uniform, out });
        const ids = rec.read(out);
        await rec.submit();
        picks.push((await ids)[1]);
        expected.push(sampleRef({ logits: logitsData, V, row: 1, temperature, topK: k, topP, uniform }));
      }
      console.log(`sample V=${V}: picks ${picks.join(', ')} (reference ${expected.join(', ')})`);
      expect(picks).toEqual(expected);
      gpu.release(logits);
      gpu.release(out);
    });
  }
});
