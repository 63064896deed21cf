import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gradientError, numericalGradient, random64, reportGradient } from '../gradcheck';
import { crossEntropy } from './crossEntropy';
import { crossEntropyRef } from './crossEntropy.ref';
import { IGNORE_INDEX, targetsToU32 } from './targets';

/** Every third row ignored (when there are several rows), the others with a class from a fixed pattern. */
function targetsFor(rows: number, V: number): number[] {
  return Array.from({ length: rows }, (_, r) => (rows > 1 && r % 3 === 2 ? IGNORE_INDEX : (r * 7) % V));
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

describe('cross-entropy reference', () => {
  it('matches finite differences of the mean loss, ignoring -100', () => {
    const [rows, V] = [5, 7];
    const logits = random64(rows * V, 1, -3, 3);
    const targets = targetsToU32(targetsFor(rows, V), V);
    const scale = 1 / targetsFor(rows, V).filter((t) => t !== IGNORE_INDEX).length;
    const loss = () => {
      const losses = new Float64Array(rows);
      crossEntropyRef({ logits: logits.slice(), targets, losses, rows, V, scale });
      return sum(losses);
    };
    const dlogits = logits.slice();
    crossEntropyRef({ logits: dlogits, targets, losses: new Float64Array(rows), rows, V, scale });
    expect(reportGradient('cross-entropy', 'logits', gradientError(dlogits, numericalGradient(loss, logits)))).toBeLessThan(1e-8);
  });

  it('rejects targets outside the vocabulary', () => {
    expect(() => targetsToU32([0, 7], 7)).toThrow(/target 7/);
    expect(() => targetsToU32([-1], 7)).toThrow(/target -1/);
  });
});

describe('cross-entropy', () => {
  for (const [rows, V] of [[1, 3], [3, 17], [17, 65], [65, 1000], [2, 3]]) {
    it(`matches the reference for rows=${rows} V=${V}`, async () => {
      const gpu = await testGpu();
      const logitsData = randomArray(rows * V, rows, -8, 8);
      const targetData = targetsToU32(targetsFor(rows, V), V);
      const scale = 1 / rows;
      const expectedDlogits = logitsData.slice();
      const expectedLosses = new Float32Array(rows);
      crossEntropyRef({ logits: expectedDlogits, targets: targetData, losses: expectedLosses, rows, V, scale });

      const logits = upload(gpu, [rows, V], 'f32', logitsData);
      const targets = upload(gpu, [rows], 'u32', targetData);
      const losses = gpu.tensor([rows], 'f32', 'losses');
      const rec = gpu.recorder('cross_entropy.test');
      crossEntropy(rec, { logits, targets, losses, rows, V, scale });
      const [dlogits, lossValues] = [rec.read(logits), rec.read(losses)];
      await rec.submit();
      expect(report('cross_entropy loss', `rows=${rows} V=${V}`, maxAbsDiff(await lossValues, expectedLosses))).toBeLessThan(2e-6);
      expect(report('cross_entropy dlogits', `rows=${rows} V=${V}`, maxAbsDiff(await dlogits, expectedDlogits))).toBeLessThan(1e-6);
      [logits, targets, losses].forEach((tensor) => gpu.release(tensor));
    });
  }
});
