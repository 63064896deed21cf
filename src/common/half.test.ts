import { describe, expect, it } from 'vitest';
import { bf16BitsToFloat32, f16BitsToFloat32, float32ToBf16Bits, float32ToF16Bits } from './half';

describe('half-precision conversions', () => {
  it('handles zeros, subnormals, infinities and NaN', () => {
    const special = new Float32Array([-0, 2 ** -24, 2 ** -14, 65504, Infinity, -Infinity, NaN, 1e6, 2 ** -26]);
    const back = f16BitsToFloat32(float32ToF16Bits(special));
    expect(Object.is(back[0], -0)).toBe(true);
    expect([...back.subarray(1, 6)]).toEqual([2 ** -24, 2 ** -14, 65504, Infinity, -Infinity]);
    expect(back[6]).toBeNaN();
    expect(back[7]).toBe(Infinity); // overflow
    expect(back[8]).toBe(0); // underflow
  });

  it('rounds to nearest, ties to even', () => {
    const ulpAtOne = 2 ** -10;
    const inputs = new Float32Array([1 + ulpAtOne / 2, 1 + 1.5 * ulpAtOne, 1 + ulpAtOne * 0.75]);
    expect([...f16BitsToFloat32(float32ToF16Bits(inputs))]).toEqual([1, 1 + 2 * ulpAtOne, 1 + ulpAtOne]);
    const bf16UlpAtOne = 2 ** -7;
    const bfInputs = new Float32Array([1 + bf16UlpAtOne / 2, 1 + 1.5 * bf16UlpAtOne]);
    expect([...bf16BitsToFloat32(float32ToBf16Bits(bfInputs))]).toEqual([1, 1 + 2 * bf16UlpAtOne]);
  });

  it('matches every f16 bit pattern round trip', () => {
    const allBits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const roundTrip = float32ToF16Bits(f16BitsToFloat32(allBits));
    const isNan = (bits: number) => (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
    const mismatches = [...allBits].filter((bits) => !isNan(bits) && roundTrip[bits] !== bits);
    expect(mismatches).toEqual([]);
  });
});
