// Causal language modelling with the pre-norm decoder on the GPU, written out layer by layer as llm.c's train_gpt2.c:
// a forward pass that keeps every activation the backward pass needs, the loss, then the backward pass in reverse.
// B sequences of T tokens; the loss is the mean cross-entropy over the targets that are not -100.

import type { Gpu, Recorder, Tensor } from '../../gpu';
import { add } from '../../kernels/add/add';
import { attention } from '../../kernels/attention/attention';
import { attentionBackward } from '../../kernels/attention/attentionBackward';
import { crossEntropy } from '../../kernels/crossEntropy/crossEntropy';
import { IGNORE_INDEX, targetsToU32 } from '../../kernels/crossEntropy/targets';
import { embedding } from '../../kernels/embedding/embedding';
import { embeddingBackward } from '../../kernels/embedding/embeddingBackward';
import { gelu } from '../../kernels/gelu/gelu';
import { geluBackward } from '../../kernels/gelu/geluBackward';
import { layernorm } from '../../kernels/layernorm/layernorm';
import { layernormBackward } from '../../kernels/layernorm/layernormBackward';
import { matmul } from '../../kernels/matmul/matmul';
import { matmulBackward } from '../../kernels/matmul/matmulBackward';
import type { HostTensor } from '../../weights/host-tensor';
import type { TensorSource } from '../../weights/tensor-source';
import { checkTokenIds } from '../checkIds';
import type { ModelConfig } from '../family';
import { createGpuBackend } from '../gpuBackend';
import { mapParams, paramLeaves, type LazyTensor } from '../params';
import { DropoutSites } from '../training/dropoutSites';
import type { Evaluation, MicroBatchContext, MicroBatchRecording, TrainBatch, TrainGraph } from '../training/graph';
import { readParameters, releaseParameters, trainableParameter, type TrainableParameter } from '../training/parameters';
import { Decoder } from './decoder';
import { decoderShapes, qkvWidth, type DecoderParams, type DecoderSpec } from './params';

/** What the backward pass reads, per layer where it is per layer; rows are B·T. */
interface Activations {
  encoded: Tensor; // (B·T, C) embeddings: the residual stream entering block 0, before dropout
  ln1: Tensor[]; ln1Mean: Tensor[]; ln1Rstd: Tensor[]; // (L) x (B·T, C), (B·T), (B·T)
  qkv: Tensor[]; // (L) x (B·T, Q)
  atty: Tensor[]; // (L) x (B·T, H·D) attention output before the output projection
  probs: Tensor[]; // (L) x (B, H, T, T)
  residual2: Tensor[]; // (L) x (B·T, C) the stream after the attention branch
  ln2: Tensor[]; ln2Mean: Tensor[]; ln2Rstd: Tensor[];
  fch: Tensor[]; // (L) x (B·T, F) the MLP's first product, before the activation
  fchAct: Tensor[]; // (L) x (B·T, F)
  residual3: Tensor[]; // (L) x (B·T, C) block output
  encodedDropped: Tensor; // (B·T, C) the embeddings after dropout (when on)
  branch: Tensor; // (B·T, C) scratch: a projection's output before it joins the stream
  branchDropped: Tensor; // (B·T, C) scratch: the same after dropout (when on)
  lnf: Tensor; lnfMean: Tensor; lnfRstd: Tensor;
  logits: Tensor; // (B·T, V), overwritten by its gradient
  losses: Tensor<'f32'>; // (B·T)
}

/** Activation gradients, one set reused by every layer. */
interface Gradients {
  residual: Tensor; // (B·T, C) ∂loss/∂(residual stream) at the current point of the backward pass
  ln: Tensor; // (B·T, C)
  atty: Tensor; // (B·T, H·D)
  qkv: Tensor; // (B·T, Q)
  scores: Tensor; // (B, H, T, T)
  fch: Tensor; // (B·T, F)
  branch: Tensor; // (B·T, C) a residual branch's gradient after dropout (when on)
}

