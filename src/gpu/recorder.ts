import { GpuError } from './errors';
import { f16BitsToFloat32 } from '../common/half';
import type { Gpu } from './gpu';
import { BYTES_PER_ELEMENT, Tensor, type Binding, type DType, type HostArray } from './tensor';

export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  /** Binding i is `@group(0) @binding(i)`. */
  bindings: Binding[];
  /** Bytes of a uniform struct, bound at `@binding(bindings.length)`. */
  uniforms?: ArrayBuffer;
  workgroups: [number, number?, number?];
}

export interface KernelTiming {
  label: string;
  ms: number;
}

interface PendingRead {
  tensor: Tensor;
  /** Where this read lands in the recording's one staging buffer. */
  stagingOffset: number;
  byteStart: number;
  byteLength: number;
  elementSkip: number;
  elementCount: number;
  resolve(data: Float32Array | Uint32Array): void;
  reject(error: unknown): void;
}

type Command = { kind: 'dispatch'; dispatch: Dispatch; uniformOffset: number } | { kind: 'read'; read: PendingRead };

/**
 * Records the dispatches of one forward pass into one command encoder, submitted once.
 * Kernels call `dispatch`; callers schedule `read`s and `await submit()`.
 */
export class Recorder {
  private readonly commands: Command[] = [];
  private uniformBytes: ArrayBuffer[] = [];
  private uniformLength = 0;
  private stagingLength = 0;
  private submitted = false;
  /** Tensors that live until this recording has run (scratch). */
  private readonly scratchTensors: Tensor[] = [];
  private timingsResult: Promise<KernelTiming[]> | null = null;

  constructor(
    /** The Gpu that owns this recording; kernels take pipelines and limits from it. */
    readonly gpu: Gpu,
    readonly label: string,
    /** Per-dispatch GPU timing with timestamp queries (each dispatch gets its own compute pass). */
    readonly profile = false,
    /** A Gpu.compileAhead dry run's: the pipelines asked for compile into this map, and nothing is submitted. */
    private readonly compiling?: Map<string, Promise<void>>,
  ) {}

  /** Whether this is a compileAhead dry run (nothing encoded, reads resolve to zeros). */
  get isDryRun(): boolean {
    return this.compiling !== undefined;
  }

  /** The Gpu's cached pipeline (see Gpu.pipeline); in a dry run it compiles asynchronously instead. */
  pipeline(key: string, wgsl: string, entryPoint = 'main', constants: Record<string, number> = {}): GPUComputePipeline {
    return this.gpu.pipeline(key, wgsl, entryPoint, constants, this.compiling);
  }

  get dispatchCount(): number {
    return this.commands.filter((command) => command.kind === 'dispatch').length;
  }

  dispatch(dispatch: Dispatch): void {
    this.assertOpen();
    for (const binding of dispatch.bindings) {
      const tensor = binding instanceof Tensor ? binding : binding.tensor;
      if (tensor.released) throw new GpuError(`${dispatch.label}: tensor '${tensor.label}' was already released`);
    }
    let uniformOffset = -1;
    if (dispatch.uniforms) {
      uniformOffset = this.uniformLength;
      this.uniformBytes.push(dispatch.uniforms);
      const aligned = Math.ceil(dispatch.uniforms.byteLength / this.gpu.uniformAlignment) * this.gpu.uniformAlignment;
      if (aligned > dispatch.uniforms.byteLength) this.uniformBytes.push(new ArrayBuffer(aligned - dispatch.uniforms.byteLength));
      this.uniformLength += aligned;
    }
    this.commands.push({ kind: 'dispatch', dispatch, uniformOffset });
  }

  /** An f32 tensor for intermediate results of this recording only (split-K partial sums), released after submit. */
  scratch(shape: number[], label: string): Tensor<'f32'> {
    this.assertOpen();
    const tensor = this.gpu.tensor(shape, 'f32', label);
    this.scratchTensors.push(tensor);
    return tensor;
  }

