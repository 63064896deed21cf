// Matmul weights stored in fewer bits, for inference (decoding is bound by the bytes of weights read per token):
//   'f16' half floats, two per u32 word (unpack2x16float: no shader-f16 needed);
//   'q8'  signed 8-bit integers, four per word, one f32 scale per block of 32 along K: w = q · scale;
//         scale = max |w| of the block / 127, q = round(w / scale), ties to even;
//   'q4'  4-bit integers, eight per word, low nibble first, one scale per block of 32: w = (q - 8) · scale, the
//         layout and formula of onnxruntime's MatMulNBits (bits 4, block_size 32, no zero points); scale = max |w| / 7,
//         q - 8 = round(w / scale) in [-7, 7].
// Packed weights are always stored (N, K), blocks running along K, whatever the checkpoint's layout: a Conv1D (K, N)
// is transposed once at packing. The words hold the data, then the scales (f32 bit patterns), in one buffer.
// This file is the CPU side: packing, and unpacking as the kernels read it (their reference in the tests).

import { f16BitsToFloat32, float32ToF16Bits } from '../../common/half';
import type { WeightLayout } from './matmul.ref';

export type WeightFormat = 'f32' | 'f16' | 'q8' | 'q4';
export type PackedFormat = Exclude<WeightFormat, 'f32'>;

export const WEIGHT_FORMATS: readonly WeightFormat[] = ['f32', 'f16', 'q8', 'q4'];

/** Elements sharing one scale, along K. */
export const QUANT_BLOCK = 32;

export interface PackedWeight {
  format: PackedFormat;
  N: number; // output features: rows of the packed (N, K) matrix
  K: number; // input features
  words: Uint32Array; // data words, then (q8, q4) N·K/32 scales
  scalesOffset: number; // index of the first scale word (= data words; 0 for f16, which has none)
  /** Packed from a (K, N) weight (Conv1D): its rows are the checkpoint's columns. */
  transposed: boolean;
}

/** Bytes per weight element, scales included: f32 4, f16 2, q8 1.125, q4 0.625. */
export function bytesPerWeight(format: WeightFormat): number {
  return { f32: 4, f16: 2, q8: 1 + 4 / QUANT_BLOCK, q4: 0.5 + 4 / QUANT_BLOCK }[format];
}

/** Why a (K → N) weight cannot be packed in `format` (then it stays f32), or undefined. */
export function packingProblem(K: number, format: WeightFormat): string | undefined {
  if (format === 'f32') return undefined;
  const multiple = format === 'f16' ? 4 : QUANT_BLOCK;
  return K % multiple === 0 ? undefined : `its input size ${K} is not a multiple of ${multiple}`;
}

/** The (N, K) matrix of a weight stored (K, N) ('kn') or (N, K) ('nk'). */
function asNk(w: Float32Array, N: number, K: number, layout: WeightLayout): Float32Array {
  if (layout === 'nk') return w;
  const out = new Float32Array(N * K);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) out[n * K + k] = w[k * N + n];
  return out;
}

/** Packs w ((K, N) for 'kn', (N, K) for 'nk') as an (N, K) matrix in `format`; K must suit it (packingProblem). */
export function packWeight(w: Float32Array, N: number, K: number, layout: WeightLayout, format: PackedFormat): PackedWeight {
  const problem = packingProblem(K, format);
  if (problem) throw new Error(`Cannot pack a ${N}x${K} weight as ${format}: ${problem}.`);
  if (w.length !== N * K) throw new Error(`packWeight: ${w.length} values for a ${N}x${K} weight`);
  const nk = asNk(w, N, K, layout);
  if (format === 'f16') {
    const halves = float32ToF16Bits(nk);
    return { format, N, K, words: new Uint32Array(halves.buffer, halves.byteOffset, halves.length / 2).slice(), scalesOffset: 0, transposed: layout === 'kn' };
  }
  const levels = format === 'q8' ? 127 : 7; // largest |q|: q8 in [-127, 127], q4 in [-7, 7] (+8 when stored)
  const perWord = format === 'q8' ? 4 : 8;
  const bits = 32 / perWord;
  const dataWords = (N * K) / perWord;
  const blocks = (N * K) / QUANT_BLOCK;
  const words = new Uint32Array(dataWords + blocks);
  const scales = new Float32Array(words.buffer, dataWords * 4, blocks);
  for (let block = 0; block < blocks; block++) {
    const start = block * QUANT_BLOCK;
    let largest = 0;
    for (let i = 0; i < QUANT_BLOCK; i++) largest = Math.max(largest, Math.abs(nk[start + i]));
    const scale = Math.fround(largest / levels);
    scales[block] = scale;
    for (let i = 0; i < QUANT_BLOCK; i++) {
      const q = scale === 0 ? 0 : Math.max(-levels, Math.min(levels, roundHalfEven(nk[start + i] / scale)));
      const stored = format === 'q8' ? q & 0xff : q + 8;
      const element = start + i;
      const word = Math.floor(element / perWord);
      words[word] = (words[word] | (stored << ((element % perWord) * bits))) >>> 0;
    }
  }
  return { format, N, K, words, scalesOffset: dataWords, transposed: layout === 'kn' };
}

/** Nearest integer, ties to even (as torch.round and numpy.round, so an independent quantizer agrees exactly). */
function roundHalfEven(value: number): number {
  const nearest = Math.round(value);
  return nearest - value === 0.5 && nearest % 2 !== 0 ? nearest - 1 : nearest;
}

/** The (N, K) values a packed weight stands for, exactly as the kernels decode them. */
export function unpackWeight(packed: PackedWeight): Float32Array {
  const { format, N, K, words, scalesOffset } = packed;
  if (format === 'f16') return f16BitsToFloat32(new Uint16Array(words.buffer, words.byteOffset, N * K));
  const out = new Float32Array(N * K);
  const scales = new Float32Array(words.buffer, words.byteOffset + scalesOffset * 4, (N * K) / QUANT_BLOCK);
  for (let element = 0; element < N * K; element++) {
    const scale = scales[Math.floor(element / QUANT_BLOCK)];
    if (format === 'q8') {
      const byte = (words[element >> 2] >>> ((element & 3) * 8)) & 0xff;
      out[element] = ((byte << 24) >> 24) * scale; // sign-extended
    } else {
      const nibble = (words[element >> 3] >>> ((element & 7) * 4)) & 0xf;
      out[element] = (nibble - 8) * scale;
    }
  }
  return out;
}

/**
 * What a weight holds once stored in `format`, in its own layout: the CPU path runs on these values, so that it and
 * the packed GPU kernels compute with the same weights. Unpackable shapes (packingProblem) keep their f32 values.
 */
export function roundTripWeight(w: Float32Array, N: number, K: number, layout: WeightLayout, format: WeightFormat): Float32Array {
  if (format === 'f32' || packingProblem(K, format)) return w;
  const nk = unpackWeight(packWeight(w, N, K, layout, format));
  if (layout === 'nk') return nk;
  const kn = new Float32Array(N * K);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) kn[k * N + n] = nk[n * K + k];
  return kn;
}
