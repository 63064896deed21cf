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

/** Free bytes a pool keeps through `trim()`: its smallest buffers (uniforms, staging, small activations), up to this. */
export const POOL_RESERVE_BYTES = 16 * 2 ** 20;

/**
 * Creates, reuses and destroys the buffers of one usage. Counts what is allocated on the device (live and free
 * buffers alike) as well as what sits free in the pool.
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;
  private allocated = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly maxBufferSize: number,
    /** Called when buffers are destroyed or forgotten (trim, device loss). */
    private readonly onAllocatedChanged: () => void = () => undefined,
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
    const buffer = this.device.createBuffer({ label, size: capacity, usage: this.usage });
    this.allocated += buffer.size; // the caller reports the new figures (Gpu.tensor, with the bytes in use)
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const list = this.free.get(buffer.size) ?? [];
    list.push(buffer);
    this.free.set(buffer.size, list);
    this.pooledBytes += buffer.size;
  }

  /** Free bytes kept for reuse. */
  get bytesPooled(): number {
    return this.pooledBytes;
  }

  /** Bytes of every buffer this pool created and has not destroyed: in use plus pooled. */
  get bytesAllocated(): number {
    return this.allocated;
  }

  /**
   * Destroys pooled (unused) buffers, keeping the smallest ones up to `reserveBytes` (the next forward pass reuses
   * them instead of allocating again). `trim(0)` destroys them all.
   */
  trim(reserveBytes = POOL_RESERVE_BYTES): void {
    const sizes = [...this.free.keys()].sort((a, b) => a - b);
    let kept = 0;
    for (const size of sizes) {
      const list = this.free.get(size)!;
      const keep = Math.max(0, Math.min(list.length, Math.floor((reserveBytes - kept) / size)));
      kept += keep * size;
      for (const buffer of list.splice(keep)) {
        this.allocated -= buffer.size;
        buffer.destroy();
      }
      if (list.length === 0) this.free.delete(size);
    }
    this.pooledBytes = kept;
    this.onAllocatedChanged();
  }

  /** Forgets every buffer without destroying it (the device is gone, and its buffers with it). */
  forget(): void {
    this.free.clear();
    this.pooledBytes = 0;
    this.allocated = 0;
    this.onAllocatedChanged();
  }
}