  /**
   * Schedules a copy of `tensor` (or `elementCount` elements from `elementOffset`) at this point of the recording.
   * The promise resolves after `submit()`; f16 data comes back widened to f32.
   */
  read<D extends DType>(tensor: Tensor<D>, elementOffset = 0, elementCount = tensor.numel - elementOffset): Promise<HostArray<D>> {
    this.assertOpen();
    if (elementOffset < 0 || elementCount < 0 || elementOffset + elementCount > tensor.numel) {
      throw new GpuError(`read of '${tensor.label}': elements ${elementOffset}..${elementOffset + elementCount} are outside its ${tensor.numel}`);
    }
    const bytesPerElement = BYTES_PER_ELEMENT[tensor.dtype];
    const byteStart = Math.floor((elementOffset * bytesPerElement) / 4) * 4;
    const byteEnd = Math.ceil(((elementOffset + elementCount) * bytesPerElement) / 4) * 4;
    const byteLength = Math.max(4, byteEnd - byteStart);
    const stagingOffset = this.stagingLength;
    this.stagingLength += Math.ceil(byteLength / 8) * 8;
    const promise = new Promise<Float32Array | Uint32Array>((resolve, reject) => {
      const elementSkip = (elementOffset * bytesPerElement - byteStart) / bytesPerElement;
      this.commands.push({
        kind: 'read',
        read: { tensor, stagingOffset, byteStart, byteLength, elementSkip, elementCount, resolve, reject },
      });
    });
    // Failures surface through submit(); a caller that never awaits this read must not see an unhandled rejection.
    promise.catch(() => undefined);
    return promise as Promise<HostArray<D>>;
  }

  /**
   * Encodes everything recorded, submits once, and resolves after every scheduled read is mapped. The submission's
   * error scopes are awaited together with the mapping, not before it: no extra round trip per step. In a
   * Gpu.compileAhead dry run nothing is encoded and the reads resolve to zeros.
   */
  async submit(): Promise<void> {
    this.assertOpen();
    this.submitted = true;
    const reads = this.commands.flatMap((command) => (command.kind === 'read' ? [command.read] : []));
    if (this.compiling) {
      for (const read of reads) read.resolve(read.tensor.dtype === 'u32' ? new Uint32Array(read.elementCount) : new Float32Array(read.elementCount));
      this.releaseScratch();
      return;
    }
    const staging = reads.length > 0 ? this.gpu.stagingPool.acquire(this.stagingLength, `${this.label}.reads`) : null;
    let uniformBuffer: GPUBuffer | null = null;
    try {
      const submitted = this.gpu.scopedConcurrently(`${this.label}: encoding and submission`, () => this.encodeAndSubmit(staging));
      uniformBuffer = submitted.result;
      const [caught, bytes] = await Promise.all([submitted.error, staging ? this.mapReads(staging) : undefined]);
      if (caught) throw caught;
      if (bytes) deliverReads(bytes, reads);
    } catch (error) {
      const failure = await this.gpu.explainFailure(error, `running ${this.label}`);
      for (const read of reads) read.reject(failure);
      throw failure;
    } finally {
      if (uniformBuffer) this.gpu.uniformPool.release(uniformBuffer);
      if (staging && staging.mapState === 'unmapped') this.gpu.stagingPool.release(staging);
      this.releaseScratch();
    }
  }

  private releaseScratch(): void {
    this.scratchTensors.splice(0).forEach((tensor) => this.gpu.release(tensor));
  }

  /** Per-dispatch GPU times of a profiled recording, available after `submit()`. */
  timings(): Promise<KernelTiming[]> {
    if (!this.timingsResult) throw new GpuError(`${this.label}: timings need a profiled recorder on a GPU with timestamp queries, after submit()`);
    return this.timingsResult;
  }