/** The shapes the graph allocates for B sequences of T tokens (the training memory estimate sums them). */
export function decoderTrainingShapes(spec: DecoderSpec, B: number, T: number) {
  const { C, H, D, F, L, V } = spec.dims;
  const BT = B * T;
  const Q = qkvWidth(spec.dims);
  const perLayer = (shape: number[]) => Array.from({ length: L }, () => shape);
  const acts = {
    encoded: [BT, C],
    ln1: perLayer([BT, C]), ln1Mean: perLayer([BT]), ln1Rstd: perLayer([BT]),
    qkv: perLayer([BT, Q]), atty: perLayer([BT, H * D]), probs: perLayer([B, H, T, T]), residual2: perLayer([BT, C]),
    ln2: perLayer([BT, C]), ln2Mean: perLayer([BT]), ln2Rstd: perLayer([BT]),
    fch: perLayer([BT, F]), fchAct: perLayer([BT, F]), residual3: perLayer([BT, C]),
    encodedDropped: [BT, C], branch: [BT, C], branchDropped: [BT, C],
    lnf: [BT, C], lnfMean: [BT], lnfRstd: [BT],
    logits: [BT, V], losses: [BT],
  };
  const grads = { residual: [BT, C], ln: [BT, C], atty: [BT, H * D], qkv: [BT, Q], scores: [B, H, T, T], fch: [BT, F], branch: [BT, C] };
  return { acts, grads };
}

/** Hugging Face's labels=input_ids: position t predicts token t + 1; the last position of each sequence predicts nothing. */
export function nextTokenTargets(ids: ArrayLike<number>, B: number, T: number): Int32Array {
  return Int32Array.from({ length: B * T }, (_, i) => (i % T === T - 1 ? IGNORE_INDEX : ids[i + 1]));
}

export class DecoderTrain implements TrainGraph {
  readonly task = 'causal-lm' as const;
  readonly parameters: readonly TrainableParameter[];
  private readonly shapes: DecoderParams<number[]>;
  private readonly params: DecoderParams<TrainableParameter>;
  private readonly acts: Activations;
  private readonly grads: Gradients;

  constructor(
    private readonly gpu: Gpu,
    readonly config: ModelConfig,
    readonly spec: DecoderSpec,
    checkpoint: DecoderParams<LazyTensor>,
    private readonly toHf: (params: DecoderParams<HostTensor>) => HostTensor[],
    private readonly reread: (source: TensorSource) => DecoderParams<LazyTensor>,
    readonly maxB: number,
    readonly maxT: number,
    private readonly options: { dropout?: number } = {},
  ) {
    const { dims } = spec;
    if (dims.norm !== 'layernorm' || spec.rotary || spec.mlp !== 'gelu' || spec.parallelResidual || dims.Hkv !== dims.H || spec.weightLayout !== 'kn') {
      throw new Error(`${config.modelType}: training supports GPT-2-style blocks in this build.`);
    }
    if (checkpoint.lmHead) throw new Error('Training supports an LM head tied to the token embeddings (as every GPT-2 checkpoint has).');
    if (maxT > dims.P) throw new Error(`maxT ${maxT} exceeds the model's ${dims.P} positions`);
    this.shapes = decoderShapes(spec, { lmHead: false });
    this.params = mapParams(this.shapes, checkpoint, (tensor: LazyTensor) =>
      trainableParameter(gpu, { name: tensor.name, shape: tensor.shape, data: tensor.load() }),
    ) as DecoderParams<TrainableParameter>;
    this.parameters = paramLeaves<TrainableParameter>(this.shapes, this.params).map(({ leaf }) => leaf);
    const { acts, grads } = decoderTrainingShapes(spec, maxB, maxT);
    const t = (shape: number[], label: string) => gpu.tensor(shape, 'f32', label);
    const allocate = (shapes: Record<string, number[] | number[][]>, prefix: string) =>
      Object.fromEntries(Object.entries(shapes).map(([key, shape]) => [
        key,
        typeof shape[0] === 'number' ? t(shape as number[], `${prefix}${key}`) : (shape as number[][]).map((s, l) => t(s, `h.${l}.${prefix}${key}`)),
      ]));
    this.acts = allocate(acts, '') as unknown as Activations;
    this.grads = allocate(grads, 'd_') as unknown as Gradients;
  }

