// Causal language modelling with the pre-norm decoder on the GPU, written out layer by layer as llm.c's train_gpt2.c:
// a forward pass that keeps every activation the backward pass needs, the loss, then the backward pass in reverse.
// B sequences of T tokens; the loss is the mean cross-entropy over the targets that are not -100. Every variant of the
// decoder trains: LayerNorm or RMSNorm, learned positions or rotary embeddings (rotated in place in the q|k|v rows; the
// backward rotates their gradient back), grouped-query attention, GELU or SwiGLU MLPs, sequential or parallel
// residuals, tied or untied LM heads.

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
import { rmsnorm } from '../../kernels/rmsnorm/rmsnorm';
import { rmsnormBackward } from '../../kernels/rmsnorm/rmsnormBackward';
import { rope, ropeBackward } from '../../kernels/rope/rope';
import { ropeTable } from '../../kernels/rope/rope.ref';
import { swiglu } from '../../kernels/swiglu/swiglu';
import { swigluBackward } from '../../kernels/swiglu/swigluBackward';
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
import { decoderShapes, qkvWidth, type DecoderBlock, type DecoderParams, type DecoderSpec } from './params';

/** What the backward pass reads, per layer where it is per layer; rows are B·T. Optional entries depend on the spec. */
interface Activations {
  encoded: Tensor; // (B·T, C) embeddings: the residual stream entering block 0, before dropout
  ln1: Tensor[]; ln1Mean?: Tensor[]; ln1Rstd: Tensor[]; // (L) x (B·T, C), (B·T), (B·T); RMSNorm saves no mean
  qkv: Tensor[]; // (L) x (B·T, Q) q|k|v rows, q and k after the rotary embedding
  atty: Tensor[]; // (L) x (B·T, H·D) attention output before the output projection
  probs: Tensor[]; // (L) x (B, H, T, T)
  residual2?: Tensor[]; // (L) x (B·T, C) the stream after the attention branch (sequential residuals)
  ln2: Tensor[]; ln2Mean?: Tensor[]; ln2Rstd: Tensor[];
  fch: Tensor[]; // (L) x (B·T, F) the MLP's first product before the activation, or (B·T, 2F) SwiGLU's gate | up
  fchAct: Tensor[]; // (L) x (B·T, F)
  residual3: Tensor[]; // (L) x (B·T, C) block output
  encodedDropped: Tensor; // (B·T, C) the embeddings after dropout (when on)
  branch: Tensor; // (B·T, C) scratch: a projection's output before it joins the stream
  branchDropped: Tensor; // (B·T, C) scratch: the same after dropout (when on)
  lnf: Tensor; lnfMean?: Tensor; lnfRstd: Tensor;
  logits: Tensor; // (B·T, V), overwritten by its gradient
  losses: Tensor<'f32'>; // (B·T)
  ropeTable?: Tensor; // (T, R/2, 2) cos, sin (rotary embeddings)
  positionIds?: Tensor; // (B·T) u32 zeros, and
  noPositions?: Tensor; // (1, C) a zero row: the embedding kernel's position table for a model without one
  noPositionsGrad?: Tensor; // (T, C) where the embedding backward's position sums go, never read
}

/** Activation gradients, one set reused by every layer. */
interface Gradients {
  residual: Tensor; // (B·T, C) ∂loss/∂(residual stream) at the current point of the backward pass
  ln: Tensor; // (B·T, C)
  atty: Tensor; // (B·T, H·D)
  qkv: Tensor; // (B·T, Q)
  scores: Tensor; // (B, H, T, T)
  fch: Tensor; // (B·T, F) ∂loss/∂(the activation's output), then (GELU, in place) ∂loss/∂fch
  gateUp?: Tensor; // (B·T, 2F) SwiGLU: ∂loss/∂(gate | up)
  branch: Tensor; // (B·T, C) a residual branch's gradient after dropout (when on)
}

