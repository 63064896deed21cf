// Our q4 packed weights (kernels/matmul/packed.ref.ts) mean what onnxruntime's com.microsoft MatMulNBits means with
// bits 4, block_size 32 and no zero_points (the default zero point 8): the packed words, turned into MatMulNBits' B
// bytes and scales, run in ORT wasm, which decodes them itself; its product is compared with matmulRef over
// unpackWeight (CPU) and with our GPU matmul reading the uploaded words.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { relativeMaxDiff } from '../../bench/timing';
import { matmul } from '../../kernels/matmul/matmul';
import { matmulRef } from '../../kernels/matmul/matmul.ref';
import { packWeight, QUANT_BLOCK, unpackWeight, type PackedWeight } from '../../kernels/matmul/packed.ref';
import { uploadPacked } from '../../kernels/matmul/packed';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../../kernels/testing';
import { createOrtSession } from '../../onnx/ortSession';
import { GraphBuilder } from './graphBuilder';
import { matMulNBitsInputs } from './layers';

ort.env.wasm.numThreads = 1;

/** Y (M, N) = A (M, K) @ dequantized B^T, B and scales from a q4 packed weight (N, K). */
function matMulNBitsGraph(M: number, packed: PackedWeight): Uint8Array {
  const { N, K } = packed;
  const blocks = K / QUANT_BLOCK;
  const { bytes, scales } = matMulNBitsInputs(packed); // B (N, blocks, 16), scales (N, blocks): the export's conversion
  const g = new GraphBuilder('matmul_nbits');
  const a = g.input('A', 'float32', [M, K]);
  const b = g.uint8s('B', [N, blocks, QUANT_BLOCK / 2], bytes);
  const attributes = { K, N, bits: 4, block_size: QUANT_BLOCK };
  g.op('MatMulNBits', [a, b, g.weight('scales', [N, blocks], scales)], 'Y', attributes, 'com.microsoft');
  g.output('Y', 'float32', [M, N]);
  return g.encode(`MatMulNBits q4 ${M}x${K}x${N}`);
}

async function runMatMulNBits(x: Float32Array, M: number, packed: PackedWeight): Promise<Float32Array> {
  const session = await createOrtSession(ort, matMulNBitsGraph(M, packed), 'wasm');
  const { Y } = await session.run({ A: new ort.Tensor('float32', x, [M, packed.K]) });
  await session.release();
  return Y.data as Float32Array;
}

/** Prints the max abs error against ORT and returns the relative one (max |diff| / max |Y|) for the assertion. */
function againstOrt(what: string, shape: string, actual: Float32Array, ortY: Float32Array): number {
  const relative = relativeMaxDiff(actual, ortY);
  report(`MatMulNBits (ORT wasm) vs ${what}`, `${shape} (relative ${relative.toExponential(2)})`, maxAbsDiff(actual, ortY));
  return relative;
}

describe('q4 packed weights against onnxruntime MatMulNBits', () => {
  for (const [M, N, K] of [[1, 68, 512], [3, 36, 256], [13, 100, 64]]) {
    it(`M=${M} N=${N} K=${K}: ORT decodes our bytes as unpackWeight and the GPU kernels do`, async () => {
      const shape = `M=${M} N=${N} K=${K}`;
      const x = randomArray(M * K, M + K);
      const wData = randomArray(N * K, N * 3 + K);
      wData.fill(0, K, K + QUANT_BLOCK); // a block of zeros: scale 0
      const packed = packWeight(wData, N, K, 'nk', 'q4');
      const ortY = await runMatMulNBits(x, M, packed);

      const cpuY = new Float32Array(M * N);
      matmulRef({ x, w: unpackWeight(packed), out: cpuY, M, N, K, wLayout: 'nk' });

      const gpu = await testGpu();
      const xTensor = upload(gpu, [M, K], 'f32', x, 'x');
      const w = uploadPacked(gpu, packed, 'w');
      const out = gpu.tensor([M, N], 'f32', 'out');
      const rec = gpu.recorder('matmulNBits.test');
      matmul(rec, { x: xTensor, w, out, M, N, K, wLayout: 'nk' });
      const read = rec.read(out);
      await rec.submit();
      const gpuY = await read;
      for (const tensor of [xTensor, w, out]) gpu.release(tensor);

      expect(againstOrt('matmulRef on unpackWeight', shape, cpuY, ortY)).toBeLessThan(1e-5);
      expect(againstOrt('GPU matmul on uploadPacked', shape, gpuY, ortY)).toBeLessThan(1e-5);
    });
  }

  it('a (K, N) Conv1D weight packs to the bytes of its (N, K) transpose, and ORT gives the same product', async () => {
    const [M, N, K] = [3, 36, 256];
    const kn = randomArray(K * N, 21);
    const nk = new Float32Array(N * K);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) nk[n * K + k] = kn[k * N + n];
    const fromKn = packWeight(kn, N, K, 'kn', 'q4');
    const fromNk = packWeight(nk, N, K, 'nk', 'q4');
    expect(fromKn.words).toEqual(fromNk.words);
    const x = randomArray(M * K, 22);
    const ortY = await runMatMulNBits(x, M, fromKn);
    expect(ortY).toEqual(await runMatMulNBits(x, M, fromNk));
    const cpuY = new Float32Array(M * N);
    matmulRef({ x, w: unpackWeight(fromKn), out: cpuY, M, N, K, wLayout: 'nk' });
    expect(againstOrt('matmulRef on unpackWeight, packed from kn', `M=${M} N=${N} K=${K}`, cpuY, ortY)).toBeLessThan(1e-5);
  });
});
