// Exports with 4- and 8-bit matmul weights (onnxruntime's com.microsoft MatMulNBits), run by onnxruntime-web's wasm
// backend in Node, against our engine on the CPU backend storing its matmul weights in the same format: both compute
// with the same quantized values, so their logits agree as closely as the f32 export's do. Checkpoints: GPT-2 (Conv1D
// (in, out) weights), Llama (grouped-query attention, SwiGLU, Linear (out, in) weights, an untied LM head) and BERT.
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { matmulRef } from '../kernels/matmul/matmul.ref';
import { bytesPerWeight } from '../kernels/matmul/packed.ref';
import { randomArray } from '../kernels/testing';
import { buildModel } from '../models/checkpoint';
import { createCpuBackend } from '../models/cpuBackend';
import { GraphBuilder } from '../models/onnx/graphBuilder';
import { matmul } from '../models/onnx/layers';
import { FIXTURES, maxAbsDiff, readCheckpoint } from '../models/testing/golden';
import { exportOnnx } from './exportOnnx';
import { createOrtSession, runOrt } from './ortSession';
import { goldenInputs, kvCacheDecodeDiff, ours } from './testing/exportChecks';

const TOLERANCE = 1e-4; // as the f32 export (issues 12 and 13)
const FORMATS = ['q4', 'q8'] as const;

ort.env.wasm.numThreads = 1;

const load = (name: string, weights: 'f32' | 'q4' | 'q8') => buildModel(createCpuBackend({ weights }), readCheckpoint(join(FIXTURES, 'models', name)));

const goldenCases = (name: string) => goldenInputs(join(FIXTURES, 'models', name));

describe('ONNX export with MatMulNBits weights, run by onnxruntime-web (wasm)', () => {
  for (const name of ['tiny-gpt2', 'tiny-llama', 'tiny-bert']) {
    for (const weights of FORMATS) {
      it(`${name} ${weights}: ORT gives our ${weights} engine's logits and attention; the file is smaller by the packed weights' bytes`, async () => {
        const quantized = load(name, weights);
        const full = load(name, 'f32');
        const graph = exportOnnx(quantized, { attentions: true, weights });
        const session = await createOrtSession(ort, graph, 'wasm');
        let logits = 0;
        let attention = 0;
        let quantization = 0;
        for (const input of goldenCases(name)) {
          const theirs = await runOrt(ort, session, input.ids, { ...input, attentions: true });
          const mine = await ours(quantized, input);
          logits = Math.max(logits, maxAbsDiff(theirs.logits, mine.logits));
          attention = Math.max(attention, ...mine.attentions.map((probs, l) => maxAbsDiff(theirs.attentions[l], probs)));
          quantization = Math.max(quantization, maxAbsDiff((await ours(full, input)).logits, mine.logits));
        }
        await session.release();

        // What packing saves on the device (memory estimate: packed leaves at bytesPerWeight, the rest f32) is what
        // the file saves, but for the token table (packed on the device, its unpacked values in f32 in the file, for
        // Gather) and up to the protobuf framing of the scales initializers and MatMulNBits nodes (a few hundred
        // bytes each).
        const f32Bytes = exportOnnx(full, { attentions: true }).length;
        const memory = (format: 'f32' | 'q4' | 'q8') => quantized.family.memory(quantized.config, undefined, format).weightsBytes;
        const { V, C } = quantized.config.dims;
        const expectedSaving = memory('f32') - memory(weights) - V * C * (4 - bytesPerWeight(weights));
        const saving = f32Bytes - graph.length;
        console.log(
          `[onnx wasm ${weights}] ${name}: logits max abs diff ${logits.toExponential(2)}, attention ${attention.toExponential(2)} ` +
            `(${weights} vs f32 weights moves the logits by ${quantization.toExponential(2)}); file ${graph.length} bytes vs f32 ${f32Bytes} ` +
            `(saves ${saving}, the packed weights ${expectedSaving} at ${bytesPerWeight(weights)} bytes each)`,
        );
        expect(logits).toBeLessThan(TOLERANCE);
        expect(attention).toBeLessThan(TOLERANCE);
        expect(quantization).toBeGreaterThan(10 * TOLERANCE); // an export that kept f32 weights would fail above
        expect(Math.abs(saving - expectedSaving)).toBeLessThan(4096);
      });
    }
  }

  for (const name of ['tiny-gpt2', 'tiny-llama']) {
    for (const weights of FORMATS) {
      it(`${name} ${weights} with past_key_values: prefill then one token at a time gives our ${weights} KV-cache logits`, async () => {
        const loaded = load(name, weights);
        const ids = goldenCases(name).find((input) => input.ids.length > 6)!.ids;
        const { worst, steps } = await kvCacheDecodeDiff(ort, loaded, exportOnnx(loaded, { attentions: false, pastKeyValues: true, weights }), ids);
        console.log(`[onnx wasm ${weights}] ${name} KV cache, ${steps} steps: logits max abs diff ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(TOLERANCE);
      });
    }
  }

  it('a weight whose input size is not a multiple of 32 stays an f32 MatMul', async () => {
    const [M, K, N] = [3, 40, 8];
    const w = randomArray(N * K, 5); // (N, K)
    const g = new GraphBuilder('unpackable');
    g.output(matmul(g, g.input('x', 'float32', [M, K]), { tensor: { name: 'w', shape: [N, K], data: w }, layout: 'nk', format: 'q4' }, 'y'), 'float32', [M, N]);
    expect(g.has('w.scales')).toBe(false);
    const x = randomArray(M * K, 6);
    const session = await createOrtSession(ort, g.encode('f32 fallback'), 'wasm');
    const { y } = await session.run({ x: new ort.Tensor('float32', x, [M, K]) });
    await session.release();
    const expected = new Float32Array(M * N);
    matmulRef({ x, w, out: expected, M, N, K, wLayout: 'nk' });
    expect(maxAbsDiff(y.data as Float32Array, expected)).toBeLessThan(1e-5);
  });
});
