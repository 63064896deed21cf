// The recorder's hot path: bind groups reused across recordings, scratch tensors freed after the submit, pipelines
// compiled ahead by a dry run, and validation errors still reported by the submission that caused them.
import { describe, expect, it } from 'vitest';
import { add } from '../kernels/add/add';
import { maxAbsDiff, randomArray, testGpu, upload } from '../kernels/testing';

describe('Recorder', () => {
  it('creates a bind group once for the same pipeline and buffers, again for other buffers', async () => {
    const gpu = await testGpu();
    const n = 64;
    const a = upload(gpu, [n], 'f32', randomArray(n, 1));
    const b = upload(gpu, [n], 'f32', randomArray(n, 2));
    const out = gpu.tensor([n], 'f32', 'out');
    const other = gpu.tensor([n], 'f32', 'other');
    const create = gpu.device.createBindGroup;
    let created = 0;
    gpu.device.createBindGroup = (descriptor) => {
      created++;
      return create.call(gpu.device, descriptor);
    };
    try {
      const step = async (target: typeof out) => {
        const rec = gpu.recorder('bind-group-cache');
        add(rec, { a, b, out: target, n });
        const result = rec.read(target);
        await rec.submit();
        return result;
      };
      const first = await step(out);
      const afterFirst = created;
      const second = await step(out);
      expect(created).toBe(afterFirst); // same pipeline, same buffers, same uniform window: reused
      expect([...second]).toEqual([...first]);
      await step(other);
      expect(created).toBe(afterFirst + 1);
      const expected = randomArray(n, 1).map((value, i) => value + randomArray(n, 2)[i]);
      expect(maxAbsDiff(first, expected)).toBeLessThan(1e-6);
    } finally {
      gpu.device.createBindGroup = create;
    }
    [a, b, out, other].forEach((tensor) => gpu.release(tensor));
  });

  it('reports subgroups usable only where the device has them and they are runs of consecutive invocations', async () => {
    const gpu = await testGpu();
    const feature = gpu.info.features.includes('subgroups');
    console.log(`subgroups: feature ${feature}, usable ${gpu.hasSubgroups}`);
    if (!feature) expect(gpu.hasSubgroups).toBe(false);
    // SwiftShader has the feature and linear subgroups of 4: the subgroup kernels' tests run there.
    if (gpu.info.architecture === 'swiftshader') expect(gpu.hasSubgroups).toBe(feature);
  });

  it('releases scratch tensors once the recording has run', async () => {
    const gpu = await testGpu();
    const before = gpu.bytesInUse;
    const rec = gpu.recorder('scratch');
    const scratch = rec.scratch([1000], 'partial');
    expect(gpu.bytesInUse).toBeGreaterThan(before);
    const read = rec.read(scratch);
    await rec.submit();
    expect((await read).length).toBe(1000);
    expect(scratch.released).toBe(true);
    expect(gpu.bytesInUse).toBe(before);
  });

  it('compiles the pipelines of a dry run ahead, asynchronously; the dry run submits nothing and reads zeros, other recorders run meanwhile', async () => {
    const gpu = await testGpu();
    const n = 8;
    const a = upload(gpu, [n], 'f32', Float32Array.from({ length: n }, (_, i) => i + 1));
    const out = gpu.tensor([n], 'f32', 'out');
    const other = gpu.tensor([n], 'f32', 'other');
    const submit = gpu.device.queue.submit;
    let submits = 0;
    gpu.device.queue.submit = (buffers) => {
      submits++;
      submit.call(gpu.device.queue, buffers);
    };
    let dryRead: Float32Array | undefined;
    let otherRead: Float32Array | undefined;
    const compiled = await gpu.compileAhead(async (dryRecorder) => {
      const rec = dryRecorder('dry');
      expect(rec.isDryRun).toBe(true);
      // A shader no test has compiled yet (the constant makes it new to the cache).
      rec.dispatch({
        label: 'dry.scale',
        pipeline: rec.pipeline('recorder.test.scale', SCALE_WGSL, 'main', { FACTOR: 3 }),
        bindings: [a, out],
        workgroups: [1],
      });
      const read = rec.read(out);
      // A recorder of someone else's (a fine-tuning step) during the dry run is not silenced by it.
      const concurrent = gpu.recorder('concurrent');
      expect(concurrent.isDryRun).toBe(false);
      concurrent.dispatch({ label: 'scale', pipeline: concurrent.pipeline('recorder.test.scale', SCALE_WGSL, 'main', { FACTOR: 2 }), bindings: [a, other], workgroups: [1] });
      const concurrentRead = concurrent.read(other);
      await Promise.all([rec.submit(), concurrent.submit()]);
      dryRead = await read;
      otherRead = await concurrentRead;
    });
    gpu.device.queue.submit = submit;
    expect(otherRead && [...otherRead]).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    expect(submits).toBe(1); // the concurrent recorder's only
    expect(compiled).toBe(1);
    expect([...dryRead!]).toEqual(new Array(n).fill(0));
    const pipeline = gpu.pipeline('recorder.test.scale', SCALE_WGSL, 'main', { FACTOR: 3 });
    expect(typeof pipeline.getBindGroupLayout).toBe('function'); // the compiled pipeline, not the dry run's stand-in
    const rec = gpu.recorder('after-dry');
    rec.dispatch({ label: 'scale', pipeline, bindings: [a, out], workgroups: [1] });
    const read = rec.read(out);
    await rec.submit();
    expect([...(await read)]).toEqual([3, 6, 9, 12, 15, 18, 21, 24]);
    gpu.release(a);
    gpu.release(out);
    gpu.release(other);
  });
});

const SCALE_WGSL = `
override FACTOR: f32 = 1.0;
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(8)
fn main(@builtin(local_invocation_index) i: u32) {
  y[i] = FACTOR * x[i];
}
`;