  countTargets(batch: TrainBatch): number {
    let count = 0;
    for (let i = 0; i < batch.B * batch.T; i++) if (batch.targets[i] !== IGNORE_INDEX) count++;
    return count;
  }

  record(rec: Recorder, batch: TrainBatch, { lossScale, dropoutSeed }: MicroBatchContext): MicroBatchRecording {
    const { B, T } = batch;
    const { ids, targets, release } = this.upload(batch);
    const drop = new DropoutSites(this.options.dropout ?? 0, dropoutSeed);
    const stream = this.forward(rec, drop, ids, B, T);
    crossEntropy(rec, { logits: this.acts.logits, targets, losses: this.acts.losses, rows: B * T, V: this.spec.dims.V, scale: lossScale });
    const losses = rec.read(this.acts.losses, 0, B * T);
    this.backward(rec, drop, stream, ids, B, T);
    return { losses, release };
  }

  recordEvaluation(rec: Recorder, batch: TrainBatch): Evaluation {
    const { B, T } = batch;
    const { ids, targets, release } = this.upload(batch);
    this.forward(rec, new DropoutSites(0, 0), ids, B, T);
    crossEntropy(rec, { logits: this.acts.logits, targets, losses: this.acts.losses, rows: B * T, V: this.spec.dims.V, scale: 1 });
    return { losses: rec.read(this.acts.losses, 0, B * T), release };
  }

  private upload(batch: TrainBatch): { ids: Tensor; targets: Tensor; release: () => void } {
    const { B, T } = batch;
    const { V } = this.spec.dims;
    if (B > this.maxB || T > this.maxT) throw new Error(`batch ${B}x${T} exceeds the allocated ${this.maxB}x${this.maxT}`);
    if (batch.ids.length !== B * T || batch.targets.length !== B * T) throw new Error(`ids and targets must hold B·T = ${B * T} entries`);
    checkTokenIds(batch.ids, V);
    const ids = this.gpu.tensor([B * T], 'u32', 'input_ids');
    const targets = this.gpu.tensor([B * T], 'u32', 'targets');
    this.gpu.write(ids, Uint32Array.from(batch.ids));
    this.gpu.write(targets, targetsToU32(batch.targets, V));
    return { ids, targets, release: () => [ids, targets].forEach((tensor) => this.gpu.release(tensor)) };
  }

