// IEEE half (f16) and bfloat16 conversions on raw bit patterns, round-to-nearest-even when narrowing: the one home for
// checkpoint decoding and writing, f16 GPU uploads and read-backs.

let f16Table: Float32Array | undefined; // (65536) every f16 bit pattern as f32

function f16ToFloat32Table(): Float32Array {
  if (f16Table) return f16Table;
  const table = new Float32Array(65536);
  const tableBits = new Uint32Array(table.buffer);
  for (let half = 0; half < 65536; half++) tableBits[half] = f16BitsToF32Bits(half);
  f16Table = table;
  return table;
}

function f16BitsToF32Bits(half: number): number {
  const sign = (half & 0x8000) << 16;
  const exponent = (half >> 10) & 0x1f;
  let mantissa = half & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0; // inf, nan
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  let f32Exponent = 113; // subnormal: shift the mantissa up until its leading one is the implicit bit
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    f32Exponent--;
  }
  return (sign | (f32Exponent << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

function roundedShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const remainder = value & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return kept + (remainder > halfway || (remainder === halfway && (kept & 1) === 1) ? 1 : 0);
}

function f32BitsToF16Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200); // inf, nan
  const halfExponent = exponent - 112;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // too large: inf
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // below half the smallest subnormal: zero
    return sign | roundedShift(mantissa | 0x800000, 14 - halfExponent); // subnormal
  }
  // A carry out of the mantissa correctly bumps the exponent (up to inf).
  return sign | roundedShift((halfExponent << 23) | mantissa, 13);
}

export function f16BitsToFloat32(bits: Uint16Array): Float32Array {
  const table = f16ToFloat32Table();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

export function bf16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16;
  return out;
}

export function float32ToF16Bits(values: Float32Array): Uint16Array {
  const valueBits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32BitsToF16Bits(valueBits[i]);
  return out;
}

export function float32ToBf16Bits(values: Float32Array): Uint16Array {
  const valueBits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const bits = valueBits[i];
    const isNan = (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0;
    out[i] = isNan ? (bits >>> 16) | 0x40 : (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
  }
  return out;
}
