const TASK_BUDGET_MS = 8;

/**
 * Received bytes, filled in place when the size is known (no second copy of a large checkpoint), or joined at the end
 * when it is not (or the body runs longer than announced). A first chunk that is the whole body is kept as it is: a
 * 50 MB answer in one piece costs no allocation and no copy on the main thread.
 */
export class ByteCollector {
  loaded = 0;
  private buffer: Uint8Array | undefined;
  private chunks: Uint8Array[] = [];
  private ranSince = performance.now();

  constructor(private readonly expectedBytes: number | null) {}

  /**
   * append, then lets the event loop in when this task has run for a few milliseconds: a stream whose chunks are
   * already buffered (a File, a body received in one piece) resolves each read as a microtask, so without this the
   * whole read would be one long task that freezes the page.
   */
  async take(value: Uint8Array): Promise<void> {
    this.append(value);
    if (performance.now() - this.ranSince < TASK_BUDGET_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.ranSince = performance.now();
  }

  append(value: Uint8Array): void {
    const expected = this.expectedBytes;
    if (this.loaded === 0 && this.chunks.length === 0 && (expected === null || value.length >= expected)) {
      this.chunks.push(value); // the whole body at once (or the first of an unknown number)
    } else if (expected !== null && this.chunks.length === 0 && this.loaded + value.length <= expected) {
      this.buffer ??= new Uint8Array(expected);
      this.buffer.set(value, this.loaded);
    } else {
      // No size announced, or the body is longer than announced: keep what was filled in place, then chunks.
      if (this.chunks.length === 0 && this.buffer) this.chunks.push(this.buffer.subarray(0, this.loaded));
      this.buffer = undefined;
      this.chunks.push(value);
    }
    this.loaded += value.length;
  }

  /** Forgets what was received (a server that ignored a Range request sends the whole body again). */
  restart(): void {
    this.loaded = 0;
    this.buffer = undefined;
    this.chunks = [];
  }

  bytes(): Uint8Array {
    if (this.chunks.length === 0) return (this.buffer ?? new Uint8Array(0)).subarray(0, this.loaded);
    if (this.chunks.length === 1) return this.chunks[0];
    const joined = new Uint8Array(this.loaded);
    let offset = 0;
    for (const chunk of this.chunks) {
      joined.set(chunk, offset);
      offset += chunk.length;
    }
    return joined;
  }
}

/** Reads a byte stream to the end, reporting the running byte count after each chunk (see ByteCollector). */
export async function readStream(
  stream: ReadableStream<Uint8Array>,
  expectedBytes: number | null,
  onBytes: (loaded: number) => void,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const collector = new ByteCollector(expectedBytes);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await collector.take(value);
    onBytes(collector.loaded);
  }
  return collector.bytes();
}
