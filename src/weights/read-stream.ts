/**
 * Reads a byte stream to the end, reporting the running byte count after each chunk. With `expectedBytes` known,
 * the result is filled in place (no second copy of a large checkpoint); otherwise chunks are joined at the end.
 */
export async function readStream(
  stream: ReadableStream<Uint8Array>,
  expectedBytes: number | null,
  onBytes: (loaded: number) => void,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  let buffer: Uint8Array = new Uint8Array(expectedBytes ?? 0);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (expectedBytes !== null && loaded + value.length <= buffer.length) {
      buffer.set(value, loaded);
    } else {
      // No size announced, or the body is longer than announced: keep what was filled in place, then chunks.
      if (expectedBytes !== null && chunks.length === 0) chunks.push(buffer.subarray(0, loaded));
      chunks.push(value);
    }
    loaded += value.length;
    onBytes(loaded);
  }
  if (chunks.length > 0) buffer = concat(chunks, loaded);
  return buffer.subarray(0, loaded);
}

function concat(chunks: readonly Uint8Array[], totalBytes: number): Uint8Array {
  const joined = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
