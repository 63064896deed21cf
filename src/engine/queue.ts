// One operation at a time on the loaded model: forward passes, generation, fill-mask and model swaps share its
// buffers (a decoder's KV cache above all), so each waits for the one before it. A failure ends only its own operation.

export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Operations queued or running. */
  get pending(): number {
    return this.waiting;
  }

  run<T>(operation: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(operation).finally(() => this.waiting--);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
