import { formatBytes } from '../common/format';
import { GpuError } from './errors';
import { float32ToF16Bits } from '../common/half';
import { BufferPool, POOL_RESERVE_BYTES } from './pool';
import { Recorder } from './recorder';
import { BYTES_PER_ELEMENT, Tensor, type DType, type HostArray } from './tensor';

export interface GpuOptions {
  /**
   * `navigator.gpu` in a browser, or the object from npm `webgpu`'s `create([])` in Node, where the caller must keep
   * a reference to it for as long as the device lives (Dawn aborts the process if it is garbage-collected).
   */
  gpu: GPU;
  powerPreference?: GPUPowerPreference;
  /** Called once when the device is lost (driver reset, another tab, ...); the caller re-creates a Gpu. */
  onLost?: (reason: string) => void;
}

/**
 * The device was lost (driver reset, another tab, `device.destroy()`) while a call was in flight. Says so in words
 * instead of the browser's text ("Failed to execute 'mapAsync' on 'GPUBuffer'…").
 */
export class DeviceLostError extends GpuError {
  constructor(
    what: string,
    readonly reason: string,
  ) {
    super(`The GPU device was lost while ${what} (${reason}). The page connects to a new device; run it again then.`);
    this.name = 'DeviceLostError';
  }
}

/** How long a failed call waits for `device.lost` to settle before it is reported as something else. */
const LOSS_GRACE_MS = 250;

export interface GpuInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
  /** A CPU implementation of WebGPU (SwiftShader), whether or not the browser flags it as the fallback adapter. */
  isSoftwareAdapter: boolean;
  features: string[];
  limits: Record<GpuLimitName, number>;
}

/** Bind groups kept by Gpu.bindGroup: a few decode steps' worth of a 30-layer model. */
const BIND_GROUP_CACHE_SIZE = 4096;

/** Limits requested at the adapter's maximum: large weights, big workgroups, big shared-memory tiles. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
] as const;

const REPORTED_LIMITS = [
  ...RAISED_LIMITS,
  'maxComputeWorkgroupsPerDimension',
  'minUniformBufferOffsetAlignment',
  'minStorageBufferOffsetAlignment',
] as const;

export type GpuLimitName = (typeof REPORTED_LIMITS)[number];

/** The device, its limits, pooled tensors and cached pipelines. Knows nothing of models. */
export class Gpu {
  readonly info: GpuInfo;
  readonly hasF16: boolean;
  /**
   * Subgroup operations in WGSL (`enable subgroups;`): reductions without shared memory or barriers. Only where the
   * device has the feature and its subgroups are runs of consecutive invocations (subgroupsAreLinear), as the
   * subgroup kernels assume.
   */
  readonly hasSubgroups: boolean;
  readonly canProfile: boolean;
  readonly uniformAlignment: number;
  readonly stagingPool: BufferPool;
  readonly uniformPool: BufferPool;
  private readonly storagePool: BufferPool;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly shaderModules = new Map<string, GPUShaderModule>();
  /** Bind groups by pipeline and resources: a decode step binds the same buffers every step (see bindGroup). */
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly objectIds = new WeakMap<object, number>();
  private lastObjectId = 0;
  private readonly listeners = new Set<(bytesInUse: number, bytesAllocated: number) => void>();
  private readonly deferredErrors: GpuError[] = [];
  private liveBytes = 0;
  private destroyed = false;
  /** Why the device was lost, once it was. */
  private lostReason?: string;
  private readonly lostMessage: Promise<string>;
  private placeholderTensor: Tensor<'f32'> | null = null;
  private placeholderOutputTensor: Tensor<'f32'> | null = null;