  /** Returns the residual stream entering block 0 (the embeddings, after dropout when it is on). */
  private forward(rec: Recorder, drop: DropoutSites, ids: Tensor, B: number, T: number): Tensor {
    const { C, H, D, F, V, eps, activation } = this.spec.dims;
    const form = activation === 'gelu_erf' ? 'erf' : 'tanh';
    const Q = qkvWidth(this.spec.dims);
    const { params: p, acts: a } = this;
    const BT = B * T;
    embedding(rec, { ids, wte: p.tokenEmbeddings.param, wpe: p.positionEmbeddings!.param, out: a.encoded, B, T, C });
    const stream = drop.apply(rec, a.encoded, a.encodedDropped, BT * C, 0);
    p.blocks.forEach((block, l) => {
      const residual = l === 0 ? stream : a.residual3[l - 1];
      layernorm(rec, { x: residual, gamma: block.ln1Weight.param, beta: block.ln1Bias!.param, out: a.ln1[l], mean: a.ln1Mean[l], rstd: a.ln1Rstd[l], rows: BT, C, eps });
      matmul(rec, { x: a.ln1[l], w: block.qkvWeight.param, bias: block.qkvBias?.param, out: a.qkv[l], M: BT, N: Q, K: C, wLayout: 'kn' });
      attention(rec, {
        q: a.qkv[l], k: a.qkv[l], v: a.qkv[l], out: a.atty[l], probs: a.probs[l], B, Tq: T, Tk: T, H, D, causal: true,
        qStride: Q, kvStride: Q, qCol: 0, kCol: H * D, vCol: 2 * H * D,
      });
      matmul(rec, { x: a.atty[l], w: block.attnOutWeight.param, bias: block.attnOutBias?.param, out: a.branch, M: BT, N: C, K: H * D, wLayout: 'kn' });
      const attnBranch = drop.apply(rec, a.branch, a.branchDropped, BT * C, 1 + 2 * l);
      add(rec, { a: residual, b: attnBranch, out: a.residual2[l], n: BT * C });
      layernorm(rec, { x: a.residual2[l], gamma: block.ln2Weight.param, beta: block.ln2Bias!.param, out: a.ln2[l], mean: a.ln2Mean[l], rstd: a.ln2Rstd[l], rows: BT, C, eps });
      matmul(rec, { x: a.ln2[l], w: block.mlpInWeight.param, bias: block.mlpInBias?.param, out: a.fch[l], M: BT, N: F, K: C, wLayout: 'kn' });
      gelu(rec, { x: a.fch[l], out: a.fchAct[l], n: BT * F, form });
      matmul(rec, { x: a.fchAct[l], w: block.mlpOutWeight.param, bias: block.mlpOutBias?.param, out: a.branch, M: BT, N: C, K: F, wLayout: 'kn' });
      const mlpBranch = drop.apply(rec, a.branch, a.branchDropped, BT * C, 2 + 2 * l);
      add(rec, { a: a.residual2[l], b: mlpBranch, out: a.residual3[l], n: BT * C });
    });
    const last = a.residual3[p.blocks.length - 1];
    layernorm(rec, { x: last, gamma: p.lnfWeight.param, beta: p.lnfBias!.param, out: a.lnf, mean: a.lnfMean, rstd: a.lnfRstd, rows: BT, C, eps });
    matmul(rec, { x: a.lnf, w: p.tokenEmbeddings.param, out: a.logits, M: BT, N: V, K: C, wLayout: 'nk' });
    return stream;
  }

