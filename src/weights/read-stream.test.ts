import { describe, expect, it } from 'vitest';
import { readStream } from './read-stream';

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
