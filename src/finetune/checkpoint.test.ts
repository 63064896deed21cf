import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint';

describe('checkpoint encoding', () => {
  it('round-trips parameters, moments, data order, RNG state and history through ArrayBuffers', () => {
    const checkpoint: Checkpoint = {
      runId: 'run-1',
      savedAt: 123,
      loop: {
        epoch: 1, batchInEpoch: 3, globalStep: 13, rngState: 0xdeadbeef, order: Int32Array.from([2, 0, 1]),
        stepLosses: [0.7, 0.6], epochs: [{ epoch: 1, step: 10, trainingLoss: 0.65, validationLoss: 0.6, accuracy: 0.7, confusion: [[3, 1], [2, 4]] }],
        initial: { validationLoss: 0.69, accuracy: 0.5 }, tokensSeen: 400,
      },
      trainer: { step: 13, tensors: { 'classifier.weight': Float32Array.from([1, -2, 3.5]), 'classifier.weight.adam_m': new Float32Array(3).subarray(1) } },
    };
    const encoded = encodeCheckpoint(checkpoint);
    expect(encoded.buffers.every((buffer) => buffer instanceof ArrayBuffer)).toBe(true);
    expect(decodeCheckpoint(structuredClone(encoded))).toEqual(checkpoint);
    expect(() => decodeCheckpoint({ ...encoded, buffers: encoded.buffers.slice(0, 2) })).toThrow(/damaged/);
  });
});