  private encodeAndSubmit(staging: GPUBuffer | null): GPUBuffer | null {
    const { device } = this.gpu;
    const uniformBuffer = this.uniformLength > 0 ? this.gpu.uniformPool.acquire(this.uniformLength, `${this.label}.uniforms`) : null;
    if (uniformBuffer) device.queue.writeBuffer(uniformBuffer, 0, concat(this.uniformBytes, this.uniformLength));
    this.uniformBytes = [];

    const profiling = this.profile && this.gpu.canProfile;
    const dispatches = this.commands.flatMap((command) => (command.kind === 'dispatch' ? [command.dispatch] : []));
    const profiled = profiling ? Math.min(dispatches.length, 2048) : 0;
    const querySet = profiled > 0 ? device.createQuerySet({ label: `${this.label}.timestamps`, type: 'timestamp', count: profiled * 2 }) : null;

    const encoder = device.createCommandEncoder({ label: this.label });
    let pass: GPUComputePassEncoder | null = null;
    let dispatchIndex = 0;
    for (const command of this.commands) {
      if (command.kind === 'read') {
        pass?.end();
        pass = null;
        const { tensor, byteStart, byteLength, stagingOffset } = command.read;
        encoder.copyBufferToBuffer(tensor.buffer, byteStart, staging!, stagingOffset, byteLength);
        continue;
      }
      const { dispatch, uniformOffset } = command;
      const timed = querySet !== null && dispatchIndex < profiled;
      if (timed) {
        pass?.end();
        pass = encoder.beginComputePass({
          label: dispatch.label,
          timestampWrites: { querySet, beginningOfPassWriteIndex: dispatchIndex * 2, endOfPassWriteIndex: dispatchIndex * 2 + 1 },
        });
      }
      pass ??= encoder.beginComputePass({ label: `${this.label}.pass` });
      pass.setPipeline(dispatch.pipeline);
      pass.setBindGroup(0, this.bindGroup(dispatch, uniformBuffer, uniformOffset));
      const [x, y = 1, z = 1] = dispatch.workgroups;
      pass.dispatchWorkgroups(x, y, z);
      if (timed) {
        pass.end();
        pass = null;
      }
      dispatchIndex++;
    }
    pass?.end();

    let timestampStaging: GPUBuffer | null = null;
    if (querySet) {
      const resolveBuffer = device.createBuffer({
        label: `${this.label}.timestamps.resolve`,
        size: profiled * 16,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
      timestampStaging = this.gpu.stagingPool.acquire(profiled * 16, `${this.label}.timestamps.read`);
      encoder.resolveQuerySet(querySet, 0, profiled * 2, resolveBuffer, 0);
      encoder.copyBufferToBuffer(resolveBuffer, 0, timestampStaging, 0, profiled * 16);
      device.queue.submit([encoder.finish()]);
      resolveBuffer.destroy();
      querySet.destroy();
      this.timingsResult = this.readTimings(timestampStaging, dispatches.slice(0, profiled));
    } else {
      device.queue.submit([encoder.finish()]);
    }
    return uniformBuffer;
  }

  private bindGroup(dispatch: Dispatch, uniformBuffer: GPUBuffer | null, uniformOffset: number): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = dispatch.bindings.map((binding, index) =>
      binding instanceof Tensor
        ? { binding: index, resource: { buffer: binding.buffer } }
        : { binding: index, resource: { buffer: binding.tensor.buffer, offset: binding.byteOffset, size: binding.byteLength } },
    );
    if (dispatch.uniforms && uniformBuffer) {
      const size = dispatch.uniforms.byteLength;
      entries.push({ binding: entries.length, resource: { buffer: uniformBuffer, offset: uniformOffset, size } });
    }
    return this.gpu.bindGroup(dispatch.pipeline, entries, dispatch.label);
  }

  private async mapReads(staging: GPUBuffer): Promise<ArrayBuffer> {
    await staging.mapAsync(GPUMapMode.READ, 0, this.stagingLength);
    const bytes = staging.getMappedRange(0, this.stagingLength).slice(0);
    staging.unmap();
    return bytes;
  }

  private async readTimings(staging: GPUBuffer, dispatches: Dispatch[]): Promise<KernelTiming[]> {
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, dispatches.length * 16);
      const ticks = new BigUint64Array(staging.getMappedRange(0, dispatches.length * 16).slice(0));
      staging.unmap();
      return dispatches.map((dispatch, i) => ({ label: dispatch.label, ms: Number(ticks[2 * i + 1] - ticks[2 * i]) / 1e6 }));
    } finally {
      this.gpu.stagingPool.release(staging);
    }
  }

  private assertOpen(): void {
    if (this.submitted) throw new GpuError(`recorder '${this.label}' was already submitted; create a new one per pass`);
  }
}

function deliverReads(bytes: ArrayBuffer, reads: PendingRead[]): void {
  for (const read of reads) {
    const { dtype } = read.tensor;
    const start = read.stagingOffset / BYTES_PER_ELEMENT[dtype] + read.elementSkip;
    const end = start + read.elementCount;
    if (dtype === 'u32') read.resolve(new Uint32Array(bytes).slice(start, end));
    else if (dtype === 'f32') read.resolve(new Float32Array(bytes).slice(start, end));
    else read.resolve(f16BitsToFloat32(new Uint16Array(bytes).slice(start, end)));
  }
}

function concat(chunks: ArrayBuffer[], byteLength: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(byteLength);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(new Uint8Array(chunk), offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
