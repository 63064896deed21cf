/**
 * Buffers grouped by size class so a freed buffer can serve the next request of a similar size.
 * Classes are powers of two split in quarters (at most 25% slack), never below 256 bytes.
 */
export function sizeClass(byteLength: number): number {
  if (byteLength <= 256) return 256;
  const power = 2 ** Math.floor(Math.log2(byteLength - 1));
  const quarter = power / 4;
  return Math.ceil(byteLength / quarter) * quarter;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly maxBufferSize: number,
  ) {}

  /** The byte size a request will actually occupy. */
  capacityFor(byteLength: number): number {
    const rounded = sizeClass(byteLength);
    return rounded <= this.maxBufferSize ? rounded : Math.ceil(byteLength / 4) * 4;
  }

  acquire(byteLength: number, label: string): GPUBuffer {
    const capacity = this.capacityFor(byteLength);
    const reused = this.free.get(capacity)?.pop();
    if (reused) {
      this.pooledBytes -= capacity;
      reused.label = label;
      return reused;
    }
    return this.device.createBuffer({ label, size: capacity, usage: this.usage });
  }

  release(buffer: GPUBuffer): void {
    const list = this.free.get(buffer.size) ?? [];
    list.push(buffer);
    this.free.set(buffer.size, list);
    this.pooledBytes += buffer.size;
  }

  get bytesPooled(): number {
    return this.pooledBytes;
  }

  /** Destroys every pooled (unused) buffer. */
  trim(): void {
    for (const list of this.free.values()) for (const buffer of list) buffer.destroy();
    this.free.clear();
    this.pooledBytes = 0;
  }
}
