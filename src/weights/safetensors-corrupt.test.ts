import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { MAX_HEADER_BYTES, MAX_TENSORS, SafetensorsFile } from './safetensors';
import { writeSafetensors } from './safetensors-writer';

const FILE = 'broken.safetensors';

/** A file with the given header (object or raw text), data section and optionally a lying header length. */
function craft(header: unknown, dataBytes: number, claimedHeaderLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const file = new Uint8Array(8 + json.length + dataBytes);
  new DataView(file.buffer).setBigUint64(0, claimedHeaderLength ?? BigInt(json.length), true);
  file.set(json, 8);
  return file;
}

function parseError(bytes: Uint8Array): WeightsError {
  try {
    SafetensorsFile.parse(bytes, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(WeightsError);
    return error as WeightsError;
  }
  throw new Error('expected the file to be rejected');
}

const valid = writeSafetensors([
  { name: 'first', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
  { name: 'second', shape: [3], data: new Float32Array([5, 6, 7]) },
]);

describe('corrupt safetensors files', () => {
  it('truncated before the 8-byte header length', () => {
    const error = parseError(valid.subarray(0, 5));
    expect(error.message).toBe(
      `${FILE}: the file is 5 bytes, too short to hold the 8-byte header length (truncated download?)`,
    );
    expect(error.file).toBe(FILE);
  });

  it('header length larger than the file', () => {
    const error = parseError(craft({}, 0, 5000n));
    expect(error.message).toMatch(/header claims 5000 bytes but only 2 follow the length \(truncated file\?\)/);
  });

  it('header truncated mid-way', () => {
    expect(parseError(valid.subarray(0, 40)).message).toMatch(/header claims \d+ bytes but only 32 follow/);
  });

  it('oversized header (over the 100 MB cap), including an HTML page read as a length', () => {
    const error = parseError(craft({}, 0, BigInt(MAX_HEADER_BYTES + 1)));
    expect(error.message).toMatch(/header claims 104857601 bytes, over the 100 MB limit \(not a safetensors file\?\)/);
    const html = new TextEncoder().encode('<!doctype html><html><body>app</body></html>');
    expect(parseError(html).message).toMatch(/over the 100 MB limit/);
  });

  it('invalid JSON and non-object headers', () => {
    expect(parseError(craft('{"first": {', 0)).message).toMatch(/^broken\.safetensors: the header is not valid JSON \(/);
    expect(parseError(craft('[1, 2]', 0)).message).toBe(`${FILE}: the header is not a JSON object`);
    const badUtf8 = craft('{"a":1}', 0);
    badUtf8[10] = 0xff;
    expect(parseError(badUtf8).message).toMatch(/not valid JSON/);
  });

  it('metadata that is not a string map', () => {
    expect(parseError(craft({ __metadata__: { format: 3 } }, 0)).message).toMatch(/__metadata__ must map names/);
  });

  it('unknown dtype, naming the tensor', () => {
    const error = parseError(craft({ w: { dtype: 'F7', shape: [1], data_offsets: [0, 4] } }, 4));
    expect(error.message).toMatch(/^broken\.safetensors: tensor "w": unknown dtype "F7" \(known: F64, F32, /);
    expect(error.tensor).toBe('w');
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('inherited key %s is an unknown dtype, not a size of NaN', (dtype) => {
    const error = parseError(craft({ w: { dtype, shape: [1], data_offsets: [0, 4] } }, 4));
    expect(error.message).toMatch(new RegExp(`^broken\\.safetensors: tensor "w": unknown dtype "${dtype}" \\(known: F64, `));
  });

  it('a 50 MB header of 520,000 empty tensors is refused by one byte scan, before any JSON parse', () => {
    const entries = Array.from({ length: 520_000 }, (_, i) => `"model.layers.${i}.self_attn.q_proj.weight":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const header = `{${entries.join(',')}}`;
    expect(header.length).toBeGreaterThan(47e6);
    const bytes = craft(header, 0);
    const started = performance.now();
    const error = parseError(bytes);
    const ms = performance.now() - started;
    console.log(`520,000-entry header (${(header.length / 1e6).toFixed(1)} MB): refused in ${ms.toFixed(0)} ms`);
    expect(error.message).toBe(
      `${FILE}: the header holds more than ${MAX_TENSORS.toLocaleString('en-US')} entries, more than any real checkpoint file (not a model checkpoint?)`,
    );
    expect(ms).toBeLessThan(1000);
    // Braces inside names and metadata strings are not counted.
    const braces = craft({ __metadata__: { note: '{'.repeat(MAX_TENSORS + 10) }, 'w{': { dtype: 'F32', shape: [0], data_offsets: [0, 0] } }, 0);
    expect(SafetensorsFile.parse(braces, FILE).names).toEqual(['w{']);
  });

  it('open() counts in slices with the event loop let in between: the same refusal, the string state carried across slices', async () => {
    const entries = Array.from({ length: MAX_TENSORS + 10 }, (_, i) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const refused = craft(`{${entries.join(',')}}`, 0);
    expect(refused.length).toBeGreaterThan(2 * 2 ** 20 + 8); // the refusal comes in the second slice
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 0);
    const error = await SafetensorsFile.open(refused, FILE).then(() => undefined, (reason: unknown) => reason);
    clearInterval(ticking);
    expect(error).toBeInstanceOf(WeightsError);
    expect((error as Error).message).toMatch(/the header holds more than 100,000 entries/);
    expect(ticks).toBeGreaterThan(0); // timers ran while it counted
    // An escaped quote whose backslash ends the first 2 MiB slice: the braces after it are still inside the string.
    const prefix = '{"__metadata__":{"note":"';
    const pad = 'x'.repeat(2 * 2 ** 20 - 1 - prefix.length);
    const escaped = craft(`${prefix}${pad}\\"${'{'.repeat(MAX_TENSORS + 10)}"},"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`, 0);
    expect(escaped[8 + 2 * 2 ** 20 - 1]).toBe(0x5c);
    expect((await SafetensorsFile.open(escaped, FILE)).names).toEqual(['w']);
  });

  it('malformed shape and data_offsets', () => {
    const shape = parseError(craft({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4));
    expect(shape.message).toMatch(/tensor "w": shape \[-1\] is not a list of non-negative integers/);
    const offsets = parseError(craft({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4));
    expect(offsets.message).toMatch(/tensor "w": data_offsets \[0\] is not a pair of non-negative integers/);
    const reversed = parseError(craft({ w: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, 4));
    expect(reversed.message).toMatch(/tensor "w": data_offsets \[4, 0\] end before they begin/);
    expect(parseError(craft({ w: 'nope' }, 0)).message).toMatch(/tensor "w": its header entry is not an object/);
  });

  it('offsets outside the data section', () => {
    const error = parseError(craft({ w: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } }, 16));
    expect(error.message).toBe(
      `${FILE}: tensor "w": data_offsets [8, 24] reach past the end of the data section (16 bytes): ` +
        'truncated file or corrupt offsets',
    );
  });

  it('shape and offsets that disagree on the size', () => {
    const error = parseError(craft({ w: { dtype: 'F16', shape: [2, 3], data_offsets: [0, 16] } }, 16));
    expect(error.message).toBe(`${FILE}: tensor "w": shape [2, 3] of F16 needs 12 bytes but data_offsets [0, 16] span 16`);
  });

  it('overlapping tensors', () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    expect(parseError(craft(header, 12)).message).toBe(`${FILE}: tensor "b" overlaps tensor "a" in the data section`);
  });

  it('truncated data', () => {
    const error = parseError(valid.subarray(0, valid.length - 4));
    expect(error.message).toMatch(/tensor "(first|second)": data_offsets \[\d+, \d+\] reach past the end/);
  });

  it('a huge claimed shape fails on size, without allocating', () => {
    const header = { w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } };
    expect(parseError(craft(header, 4)).message).toMatch(/needs .* bytes but data_offsets \[0, 4\] span 4/);
  });

  it('asking for a tensor that is not there', () => {
    const file = SafetensorsFile.parse(valid, FILE);
    expect(() => file.float32('third')).toThrow(`${FILE}: no tensor named "third"`);
  });

  it('a released tensor cannot be read; the bytes go once every tensor is released', () => {
    const file = SafetensorsFile.parse(valid, FILE);
    file.release(['first']);
    expect(() => file.hostTensor('first')).toThrow(`${FILE}: tensor "first" was released after loading; load the model again to read it`);
    expect([...file.float32('second')]).toEqual([5, 6, 7]);
    expect(file.heldBytes).toBe(valid.length);
    file.release(['second']);
    expect(file.heldBytes).toBe(0);
    expect(() => file.bytes).toThrow(`${FILE}: its bytes were released after loading`);
  });
});