  private constructor(
    readonly device: GPUDevice,
    adapterInfo: GPUAdapterInfo,
    isFallbackAdapter: boolean,
    onLost: ((reason: string) => void) | undefined,
    subgroupsUsable: boolean,
  ) {
    const { limits } = device;
    this.hasF16 = device.features.has('shader-f16');
    this.hasSubgroups = subgroupsUsable;
    this.canProfile = device.features.has('timestamp-query');
    this.uniformAlignment = limits.minUniformBufferOffsetAlignment;
    this.info = {
      vendor: adapterInfo.vendor,
      architecture: adapterInfo.architecture,
      description: adapterInfo.description,
      isFallbackAdapter,
      isSoftwareAdapter: isFallbackAdapter || /swiftshader/i.test(`${adapterInfo.architecture} ${adapterInfo.description}`),
      features: [...device.features].map(String).sort(),
      limits: Object.fromEntries(REPORTED_LIMITS.map((name) => [name, limits[name]])) as Record<GpuLimitName, number>,
    };
    const notify = () => this.notifyBytes();
    this.storagePool = new BufferPool(device, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, limits.maxBufferSize, notify);
    this.stagingPool = new BufferPool(device, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, limits.maxBufferSize, notify);
    this.uniformPool = new BufferPool(device, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, limits.maxBufferSize, notify);
    device.addEventListener('uncapturederror', (event) => {
      this.deferredErrors.push(new GpuError(`GPU error: ${(event as GPUUncapturedErrorEvent).error.message}`));
    });
    this.lostMessage = device.lost.then((lost) => {
      const reason = lost.message || `device lost (${lost.reason})`;
      this.lostReason = reason;
      // Its buffers went with it: nothing is allocated any more.
      for (const pool of [this.storagePool, this.stagingPool, this.uniformPool]) pool.forget();
      if (!this.destroyed) {
        this.destroyed = true;
        onLost?.(reason);
      }
      return reason;
    });
  }

  static async create({ gpu, powerPreference, onLost }: GpuOptions): Promise<Gpu> {
    const adapter = await gpu.requestAdapter(powerPreference ? { powerPreference } : undefined);
    if (!adapter) throw new GpuError('WebGPU is present but no GPU adapter is available (it may be blocklisted or disabled).');
    const requiredLimits: Record<string, number> = {};
    for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
    const requiredFeatures = (['shader-f16', 'subgroups', 'timestamp-query'] as GPUFeatureName[]).filter((name) => adapter.features.has(name));
    const device = await adapter.requestDevice({ label: 'playground', requiredLimits, requiredFeatures }).catch((error: unknown) => {
      throw new GpuError(`The GPU adapter refused a device: ${error instanceof Error ? error.message : String(error)}`);
    });
    const isFallbackAdapter = adapter.info.isFallbackAdapter ?? false;
    const subgroupsUsable = device.features.has('subgroups') && (await subgroupsAreLinear(device));
    return new Gpu(device, adapter.info, isFallbackAdapter, onLost, subgroupsUsable);
  }

  /** Bytes held by live tensors (size-class rounded), not counting the pool's free buffers. */
  get bytesInUse(): number {
    return this.liveBytes;
  }

  get bytesPooled(): number {
    return this.storagePool.bytesPooled;
  }

  /** Bytes of every buffer on the device: live tensors, the pools' free buffers, staging and uniform buffers. */
  get bytesAllocated(): number {
    return this.storagePool.bytesAllocated + this.stagingPool.bytesAllocated + this.uniformPool.bytesAllocated;
  }

  /** Whether the device is gone (lost or destroyed); a lost Gpu never comes back, the caller makes a new one. */
  get isLost(): boolean {
    return this.lostReason !== undefined;
  }