/** The shapes the graph allocates for B sequences of T tokens (the training memory estimate sums them). */
export function decoderTrainingShapes(spec: DecoderSpec, B: number, T: number) {
  const { C, H, D, F, L, V, norm, positions } = spec.dims;
  const BT = B * T;
  const Q = qkvWidth(spec.dims);
  const layernorms = norm === 'layernorm';
  const inner = spec.mlp === 'swiglu' ? 2 * F : F;
  const perLayer = (shape: number[]) => Array.from({ length: L }, () => shape);
  const acts = {
    encoded: [BT, C],
    ln1: perLayer([BT, C]), ln1Mean: layernorms ? perLayer([BT]) : undefined, ln1Rstd: perLayer([BT]),
    qkv: perLayer([BT, Q]), atty: perLayer([BT, H * D]), probs: perLayer([B, H, T, T]),
    residual2: spec.parallelResidual ? undefined : perLayer([BT, C]),
    ln2: perLayer([BT, C]), ln2Mean: layernorms ? perLayer([BT]) : undefined, ln2Rstd: perLayer([BT]),
    fch: perLayer([BT, inner]), fchAct: perLayer([BT, F]), residual3: perLayer([BT, C]),
    encodedDropped: [BT, C], branch: [BT, C], branchDropped: [BT, C],
    lnf: [BT, C], lnfMean: layernorms ? [BT] : undefined, lnfRstd: [BT],
    logits: [BT, V], losses: [BT],
    ropeTable: spec.rotary ? [T, spec.rotary.dim / 2, 2] : undefined,
    positionIds: positions === 'learned' ? undefined : [BT],
    noPositions: positions === 'learned' ? undefined : [1, C],
    noPositionsGrad: positions === 'learned' ? undefined : [T, C],
  };
  const grads = {
    residual: [BT, C], ln: [BT, C], atty: [BT, H * D], qkv: [BT, Q], scores: [B, H, T, T], fch: [BT, F],
    gateUp: spec.mlp === 'swiglu' ? [BT, 2 * F] : undefined, branch: [BT, C],
  };
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
    if (maxT > dims.P) throw new Error(`maxT ${maxT} exceeds the model's ${dims.P} positions`);
    this.shapes = decoderShapes(spec, { lmHead: checkpoint.lmHead !== undefined });
    this.params = mapParams(this.shapes, checkpoint, (tensor: LazyTensor) =>
      trainableParameter(gpu, { name: tensor.name, shape: tensor.shape, data: tensor.load() }),
    ) as DecoderParams<TrainableParameter>;
    this.parameters = paramLeaves<TrainableParameter>(this.shapes, this.params).map(({ leaf }) => leaf);
    const { acts, grads } = decoderTrainingShapes(spec, maxB, maxT);
    const t = (shape: number[], label: string) => gpu.tensor(shape, label === 'positionIds' ? 'u32' : 'f32', label);
    const allocate = (shapes: Record<string, number[] | number[][] | undefined>, prefix: string) =>
      Object.fromEntries(Object.entries(shapes).filter(([, shape]) => shape !== undefined).map(([key, shape]) => [
        key,
        typeof shape![0] === 'number' ? t(shape as number[], `${prefix}${key}`) : (shape as number[][]).map((s, l) => t(s, `h.${l}.${prefix}${key}`)),
      ]));
    this.acts = allocate(acts, '') as unknown as Activations;
    this.grads = allocate(grads, 'd_') as unknown as Gradients;
    const { ropeTable: table, positionIds, noPositions, noPositionsGrad } = this.acts;
    if (table && spec.rotary) gpu.write(table, ropeTable({ rotaryDim: spec.rotary.dim, base: spec.rotary.base, linearFactor: spec.rotary.scale, positions: maxT }));
    if (positionIds) gpu.write(positionIds, new Uint32Array(maxB * maxT));
    if (noPositions) gpu.write(noPositions, new Float32Array(dims.C));
    if (noPositionsGrad) gpu.write(noPositionsGrad, new Float32Array(maxT * dims.C));
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

  /** out = norm(x), saving the statistics the backward pass reads (LayerNorm: mean and rstd; RMSNorm: rstd). */
  private norm(rec: Recorder, x: Tensor, weight: TrainableParameter, bias: TrainableParameter | undefined, out: Tensor, mean: Tensor | undefined, rstd: Tensor, rows: number) {
    const { C, eps, norm } = this.spec.dims;
    if (norm === 'rmsnorm') rmsnorm(rec, { x, weight: weight.param, out, rstd, rows, C, eps });
    else layernorm(rec, { x, gamma: weight.param, beta: bias!.param, out, mean: mean!, rstd, rows, C, eps });
  }

  /** dx (=|+=) the norm's input gradient from dout, and its parameters' gradients added to. */
  private normBackward(rec: Recorder, dout: Tensor, x: Tensor, weight: TrainableParameter, bias: TrainableParameter | undefined, mean: Tensor | undefined, rstd: Tensor, dx: Tensor, rows: number, accumulate: boolean) {
    const { C, norm } = this.spec.dims;
    if (norm === 'rmsnorm') rmsnormBackward(rec, { dout, x, rstd, weight: weight.param, dx, dweight: weight.grad, rows, C, accumulate });
    else layernormBackward(rec, { dout, x, mean: mean!, rstd, gamma: weight.param, dx, dgamma: weight.grad, dbeta: bias!.grad, rows, C, accumulate });
  }

  /** The rotary embedding in place on the q and k heads of packed (B·T, Q) rows (the backward: rotated back). */
  private rotate(rec: Recorder, rows: Tensor, B: number, T: number, backward: boolean) {
    const { rotary } = this.spec;
    if (!rotary) return;
    const { H, Hkv, D } = this.spec.dims;
    const args = { x: rows, table: this.acts.ropeTable!, rows: B * T, heads: H + Hkv, D, rotaryDim: rotary.dim, stride: qkvWidth(this.spec.dims), T };
    if (backward) ropeBackward(rec, args);
    else rope(rec, args);
  }

  /** fchAct = act(fch): GELU of the first product, or SwiGLU's silu(gate)·up of the fused (B·T, 2F) product. */
  private activate(rec: Recorder, l: number, BT: number) {
    const { F, activation } = this.spec.dims;
    const { fch, fchAct } = this.acts;
    if (this.spec.mlp === 'swiglu') swiglu(rec, { gate: fch[l], up: fch[l], out: fchAct[l], rows: BT, F, inStride: 2 * F, upCol: F });
    else gelu(rec, { x: fch[l], out: fchAct[l], n: BT * F, form: activation === 'gelu_erf' ? 'erf' : 'tanh' });
  }

  /** The gradient of the MLP's first product from d.fch: GELU in place in d.fch, SwiGLU into d.gateUp. */
  private activateBackward(rec: Recorder, l: number, BT: number): Tensor {
    const { F, activation } = this.spec.dims;
    const { acts: a, grads: d } = this;
    if (d.gateUp) {
      swigluBackward(rec, { dout: d.fch, gate: a.fch[l], up: a.fch[l], dgate: d.gateUp, dup: d.gateUp, rows: BT, F, inStride: 2 * F, upCol: F });
      return d.gateUp;
    }
    geluBackward(rec, { x: a.fch[l], grad: d.fch, n: BT * F, form: activation === 'gelu_erf' ? 'erf' : 'tanh' });
    return d.fch;
  }

  /** Returns the residual stream entering block 0 (the embeddings, after dropout when it is on). */
  private forward(rec: Recorder, drop: DropoutSites, ids: Tensor, B: number, T: number): Tensor {
    const { C, H, Hkv, D, F, V } = this.spec.dims;
    const layout = this.spec.weightLayout;
    const Q = qkvWidth(this.spec.dims);
    const inner = this.spec.mlp === 'swiglu' ? 2 * F : F;
    const { params: p, acts: a } = this;
    const BT = B * T;
    const positions = p.positionEmbeddings ? { wpe: p.positionEmbeddings.param } : { wpe: a.noPositions!, positionIds: a.positionIds! };
    embedding(rec, { ids, wte: p.tokenEmbeddings.param, ...positions, out: a.encoded, B, T, C });
    const stream = drop.apply(rec, a.encoded, a.encodedDropped, BT * C, 0);
    /** The MLP branch on `input` (after dropout): mlp_out(act(mlp_in(ln_2(input)))). */
    const mlp = (block: DecoderBlock<TrainableParameter>, l: number, input: Tensor) => {
      this.norm(rec, input, block.ln2Weight, block.ln2Bias, a.ln2[l], a.ln2Mean?.[l], a.ln2Rstd[l], BT);
      matmul(rec, { x: a.ln2[l], w: block.mlpInWeight.param, bias: block.mlpInBias?.param, out: a.fch[l], M: BT, N: inner, K: C, wLayout: layout });
      this.activate(rec, l, BT);
      matmul(rec, { x: a.fchAct[l], w: block.mlpOutWeight.param, bias: block.mlpOutBias?.param, out: a.branch, M: BT, N: C, K: F, wLayout: layout });
      return drop.apply(rec, a.branch, a.branchDropped, BT * C, 2 + 2 * l);
    };
    p.blocks.forEach((block, l) => {
      const residual = l === 0 ? stream : a.residual3[l - 1];
      this.norm(rec, residual, block.ln1Weight, block.ln1Bias, a.ln1[l], a.ln1Mean?.[l], a.ln1Rstd[l], BT);
      matmul(rec, { x: a.ln1[l], w: block.qkvWeight.param, bias: block.qkvBias?.param, out: a.qkv[l], M: BT, N: Q, K: C, wLayout: layout });
      this.rotate(rec, a.qkv[l], B, T, false);
      attention(rec, {
        q: a.qkv[l], k: a.qkv[l], v: a.qkv[l], out: a.atty[l], probs: a.probs[l], B, Tq: T, Tk: T, H, Hkv, D, causal: true,
        qStride: Q, kvStride: Q, qCol: 0, kCol: H * D, vCol: (H + Hkv) * D,
      });
      matmul(rec, { x: a.atty[l], w: block.attnOutWeight.param, bias: block.attnOutBias?.param, out: a.branch, M: BT, N: C, K: H * D, wLayout: layout });
      const attnBranch = drop.apply(rec, a.branch, a.branchDropped, BT * C, 1 + 2 * l);
      if (this.spec.parallelResidual) {
        // residual3 = residual + attn + mlp: both norms read the block input.
        add(rec, { a: residual, b: attnBranch, out: a.residual3[l], n: BT * C });
        add(rec, { a: a.residual3[l], b: mlp(block, l, residual), out: a.residual3[l], n: BT * C });
        return;
      }
      add(rec, { a: residual, b: attnBranch, out: a.residual2![l], n: BT * C });
      add(rec, { a: a.residual2![l], b: mlp(block, l, a.residual2![l]), out: a.residual3[l], n: BT * C });
    });
    const last = a.residual3[p.blocks.length - 1];
    this.norm(rec, last, p.lnfWeight, p.lnfBias, a.lnf, a.lnfMean, a.lnfRstd, BT);
    matmul(rec, { x: a.lnf, w: (p.lmHead ?? p.tokenEmbeddings).param, out: a.logits, M: BT, N: V, K: C, wLayout: 'nk' });
    return stream;
  }

  /** Reverse order; a.logits holds ∂loss/∂logits. Residual adds pass the gradient through unchanged (d.residual). */
  private backward(rec: Recorder, drop: DropoutSites, stream: Tensor, ids: Tensor, B: number, T: number): void {
    const { C, H, Hkv, D, F, V } = this.spec.dims;
    const layout = this.spec.weightLayout;
    const Q = qkvWidth(this.spec.dims);
    const inner = this.spec.mlp === 'swiglu' ? 2 * F : F;
    const { params: p, acts: a, grads: d } = this;
    const BT = B * T;
    const L = p.blocks.length;
    const head = p.lmHead ?? p.tokenEmbeddings;
    matmulBackward(rec, { dout: a.logits, x: a.lnf, w: head.param, dx: d.ln, dw: head.grad, M: BT, N: V, K: C, wLayout: 'nk', accumulate: false });
    this.normBackward(rec, d.ln, a.residual3[L - 1], p.lnfWeight, p.lnfBias, a.lnfMean, a.lnfRstd, d.residual, BT, false);
    for (let l = L - 1; l >= 0; l--) {
      const block = p.blocks[l];
      const residual = l === 0 ? stream : a.residual3[l - 1];
      // The MLP branch's input: the stream after attention (sequential) or the block input (parallel).
      const mlpInput = this.spec.parallelResidual ? residual : a.residual2![l];
      // MLP branch: out = mlpInput + dropout(mlp_out(act(mlp_in(ln_2(mlpInput))))).
      matmulBackward(rec, {
        dout: drop.apply(rec, d.residual, d.branch, BT * C, 2 + 2 * l), x: a.fchAct[l], w: block.mlpOutWeight.param, dx: d.fch, dw: block.mlpOutWeight.grad, dbias: block.mlpOutBias?.grad,
        M: BT, N: C, K: F, wLayout: layout, accumulate: false,
      });
      const attentionOutputBackward = () =>
        matmulBackward(rec, {
          dout: drop.apply(rec, d.residual, d.branch, BT * C, 1 + 2 * l), x: a.atty[l], w: block.attnOutWeight.param, dx: d.atty, dw: block.attnOutWeight.grad, dbias: block.attnOutBias?.grad,
          M: BT, N: C, K: H * D, wLayout: layout, accumulate: false,
        });
      // Parallel: the attention branch reads the same output gradient, before ln_2's input gradient joins it.
      if (this.spec.parallelResidual) attentionOutputBackward();
      const dInner = this.activateBackward(rec, l, BT);
      matmulBackward(rec, {
        dout: dInner, x: a.ln2[l], w: block.mlpInWeight.param, dx: d.ln, dw: block.mlpInWeight.grad, dbias: block.mlpInBias?.grad,
        M: BT, N: inner, K: C, wLayout: layout, accumulate: false,
      });
      this.normBackward(rec, d.ln, mlpInput, block.ln2Weight, block.ln2Bias, a.ln2Mean?.[l], a.ln2Rstd[l], d.residual, BT, true);
      // Attention branch: mlpInput (sequential) or out (parallel) = residual + dropout(attn_out(attention(qkv(ln_1(residual))))).
      if (!this.spec.parallelResidual) attentionOutputBackward();
      attentionBackward(rec, { dout: d.atty, qkv: a.qkv[l], probs: a.probs[l], dscores: d.scores, dqkv: d.qkv, B, T, H, Hkv, D });
      this.rotate(rec, d.qkv, B, T, true);
      matmulBackward(rec, {
        dout: d.qkv, x: a.ln1[l], w: block.qkvWeight.param, dx: d.ln, dw: block.qkvWeight.grad, dbias: block.qkvBias?.grad,
        M: BT, N: Q, K: C, wLayout: layout, accumulate: false,
      });
      this.normBackward(rec, d.ln, residual, block.ln1Weight, block.ln1Bias, a.ln1Mean?.[l], a.ln1Rstd[l], d.residual, BT, true);
    }
    const dwpe = p.positionEmbeddings ? p.positionEmbeddings.grad : a.noPositionsGrad!;
    embeddingBackward(rec, { dout: drop.apply(rec, d.residual, d.branch, BT * C, 0), ids, dwte: p.tokenEmbeddings.grad, dwpe, B, T, C });
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
