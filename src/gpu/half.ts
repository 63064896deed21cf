// IEEE 754 binary16 <-> binary32 conversion for f16 tensor uploads and read-backs.

const float32 = new Float32Array(1);
const bits32 = new Uint32Array(float32.buffer);

/** Rounds to nearest even; overflow becomes infinity, tiny values become subnormals or zero. */
export function float32ToFloat16Bits(value: number): number {
  float32[0] = value;
  const bits = bits32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    const fullMantissa = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    const rounded = (fullMantissa >>> shift) + roundBit(fullMantissa, shift);
    return sign | rounded;
  }
  const rounded = (halfExponent << 10) + (mantissa >>> 13) + roundBit(mantissa, 13);
  return sign | rounded;
}

function roundBit(value: number, shift: number): number {
  const half = 1 << (shift - 1);
  const remainder = value & ((1 << shift) - 1);
  const keptLowBit = (value >>> shift) & 1;
  return remainder > half || (remainder === half && keptLowBit === 1) ? 1 : 0;
}

export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function toFloat16Bits(values: Float32Array): Uint16Array {
  const halves = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) halves[i] = float32ToFloat16Bits(values[i]);
  return halves;
}

export function fromFloat16Bits(halves: Uint16Array): Float32Array {
  const values = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) values[i] = float16BitsToFloat32(halves[i]);
  return values;
}
