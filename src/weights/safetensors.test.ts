import { describe, expect, it } from 'vitest';
import { float32ToBf16Bits, float32ToF16Bits } from '../common/half';
import { SafetensorsFile } from './safetensors';
import { writeSafetensors } from './safetensors-writer';

const values = new Float32Array([0, 1, -2, 0.5, 3.25, -0.125]);

describe('writeSafetensors + SafetensorsFile', () => {
  it('round-trips F32 tensors, shapes and metadata', () => {
    const bytes = writeSafetensors(
      [
        { name: 'b', shape: [2, 3], data: values },
        { name: 'a', shape: [], data: new Float32Array([7]) },
      ],
      { format: 'pt' },
    );
    const file = SafetensorsFile.parse(bytes, 'x.safetensors');
    expect(file.metadata).toEqual({ format: 'pt' });
    expect([...file.names].sort()).toEqual(['a', 'b']);
    expect(file.entry('b')).toMatchObject({ dtype: 'F32', shape: [2, 3] });
    expect([...file.float32('b')]).toEqual([...values]);
    expect([...file.float32('a')]).toEqual([7]);
    expect(file.hostTensor('b')).toEqual({ name: 'b', shape: [2, 3], data: values });
  });

  it('pads the header to 8 bytes so F32 data is a view, not a copy', () => {
    const bytes = writeSafetensors([{ name: 'odd-name', shape: [6], data: values }]);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const view = SafetensorsFile.parse(bytes).float32('odd-name');
    expect(view.buffer).toBe(bytes.buffer);
  });

  it('copies F32 data that is not 4-byte aligned', () => {
    const bytes = writeSafetensors([{ name: 'w', shape: [6], data: values }]);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    expect([...SafetensorsFile.parse(shifted).float32('w')]).toEqual([...values]);
  });

  it('stores F16 and BF16 and converts them back to f32 on demand', () => {
    const bytes = writeSafetensors([
      { name: 'half', shape: [6], data: values, dtype: 'F16' },
      { name: 'brain', shape: [3, 2], data: values, dtype: 'BF16' },
      { name: 'full', shape: [6], data: values },
    ]);
    const file = SafetensorsFile.parse(bytes);
    expect(file.entry('half').dtype).toBe('F16');
    expect(file.entry('brain').dtype).toBe('BF16');
    expect([...file.float32('half')]).toEqual([...values]); // all exactly representable
    expect([...file.float32('brain')]).toEqual([...values]);
    expect([...file.f16Bits('half')]).toEqual([...float32ToF16Bits(values)]);
    expect([...file.f16Bits('full')]).toEqual([...float32ToF16Bits(values)]);
    expect([...file.bf16Bits('brain')]).toEqual([...float32ToBf16Bits(values)]);
  });

  it('reads integer and F64 tensors as f32', () => {
    const header = {
      ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
      small: { dtype: 'I32', shape: [1], data_offsets: [16, 20] },
      wide: { dtype: 'F64', shape: [1], data_offsets: [24, 32] },
    };
    const json = new TextEncoder().encode(JSON.stringify(header).padEnd(120, ' '));
    const file = new Uint8Array(8 + json.length + 32);
    const view = new DataView(file.buffer);
    view.setBigUint64(0, BigInt(json.length), true);
    file.set(json, 8);
    const data = 8 + json.length;
    view.setBigInt64(data, 511n, true);
    view.setBigInt64(data + 8, -3n, true);
    view.setInt32(data + 16, 42, true);
    view.setFloat64(data + 24, 0.25, true);
    const parsed = SafetensorsFile.parse(file);
    expect([...parsed.float32('ids')]).toEqual([511, -3]);
    expect([...parsed.float32('small')]).toEqual([42]);
    expect([...parsed.float32('wide')]).toEqual([0.25]);
  });

  it('refuses duplicate names and data that does not fill the shape', () => {
    const tensor = { name: 'w', shape: [6], data: values };
    expect(() => writeSafetensors([tensor, tensor])).toThrow(/duplicate/);
    expect(() => writeSafetensors([{ ...tensor, shape: [5] }])).toThrow(/shape \[5\] holds 5 values but its data has 6/);
  });
});