  /** Reverse order; a.logits holds ∂loss/∂logits. Residual adds pass the gradient through unchanged (d.residual). */
  private backward(rec: Recorder, drop: DropoutSites, stream: Tensor, ids: Tensor, B: number, T: number): void {
    const { C, H, D, F, V, activation } = this.spec.dims;
    const form = activation === 'gelu_erf' ? 'erf' : 'tanh';
    const Q = qkvWidth(this.spec.dims);
    const { params: p, acts: a, grads: d } = this;
    const BT = B * T;
    const L = p.blocks.length;
    matmulBackward(rec, { dout: a.logits, x: a.lnf, w: p.tokenEmbeddings.param, dx: d.ln, dw: p.tokenEmbeddings.grad, M: BT, N: V, K: C, wLayout: 'nk', accumulate: false });
    layernormBackward(rec, {
      dout: d.ln, x: a.residual3[L - 1], mean: a.lnfMean, rstd: a.lnfRstd, gamma: p.lnfWeight.param,
      dx: d.residual, dgamma: p.lnfWeight.grad, dbeta: p.lnfBias!.grad, rows: BT, C, accumulate: false,
    });
    for (let l = L - 1; l >= 0; l--) {
      const block = p.blocks[l];
      const residual = l === 0 ? stream : a.residual3[l - 1];
      // MLP branch: residual3 = residual2 + dropout(mlp_out(act(mlp_in(ln_2(residual2)))))
      matmulBackward(rec, {
        dout: drop.apply(rec, d.residual, d.branch, BT * C, 2 + 2 * l), x: a.fchAct[l], w: block.mlpOutWeight.param, dx: d.fch, dw: block.mlpOutWeight.grad, dbias: block.mlpOutBias?.grad,
        M: BT, N: C, K: F, wLayout: 'kn', accumulate: false,
      });
      geluBackward(rec, { x: a.fch[l], grad: d.fch, n: BT * F, form });
      matmulBackward(rec, {
        dout: d.fch, x: a.ln2[l], w: block.mlpInWeight.param, dx: d.ln, dw: block.mlpInWeight.grad, dbias: block.mlpInBias?.grad,
        M: BT, N: F, K: C, wLayout: 'kn', accumulate: false,
      });
      layernormBackward(rec, {
        dout: d.ln, x: a.residual2[l], mean: a.ln2Mean[l], rstd: a.ln2Rstd[l], gamma: block.ln2Weight.param,
        dx: d.residual, dgamma: block.ln2Weight.grad, dbeta: block.ln2Bias!.grad, rows: BT, C, accumulate: true,
      });
      // Attention branch: residual2 = residual + dropout(attn_out(attention(qkv(ln_1(residual)))))
      matmulBackward(rec, {
        dout: drop.apply(rec, d.residual, d.branch, BT * C, 1 + 2 * l), x: a.atty[l], w: block.attnOutWeight.param, dx: d.atty, dw: block.attnOutWeight.grad, dbias: block.attnOutBias?.grad,
        M: BT, N: C, K: H * D, wLayout: 'kn', accumulate: false,
      });
      attentionBackward(rec, { dout: d.atty, qkv: a.qkv[l], probs: a.probs[l], dscores: d.scores, dqkv: d.qkv, B, T, H, D });
      matmulBackward(rec, {
        dout: d.qkv, x: a.ln1[l], w: block.qkvWeight.param, dx: d.ln, dw: block.qkvWeight.grad, dbias: block.qkvBias?.grad,
        M: BT, N: Q, K: C, wLayout: 'kn', accumulate: false,
      });
      layernormBackward(rec, {
        dout: d.ln, x: residual, mean: a.ln1Mean[l], rstd: a.ln1Rstd[l], gamma: block.ln1Weight.param,
        dx: d.residual, dgamma: block.ln1Weight.grad, dbeta: block.ln1Bias!.grad, rows: BT, C, accumulate: true,
      });
    }
    embeddingBackward(rec, { dout: drop.apply(rec, d.residual, d.branch, BT * C, 0), ids, dwte: p.tokenEmbeddings.grad, dwpe: p.positionEmbeddings!.grad, B, T, C });
  }

  async read(which: 'param' | 'grad'): Promise<HostTensor[]> {
    const host = await readParameters(this.gpu, this.parameters, which);
    return this.toHf(mapParams(this.shapes, this.params, (parameter: TrainableParameter) => host.get(parameter)!) as DecoderParams<HostTensor>);
  }

  loadParameters(source: TensorSource): void {
    const checkpoint = this.reread(source);
    const stored = paramLeaves<LazyTensor>(this.shapes, checkpoint);
    paramLeaves<TrainableParameter>(this.shapes, this.params).forEach(({ leaf }, i) => this.gpu.write(leaf.param, stored[i].leaf.load()));
  }

  model(): Decoder<Tensor> {
    const params = mapParams(this.shapes, this.params, (parameter: TrainableParameter) => parameter.param) as DecoderParams<Tensor>;
    return new Decoder(createGpuBackend(this.gpu, 'finetune.sample'), this.config, this.spec, this.shapes, params, this.toHf, false);
  }

  dispose(): void {
    releaseParameters(this.gpu, this.parameters);
    [...Object.values(this.acts), ...Object.values(this.grads)].flat().forEach((tensor) => this.gpu.release(tensor));
  }
}