  /** Calls `listener` whenever bytesInUse or bytesAllocated changes; returns the unsubscribe function. */
  onBytesChanged(listener: (bytesInUse: number, bytesAllocated: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  tensor<D extends DType>(shape: readonly number[], dtype: D, label: string): Tensor<D> {
    if (dtype === 'f16' && !this.hasF16) throw new GpuError(`tensor '${label}': this GPU has no shader-f16 support`);
    const numel = shape.reduce((product, size) => product * size, 1);
    if (numel <= 0 || !Number.isInteger(numel)) throw new GpuError(`tensor '${label}' has an invalid shape [${shape.join(', ')}]`);
    const byteLength = numel * BYTES_PER_ELEMENT[dtype];
    const { maxBufferSize } = this.info.limits;
    if (byteLength > maxBufferSize) {
      throw new GpuError(`tensor '${label}' needs ${formatBytes(byteLength)} but this GPU allows at most ${formatBytes(maxBufferSize)} per buffer`);
    }
    const what = `allocating '${label}' (${formatBytes(byteLength)})`;
    const buffer = this.scopedSync(what, () => undefined, () => this.storagePool.acquire(byteLength, label));
    this.changeBytes(buffer.size);
    return new Tensor(label, shape, dtype, buffer);
  }

  /** Uploads host data. f16 tensors take f32 values (converted here) or raw binary16 bits as a Uint16Array. */
  write(tensor: Tensor, data: Float32Array | Uint32Array | Uint16Array, elementOffset = 0): void {
    const bytes = tensor.dtype === 'f16' && data instanceof Float32Array ? float32ToF16Bits(data) : data;
    if (bytes.BYTES_PER_ELEMENT !== BYTES_PER_ELEMENT[tensor.dtype] || elementOffset + data.length > tensor.numel) {
      throw new GpuError(`write to ${tensor.dtype} tensor '${tensor.label}': ${data.length} ${data.constructor.name} elements at ${elementOffset} do not fit its ${tensor.numel}`);
    }
    const byteOffset = elementOffset * BYTES_PER_ELEMENT[tensor.dtype];
    if (byteOffset % 4 !== 0) throw new GpuError(`write to '${tensor.label}': f16 writes must start at an even element`);
    const padded = bytes.byteLength % 4 === 0 ? bytes : padToFourBytes(bytes);
    this.device.queue.writeBuffer(tensor.buffer, byteOffset, padded.buffer, padded.byteOffset, padded.byteLength);
  }

  /** Returns the tensor's buffer to the pool. The tensor must not be used afterwards. */
  release(tensor: Tensor): void {
    if (tensor.released) throw new GpuError(`tensor '${tensor.label}' was released twice`);
    tensor.released = true;
    this.storagePool.release(tensor.buffer);
    this.changeBytes(-tensor.buffer.size);
  }

  /** A small tensor bound in place of an absent optional input (kernel variants never read it). */
  get placeholder(): Tensor<'f32'> {
    this.placeholderTensor ??= this.tensor([4], 'f32', 'placeholder');
    return this.placeholderTensor;
  }

  /** Another one for an absent optional output: a buffer may not be bound both read-only and writable. */
  get placeholderOutput(): Tensor<'f32'> {
    this.placeholderOutputTensor ??= this.tensor([4], 'f32', 'placeholder_output');
    return this.placeholderOutputTensor;
  }

  /**
   * A compute pipeline from WGSL, cached by `key` (kernel name + variant), entry point and override constants. With
   * `compiling` (a compileAhead dry run's recorder asks): compiled asynchronously into that map instead.
   */
  pipeline(key: string, wgsl: string, entryPoint = 'main', constants: Record<string, number> = {}, compiling?: Map<string, Promise<void>>): GPUComputePipeline {
    const cacheKey = `${key}|${entryPoint}|${JSON.stringify(constants)}`;
    const cached = this.pipelines.get(cacheKey);
    if (cached) return cached;
    const descriptor = (): GPUComputePipelineDescriptor => {
      let module = this.shaderModules.get(wgsl);
      if (!module) {
        module = this.device.createShaderModule({ label: key, code: wgsl });
        this.shaderModules.set(wgsl, module);
      }
      return { label: `${key}.${entryPoint}`, layout: 'auto', compute: { module, entryPoint, constants } };
    };
    if (compiling) {
      // compileAhead: compile off the JS thread, in parallel with the others; a dry run encodes nothing, so its
      // recording only needs something to hold.
      if (!compiling.has(cacheKey)) {
        const ready = this.device.createComputePipelineAsync(descriptor()).then(
          (pipeline) => void this.pipelines.set(cacheKey, pipeline),
          (error: unknown) => void this.deferredErrors.push(new GpuError(`compiling '${key}': ${error instanceof Error ? error.message : String(error)}`)),
        );
        compiling.set(cacheKey, ready);
      }
      return { label: `${key}.${entryPoint} (compiling)` } as GPUComputePipeline;
    }
    const forget = () => this.pipelines.delete(cacheKey); // a pipeline that failed to compile is not kept
    const pipeline = this.scopedSync(`compiling '${key}'`, forget, () => this.device.createComputePipeline(descriptor()));
    this.pipelines.set(cacheKey, pipeline);
    return pipeline;
  }

  /**
   * Runs `record` as a dry run through the recorders `dryRecorder` makes (they encode and submit nothing, and their
   * reads resolve to zeros) and compiles every pipeline they ask for with createComputePipelineAsync, in parallel and
   * off the JS thread; resolves once all are ready, with how many were compiled. Call it at load with a first forward
   * pass, so that the real one finds its pipelines compiled. Other recorders (a fine-tuning run) go on as usual
   * meanwhile. Errors surface like any pipeline's.
   */
  async compileAhead(record: (dryRecorder: (label: string) => Recorder) => Promise<unknown>): Promise<number> {
    const compiling = new Map<string, Promise<void>>();
    await record((label) => new Recorder(this, label, false, compiling));
    await Promise.all(compiling.values());
    this.throwDeferredErrors();
    return compiling.size;
  }

  /**
   * The bind group of `pipeline` over these resources, created once and reused: buffers come back from the pool in
   * the same order every decode step, so a step binds what the previous ones bound. Bounded; the oldest go first.
   */
  bindGroup(pipeline: GPUComputePipeline, entries: GPUBindGroupEntry[], label: string): GPUBindGroup {
    const id = (object: object) => {
      let value = this.objectIds.get(object);
      if (value === undefined) this.objectIds.set(object, (value = ++this.lastObjectId));
      return value;
    };
    const key = [id(pipeline), ...entries.map(({ resource }) => {
      const { buffer, offset = 0, size = -1 } = resource as GPUBufferBinding;
      return `${id(buffer)}:${offset}:${size}`;
    })].join('|');
    const cached = this.bindGroups.get(key);
    if (cached) {
      this.bindGroups.delete(key); // re-inserted: the map's order is least recently used first
      this.bindGroups.set(key, cached);
      return cached;
    }
    const group = this.device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
    this.bindGroups.set(key, group);
    if (this.bindGroups.size > BIND_GROUP_CACHE_SIZE) this.bindGroups.delete(this.bindGroups.keys().next().value!);
    return group;
  }

  recorder(label: string, options: { profile?: boolean } = {}): Recorder {
    this.throwDeferredErrors();
    const watch = this.nextRecorderWatch;
    this.nextRecorderWatch = undefined;
    const recorder = new Recorder(this, label, (options.profile ?? false) || watch !== undefined);
    watch?.(recorder);
    return recorder;
  }

  private nextRecorderWatch?: (recorder: Recorder) => void;

  /** The next recorder made (by whichever caller) is profiled and handed to `watch`: to see what one operation ran. */
  watchNextRecorder(watch: (recorder: Recorder) => void): void {
    this.nextRecorderWatch = watch;
  }

  /** Convenience: one recorder that only reads a tensor back. */
  async read<D extends DType>(tensor: Tensor<D>): Promise<HostArray<D>> {
    const recorder = this.recorder(`read(${tensor.label})`);
    const data = recorder.read(tensor);
    await recorder.submit();
    return data;
  }

  /** Resolves when the GPU has finished all submitted work. */
  async idle(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
    this.throwDeferredErrors();
  }

  /**
   * Destroys the pools' unused buffers beyond a small reserve of the smallest ones (call it when a model is unloaded:
   * its weights go back to the device). `trim(0)` keeps none.
   */
  trim(reserveBytes = POOL_RESERVE_BYTES): void {
    this.storagePool.trim(reserveBytes);
    this.stagingPool.trim(reserveBytes);
    this.uniformPool.trim(reserveBytes);
  }

  /**
   * The error to report for a failed GPU call: a DeviceLostError when the device is (or, within a moment, turns out
   * to be) lost, the browser's DOMException in words otherwise, anything else as it is.
   */
  async explainFailure(error: unknown, what: string): Promise<unknown> {
    if (error instanceof DeviceLostError) return error;
    const reason = this.lostReason ?? (await Promise.race([this.lostMessage, new Promise<undefined>((resolve) => setTimeout(resolve, LOSS_GRACE_MS))]));
    if (reason !== undefined) return new DeviceLostError(what, reason);
    if (typeof DOMException !== 'undefined' && error instanceof DOMException) return new GpuError(`${what}: the GPU did not return the results (${error.name}: ${error.message})`);
    return error;
  }

  destroy(): void {
    this.destroyed = true;
    this.device.destroy();
  }

  /**
   * Runs `work` inside validation and out-of-memory error scopes and hands back its result at once, with what the
   * scopes caught as a promise to await together with whatever else the caller waits for (Recorder.submit: the
   * mapping of its reads), so that checking costs no round trip of its own.
   */
  scopedConcurrently<T>(what: string, work: () => T): { result: T; error: Promise<GpuError | null> } {
    this.throwDeferredErrors();
    return this.withErrorScopes(what, work);
  }

  /** For synchronous calls: a caught error is raised by the next recorder(), submit() or idle(). */
  private scopedSync<T>(what: string, onError: () => void, work: () => T): T {
    const { result, error } = this.withErrorScopes(what, work);
    void error.then((caught) => {
      if (!caught) return;
      onError();
      this.deferredErrors.push(caught);
    });
    return result;
  }

  private withErrorScopes<T>(what: string, work: () => T): { result: T; error: Promise<GpuError | null> } {
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    let outcome: { value: T } | { thrown: unknown };
    try {
      outcome = { value: work() };
    } catch (thrown) {
      outcome = { thrown };
    }
    const outOfMemory = this.device.popErrorScope();
    const validation = this.device.popErrorScope();
    if ('thrown' in outcome) throw outcome.thrown;
    const error = Promise.all([outOfMemory, validation]).then(([memoryError, validationError]) => {
      if (memoryError) return new GpuError(`${what}: out of GPU memory (${formatBytes(this.liveBytes)} in use). ${memoryError.message}`);
      if (validationError) return new GpuError(`${what}: ${validationError.message}`);
      return null;
    });
    return { result: outcome.value, error };
  }

  private changeBytes(delta: number): void {
    this.liveBytes += delta;
    this.notifyBytes();
  }

  private notifyBytes(): void {
    const allocated = this.bytesAllocated;
    for (const listener of this.listeners) listener(this.liveBytes, allocated);
  }

  private throwDeferredErrors(): void {
    const error = this.deferredErrors.shift();
    if (error) {
      this.deferredErrors.length = 0;
      throw error;
    }
  }
}

/**
 * Whether, in workgroups of 128 and 256 invocations, every subgroup is the invocations s·size .. s·size + size - 1
 * of local_invocation_index, its sizes divide the workgroup, and subgroupAdd sums it: what the subgroup kernels
 * assume (WGSL does not promise the mapping). One small dispatch at device creation.
 */
async function subgroupsAreLinear(device: GPUDevice): Promise<boolean> {
  const code = `enable subgroups;
@group(0) @binding(0) var<storage, read_write> bad: atomic<u32>;
@compute @workgroup_size(WORKGROUP)
fn main(@builtin(local_invocation_index) i: u32, @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32) {
  let first = subgroupBroadcastFirst(i);
  let count = subgroupAdd(1u);
  let ok = first == (i / size) * size && lane == i % size && WORKGROUP % size == 0u && count == size;
  if (!ok) {
    atomicAdd(&bad, 1u);
  }
}
override WORKGROUP: u32 = 256u;`;
  device.pushErrorScope('validation');
  const counter = device.createBuffer({ label: 'subgroup probe', size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readBack = device.createBuffer({ label: 'subgroup probe read', size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const module = device.createShaderModule({ label: 'subgroup probe', code });
  const encoder = device.createCommandEncoder({ label: 'subgroup probe' });
  for (const size of [128, 256]) {
    const pipeline = device.createComputePipeline({ label: `subgroup probe ${size}`, layout: 'auto', compute: { module, entryPoint: 'main', constants: { WORKGROUP: size } } });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: counter } }] }));
    pass.dispatchWorkgroups(4);
    pass.end();
  }
  encoder.copyBufferToBuffer(counter, 0, readBack, 0, 4);
  device.queue.submit([encoder.finish()]);
  const failed = await device.popErrorScope();
  await readBack.mapAsync(GPUMapMode.READ);
  const bad = new Uint32Array(readBack.getMappedRange().slice(0))[0];
  readBack.unmap();
  counter.destroy();
  readBack.destroy();
  return !failed && bad === 0;
}

function padToFourBytes(bytes: Uint16Array | Uint32Array | Float32Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  padded.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return padded;
}
