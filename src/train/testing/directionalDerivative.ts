// A whole-graph gradient check on the GPU: the loss's derivative along the gradient direction, by central
// differences in float32, must equal the gradient's norm. Catches a wrong backward pass anywhere (e.g. a dropout
// mask that differs between the passes) without a torch reference.
import type { Gpu, Tensor } from '../../gpu';
import type { TrainGraph } from '../../models/training/graph';
import { zeroGradients } from '../../models/training/parameters';

async function loss<Batch>(gpu: Gpu, graph: TrainGraph<Batch>, batch: Batch, dropoutSeed: number): Promise<number> {
  const rec = gpu.recorder('directional check');
  zeroGradients(rec, graph.parameters);
  const recording = graph.record(rec, batch, { lossScale: 1 / graph.countTargets(batch), dropoutSeed });
  await rec.submit();
  recording.release();
  return (await recording.losses).reduce((sum, value) => sum + value, 0);
}

async function readAll(gpu: Gpu, tensors: Tensor[]): Promise<Float32Array[]> {
  const rec = gpu.recorder('read');
  const reads = tensors.map((tensor) => rec.read(tensor as Tensor<'f32'>));
  await rec.submit();
  return Promise.all(reads);
}

/** Returns ‖∇loss‖ and (loss(θ + εu) - loss(θ - εu)) / 2ε with u = ∇loss / ‖∇loss‖; the parameters are restored. */
export async function directionalDerivative<Batch>(gpu: Gpu, graph: TrainGraph<Batch>, batch: Batch, dropoutSeed: number, eps: number) {
  await loss(gpu, graph, batch, dropoutSeed);
  const grads = await readAll(gpu, graph.parameters.map((p) => p.grad));
  const params = await readAll(gpu, graph.parameters.map((p) => p.param));
  const norm = Math.sqrt(grads.reduce((sum, grad) => sum + grad.reduce((s, g) => s + g * g, 0), 0));
  const shifted = async (sign: number) => {
    graph.parameters.forEach((p, i) => gpu.write(p.param, params[i].map((value, j) => value + (sign * eps * grads[i][j]) / norm)));
    return loss(gpu, graph, batch, dropoutSeed);
  };
  const numeric = ((await shifted(1)) - (await shifted(-1))) / (2 * eps);
  graph.parameters.forEach((p, i) => gpu.write(p.param, params[i]));
  return { analytic: norm, numeric };
}
