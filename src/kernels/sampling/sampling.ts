import { GpuError, Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import argmaxWgsl from './argmax.wgsl?raw';
import bestWgsl from './best.wgsl?raw';
import sampleWgsl from './sample.wgsl?raw';
import topkWgsl from './topk.wgsl?raw';
import type { ArgmaxArgs, SampleArgs, TopKArgs } from './sampling.ref';

export const TOP_K_MAX = 64;

/** Greedy decoding: out[r] (u32) = the first index of the largest logit of each row. */
export function argmax(rec: Recorder, { logits, V, rows = 1, out }: ArgmaxArgs<Tensor, Tensor>): void {
  rec.dispatch({
    label: `argmax (${rows}x${V})`,
    pipeline: rec.pipeline('argmax', bestWgsl + argmaxWgsl),
    bindings: [logits, out],
    uniforms: new Uniforms().u32(rows).u32(V).bytes(),
    workgroups: workgroupGrid(rows),
  });
}

/** Writes the sampled token id of logits[row] to out[row] (u32), so a decode step reads back 4 bytes. */
export function sample(rec: Recorder, args: SampleArgs<Tensor> & { out: Tensor }): void {
  const { logits, V, row = 0, temperature, topK, topP, uniform, out } = args;
  if (!(temperature > 0)) throw new GpuError('sample: temperature must be > 0 (use argmax for greedy decoding)');
  if (!(uniform >= 0 && uniform < 1)) throw new GpuError(`sample: uniform must be in [0, 1), got ${uniform}`);
  rec.dispatch({
    label: `sample (V=${V} top-k ${topK} top-p ${topP})`,
    pipeline: rec.pipeline('sample', reduceWgsl + bestWgsl + sampleWgsl),
    bindings: [logits, out],
    uniforms: new Uniforms().u32(V).u32(row).u32(topK).f32(temperature).f32(topP).f32(uniform).bytes(),
    workgroups: [1],
  });
}

/** The k (<= 64) most probable tokens of logits[row]: probs (k) f32 and ids (k) u32, most probable first. */
export function topK(rec: Recorder, { logits, V, row = 0, k, probs, ids }: TopKArgs<Tensor, Tensor>): void {
  if (k < 1 || k > Math.min(TOP_K_MAX, V)) throw new GpuError(`topK: k must be between 1 and ${Math.min(TOP_K_MAX, V)}, got ${k}`);
  rec.dispatch({
    label: `top-${k} (V=${V})`,
    pipeline: rec.pipeline('topk', reduceWgsl + bestWgsl + topkWgsl),
    bindings: [logits, probs, ids],
    uniforms: new Uniforms().u32(V).u32(row).u32(k).bytes(),
    workgroups: [1],
  });
}
