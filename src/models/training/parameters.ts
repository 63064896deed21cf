// A trainable tensor with everything the optimizer keeps beside it, llm.c style: the model's parameter struct holds
// one of these per weight, so `block.fcWeight.param` and `block.fcWeight.grad` have the same shape and name.

import type { Gpu, Recorder, Tensor } from '../../gpu';
import type { HostTensor } from '../../weights/host-tensor';
import { fill } from '../../kernels/fill/fill';

export interface TrainableParameter {
  /** The name in the training graph (Hugging Face's, except BERT's fused `...attention.self.qkv.*`). */
  name: string;
  shape: number[];
  param: Tensor;
  grad: Tensor; // accumulated (+=) by the backward kernels, zeroed by zeroGradients
  m: Tensor; // AdamW first moment
  v: Tensor; // AdamW second moment
  /** Weight decay applies: matrices and embeddings, not biases or LayerNorm gains (Hugging Face Trainer's rule). */
  decay: boolean;
}

/** Uploads `host` as a parameter with zeroed gradient and moments. */
export function trainableParameter(gpu: Gpu, host: HostTensor, name = host.name): TrainableParameter {
  const zeros = new Float32Array(host.data.length);
  const tensor = (suffix: string, data: Float32Array) => {
    const t = gpu.tensor(host.shape, 'f32', `${name}${suffix}`);
    gpu.write(t, data);
    return t;
  };
  return {
    name,
    shape: host.shape,
    param: tensor('', host.data),
    grad: tensor('.grad', zeros),
    m: tensor('.m', zeros),
    v: tensor('.v', zeros),
    decay: host.shape.length >= 2,
  };
}

export function zeroGradients(rec: Recorder, parameters: readonly TrainableParameter[]): void {
  for (const p of parameters) fill(rec, { out: p.grad, value: 0 });
}

export function releaseParameters(gpu: Gpu, parameters: readonly TrainableParameter[]): void {
  for (const p of parameters) [p.param, p.grad, p.m, p.v].forEach((tensor) => gpu.release(tensor));
}




/** Reads the parameters (or their gradients) back in one submission, keyed by parameter. */
export async function readParameters(
  gpu: Gpu,
  parameters: readonly TrainableParameter[],
  which: 'param' | 'grad',
): Promise<Map<TrainableParameter, HostTensor>> {
  const rec = gpu.recorder(`read ${which}s`);
  const reads = parameters.map((p) => rec.read(p[which] as Tensor<'f32'>));
  await rec.submit();
  const values = await Promise.all(reads);
  return new Map(parameters.map((p, i) => [p, { name: p.name, shape: p.shape, data: values[i] }]));
}
