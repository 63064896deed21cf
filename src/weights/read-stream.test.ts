import { describe, expect, it } from 'vitest';
import { ByteCollector, readStream } from './read-stream';

function streamOf(chunks: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
      controller.close();
    },
  });
}

describe('readStream', () => {
  it.each<[string, number | null, number[]]>([
    ['an announced size', 5, [1, 2, 3, 4, 5]],
    ['no announced size', null, [1, 2, 3, 4, 5]],
    ['a body longer than announced', 3, [1, 2, 3, 4, 5]],
    ['a body shorter than announced', 9, [1, 2, 3, 4, 5]],
  ])('reads every byte with %s, reporting running totals', async (_, expected, bytes) => {
    const counts: number[] = [];
    const result = await readStream(streamOf([[1, 2], [3], [4, 5]]), expected, (loaded) => counts.push(loaded));
    expect([...result]).toEqual(bytes);
    expect(counts).toEqual([2, 3, 5]);
  });
});

describe('ByteCollector', () => {
  it('keeps a body that arrives in one piece without copying it', () => {
    const whole = new Uint8Array([1, 2, 3, 4]);
    for (const expected of [4, null]) {
      const collector = new ByteCollector(expected);
      collector.append(whole);
      expect(collector.bytes()).toBe(whole);
    }
  });

  it('fills an announced size in place and starts over on restart', () => {
    const collector = new ByteCollector(4);
    collector.append(new Uint8Array([1, 2]));
    collector.append(new Uint8Array([3, 4]));
    const bytes = collector.bytes();
    expect([...bytes]).toEqual([1, 2, 3, 4]);
    expect(bytes.buffer.byteLength).toBe(4); // one buffer of the announced size, no join
    collector.restart();
    collector.append(new Uint8Array([9]));
    expect([...collector.bytes()]).toEqual([9]);
  });
});
