// GPT-2 causal language modelling on the GPU, written out layer by layer as llm.c's train_gpt2.c: a forward pass
// that keeps every activation the backward pass needs, the loss, then the backward pass in reverse.
// B sequences of T tokens; the loss is the mean cross-entropy over the targets that are not -100.

import type { Gpu, Recorder, Tensor } from '../gpu';
import { add } from '../kernels/add/add';
import { attention } from '../kernels/attention/attention';
import { embedding } from '../kernels/embedding/embedding';
import { gelu } from '../kernels/gelu/gelu';
import { matmul } from '../kernels/matmul/matmul';
import { checkTokenIds } from '../models/checkIds';
import type { Gpt2Config } from '../weights/config';
import { gpt2WeightsToTensors, type Gpt2BlockWeights, type Gpt2Weights } from '../weights/gpt2-weights';
import type { HostTensor } from '../weights/host-tensor';
import { DropoutSites } from './dropoutSites';
import type { Evaluation, MicroBatchContext, MicroBatchRecording, TrainGraph } from './graph';
import { attentionBackward } from '../kernels/attention/attentionBackward';
import { crossEntropy } from '../kernels/crossEntropy/crossEntropy';
import { IGNORE_INDEX, targetsToU32 } from '../kernels/crossEntropy/targets';
import { embeddingBackward } from '../kernels/embedding/embeddingBackward';
import { geluBackward } from '../kernels/gelu/geluBackward';
import { layernorm } from '../kernels/layernorm/layernorm';
import { layernormBackward } from '../kernels/layernorm/layernormBackward';
import { matmulBackward } from '../kernels/matmul/matmulBackward';
import {
  mapStruct, readParameters, releaseParameters, trainableParameter, type ParameterStruct, type TrainableParameter,
} from './parameters';

export interface Gpt2Batch {
  ids: ArrayLike<number>; // (B, T)
  targets: ArrayLike<number>; // (B, T) the next token at each position, -100 where nothing is predicted
  B: number;
  T: number;
}

type BlockParameters = ParameterStruct<Gpt2BlockWeights>;

interface Parameters {
  wte: TrainableParameter; // (V, C) also the tied LM head
  wpe: TrainableParameter; // (P, C)
  blocks: BlockParameters[]; // (L)
  lnfWeight: TrainableParameter; // (C)
  lnfBias: TrainableParameter; // (C)
}

/** What the backward pass reads, per layer where it is per layer; rows are B·T. */
interface Activations {
  encoded: Tensor; // (B·T, C) embeddings: the residual stream entering block 0, before dropout
  ln1: Tensor[]; ln1Mean: Tensor[]; ln1Rstd: Tensor[]; // (L) x (B·T, C), (B·T), (B·T)
  qkv: Tensor[]; // (L) x (B·T, 3C)
  atty: Tensor[]; // (L) x (B·T, C) attention output before c_proj
  probs: Tensor[]; // (L) x (B, H, T, T)
  residual2: Tensor[]; // (L) x (B·T, C) the stream after the attention branch
  ln2: Tensor[]; ln2Mean: Tensor[]; ln2Rstd: Tensor[];
  fch: Tensor[]; // (L) x (B·T, F) c_fc output before GELU
  fchGelu: Tensor[]; // (L) x (B·T, F)
  residual3: Tensor[]; // (L) x (B·T, C) block output
  encodedDropped: Tensor; // (B·T, C) the embeddings after dropout (when on)
  branch: Tensor; // (B·T, C) scratch: a c_proj output before it joins the stream
  branchDropped: Tensor; // (B·T, C) scratch: the same after dropout (when on)
  lnf: Tensor; lnfMean: Tensor; lnfRstd: Tensor;
  logits: Tensor; // (B·T, V), overwritten by its gradient
  losses: Tensor<'f32'>; // (B·T)
}

/** Activation gradients, one set reused by every layer. */
interface Gradients {
  residual: Tensor; // (B·T, C) ∂loss/∂(residual stream) at the current point of the backward pass
  ln: Tensor; // (B·T, C)
  atty: Tensor; // (B·T, C)
  qkv: Tensor; // (B·T, 3C)
  scores: Tensor; // (B, H, T, T)
  fch: Tensor; // (B·T, F)
  branch: Tensor; // (B·T, C) a residual branch's gradient after dropout (when on)
}

/** Hugging Face's labels=input_ids: position t predicts token t + 1; the last position of each sequence predicts nothing. */
export function nextTokenTargets(ids: ArrayLike<number>, B: number, T: number): Int32Array {
  return Int32Array.from({ length: B * T }, (_, i) => (i % T === T - 1 ? IGNORE_INDEX : ids[i + 1]));
}

export interface Gpt2TrainOptions {
  /** Dropout probability on the embeddings and the residual branches (resid_pdrop); default 0. */
  dropout?: number;
}

export class Gpt2Train implements TrainGraph<Gpt2Batch> {
  readonly parameters: readonly TrainableParameter[];
  private readonly params: Parameters;
  private readonly acts: Activations;
  private readonly grads: Gradients;

  /** Activations are allocated for up to maxB sequences of maxT tokens. */
  constructor(
    private readonly gpu: Gpu,
    readonly config: Gpt2Config,
    weights: Gpt2Weights,
    readonly maxB: number,
    readonly maxT: number,
    private readonly options: Gpt2TrainOptions = {},
  ) {
    if (weights.lmHead) throw new Error('Training supports GPT-2 with the LM head tied to wte (as every GPT-2 checkpoint has).');
    if (maxT > config.nPositions) throw new Error(`maxT ${maxT} exceeds the model's ${config.nPositions} positions`);
    const upload = (host: HostTensor) => trainableParameter(gpu, host);
    this.params = {
      wte: upload(weights.wte),
      wpe: upload(weights.wpe),
      blocks: weights.blocks.map((block) => mapStruct<Gpt2BlockWeights, HostTensor, TrainableParameter>(block, upload)),
      lnfWeight: upload(weights.lnfWeight),
      lnfBias: upload(weights.lnfBias),
    };
    const { wte, wpe, blocks, lnfWeight, lnfBias } = this.params;
    this.parameters = [wte, wpe, ...blocks.flatMap((block) => Object.values(block)), lnfWeight, lnfBias];
    const { nEmbd: C, nHead: H, nInner: F, nLayer: L, vocabSize: V } = config;
    const BT = maxB * maxT;
    const t = (shape: number[], label: string) => gpu.tensor(shape, 'f32', label);
    const perLayer = (shape: number[], label: string) => Array.from({ length: L }, (_, l) => t(shape, `h.${l}.${label}`));
    this.acts = {
      encoded: t([BT, C], 'encoded'),
      ln1: perLayer([BT, C], 'ln1'), ln1Mean: perLayer([BT], 'ln1_mean'), ln1Rstd: perLayer([BT], 'ln1_rstd'),
      qkv: perLayer([BT, 3 * C], 'qkv'),
      atty: perLayer([BT, C], 'atty'),
      probs: perLayer([maxB, H, maxT, maxT], 'probs'),
      residual2: perLayer([BT, C], 'residual2'),
      ln2: perLayer([BT, C], 'ln2'), ln2Mean: perLayer([BT], 'ln2_mean'), ln2Rstd: perLayer([BT], 'ln2_rstd'),
      fch: perLayer([BT, F], 'fch'),
      fchGelu: perLayer([BT, F], 'fch_gelu'),
      residual3: perLayer([BT, C], 'residual3'),
      encodedDropped: t([BT, C], 'encoded_dropped'),
      branch: t([BT, C], 'branch'),
      branchDropped: t([BT, C], 'branch_dropped'),
      lnf: t([BT, C], 'lnf'), lnfMean: t([BT], 'lnf_mean'), lnfRstd: t([BT], 'lnf_rstd'),
      logits: t([BT, V], 'logits'),
      losses: t([BT], 'losses'),
    };
    this.grads = {
      residual: t([BT, C], 'd_residual'),
      ln: t([BT, C], 'd_ln'),
      atty: t([BT, C], 'd_atty'),
      qkv: t([BT, 3 * C], 'd_qkv'),
      scores: t([maxB, H, maxT, maxT], 'd_scores'),
      fch: t([BT, F], 'd_fch'),
      branch: t([BT, C], 'd_branch'),
    };
  }

  countTargets(batch: Gpt2Batch): number {
    let count = 0;
    for (let i = 0; i < batch.B * batch.T; i++) if (batch.targets[i] !== IGNORE_INDEX) count++;
    return count;
  }

  record(rec: Recorder, batch: Gpt2Batch, { lossScale, dropoutSeed }: MicroBatchContext): MicroBatchRecording {
    const { B, T } = batch;
    const { ids, targets, release } = this.upload(batch);
    const drop = new DropoutSites(this.options.dropout ?? 0, dropoutSeed);
    const stream = this.forward(rec, drop, ids, B, T);
    crossEntropy(rec, { logits: this.acts.logits, targets, losses: this.acts.losses, rows: B * T, V: this.config.vocabSize, scale: lossScale });
    const losses = rec.read(this.acts.losses, 0, B * T);
    this.backward(rec, drop, stream, ids, B, T);
    return { losses, release };
  }

  recordEvaluation(rec: Recorder, batch: Gpt2Batch): Evaluation {
    const { B, T } = batch;
    const { ids, targets, release } = this.upload(batch);
    this.forward(rec, new DropoutSites(0, 0), ids, B, T);
    crossEntropy(rec, { logits: this.acts.logits, targets, losses: this.acts.losses, rows: B * T, V: this.config.vocabSize, scale: 1 });
    return { losses: rec.read(this.acts.losses, 0, B * T), release };
  }

  private upload(batch: Gpt2Batch): { ids: Tensor; targets: Tensor; release: () => void } {
    const { B, T } = batch;
    if (B > this.maxB || T > this.maxT) throw new Error(`batch ${B}x${T} exceeds the allocated ${this.maxB}x${this.maxT}`);
    if (batch.ids.length !== B * T || batch.targets.length !== B * T) throw new Error(`ids and targets must hold B·T = ${B * T} entries`);
    checkTokenIds(Array.from(batch.ids), this.config.vocabSize);
    const ids = this.gpu.tensor([B * T], 'u32', 'input_ids');
    const targets = this.gpu.tensor([B * T], 'u32', 'targets');
    this.gpu.write(ids, Uint32Array.from(batch.ids));
    this.gpu.write(targets, targetsToU32(batch.targets, this.config.vocabSize));
    return { ids, targets, release: () => [ids, targets].forEach((tensor) => this.gpu.release(tensor)) };
  }

  /** Returns the residual stream entering block 0 (the embeddings, after dropout when it is on). */
  private forward(rec: Recorder, drop: DropoutSites, ids: Tensor, B: number, T: number): Tensor {
    const { nEmbd: C, nHead: H, nInner: F, vocabSize: V, layerNormEpsilon: eps } = this.config;
    const { params: p, acts: a } = this;
    const BT = B * T;
    embedding(rec, { ids, wte: p.wte.param, wpe: p.wpe.param, out: a.encoded, B, T, C });
    const stream = drop.apply(rec, a.encoded, a.encodedDropped, BT * C, 0);
    p.blocks.forEach((block, l) => {
      const residual = l === 0 ? stream : a.residual3[l - 1];
      layernorm(rec, { x: residual, gamma: block.ln1Weight.param, beta: block.ln1Bias.param, out: a.ln1[l], mean: a.ln1Mean[l], rstd: a.ln1Rstd[l], rows: BT, C, eps });
      matmul(rec, { x: a.ln1[l], w: block.attnWeight.param, bias: block.attnBias.param, out: a.qkv[l], M: BT, N: 3 * C, K: C, wLayout: 'kn' });
      attention(rec, {
        q: a.qkv[l], k: a.qkv[l], v: a.qkv[l], out: a.atty[l], probs: a.probs[l], B, Tq: T, Tk: T, H, D: C / H, causal: true,
        qStride: 3 * C, kvStride: 3 * C, qCol: 0, kCol: C, vCol: 2 * C,
      });
      matmul(rec, { x: a.atty[l], w: block.attnProjWeight.param, bias: block.attnProjBias.param, out: a.branch, M: BT, N: C, K: C, wLayout: 'kn' });
      const attnBranch = drop.apply(rec, a.branch, a.branchDropped, BT * C, 1 + 2 * l);
      add(rec, { a: residual, b: attnBranch, out: a.residual2[l], n: BT * C });
      layernorm(rec, { x: a.residual2[l], gamma: block.ln2Weight.param, beta: block.ln2Bias.param, out: a.ln2[l], mean: a.ln2Mean[l], rstd: a.ln2Rstd[l], rows: BT, C, eps });
      matmul(rec, { x: a.ln2[l], w: block.fcWeight.param, bias: block.fcBias.param, out: a.fch[l], M: BT, N: F, K: C, wLayout: 'kn' });
      gelu(rec, { x: a.fch[l], out: a.fchGelu[l], n: BT * F, form: this.config.gelu });
      matmul(rec, { x: a.fchGelu[l], w: block.mlpProjWeight.param, bias: block.mlpProjBias.param, out: a.branch, M: BT, N: C, K: F, wLayout: 'kn' });
      const mlpBranch = drop.apply(rec, a.branch, a.branchDropped, BT * C, 2 + 2 * l);
      add(rec, { a: a.residual2[l], b: mlpBranch, out: a.residual3[l], n: BT * C });
    });
    const last = a.residual3[p.blocks.length - 1];
    layernorm(rec, { x: last, gamma: p.lnfWeight.param, beta: p.lnfBias.param, out: a.lnf, mean: a.lnfMean, rstd: a.lnfRstd, rows: BT, C, eps });
    matmul(rec, { x: a.lnf, w: p.wte.param, out: a.logits, M: BT, N: V, K: C, wLayout: 'nk' });
    return stream;
  }

  /** Reverse order; a.logits holds ∂loss/∂logits. Residual adds pass the gradient through unchanged (d.residual). */
  private backward(rec: Recorder, drop: DropoutSites, stream: Tensor, ids: Tensor, B: number, T: number): void {
    const { nEmbd: C, nHead: H, nInner: F, vocabSize: V } = this.config;
    const { params: p, acts: a, grads: d } = this;
    const BT = B * T;
    const L = p.blocks.length;
    matmulBackward(rec, { dout: a.logits, x: a.lnf, w: p.wte.param, dx: d.ln, dw: p.wte.grad, M: BT, N: V, K: C, wLayout: 'nk', accumulate: false });
    layernormBackward(rec, {
      dout: d.ln, x: a.residual3[L - 1], mean: a.lnfMean, rstd: a.lnfRstd, gamma: p.lnfWeight.param,
      dx: d.residual, dgamma: p.lnfWeight.grad, dbeta: p.lnfBias.grad, rows: BT, C, accumulate: false,
    });
    for (let l = L - 1; l >= 0; l--) {
      const block = p.blocks[l];
      const residual = l === 0 ? stream : a.residual3[l - 1];
      // MLP branch: residual3 = residual2 + dropout(c_proj(gelu(c_fc(ln_2(residual2)))))
      matmulBackward(rec, {
        dout: drop.apply(rec, d.residual, d.branch, BT * C, 2 + 2 * l), x: a.fchGelu[l], w: block.mlpProjWeight.param, dx: d.fch, dw: block.mlpProjWeight.grad, dbias: block.mlpProjBias.grad,
        M: BT, N: C, K: F, wLayout: 'kn', accumulate: false,
      });
      geluBackward(rec, { x: a.fch[l], grad: d.fch, n: BT * F, form: this.config.gelu });
      matmulBackward(rec, {
        dout: d.fch, x: a.ln2[l], w: block.fcWeight.param, dx: d.ln, dw: block.fcWeight.grad, dbias: block.fcBias.grad,
        M: BT, N: F, K: C, wLayout: 'kn', accumulate: false,
      });
      layernormBackward(rec, {
        dout: d.ln, x: a.residual2[l], mean: a.ln2Mean[l], rstd: a.ln2Rstd[l], gamma: block.ln2Weight.param,
        dx: d.residual, dgamma: block.ln2Weight.grad, dbeta: block.ln2Bias.grad, rows: BT, C, accumulate: true,
      });
      // Attention branch: residual2 = residual + dropout(c_proj(attention(c_attn(ln_1(residual)))))
      matmulBackward(rec, {
        dout: drop.apply(rec, d.residual, d.branch, BT * C, 1 + 2 * l), x: a.atty[l], w: block.attnProjWeight.param, dx: d.atty, dw: block.attnProjWeight.grad, dbias: block.attnProjBias.grad,
        M: BT, N: C, K: C, wLayout: 'kn', accumulate: false,
      });
      attentionBackward(rec, { dout: d.atty, qkv: a.qkv[l], probs: a.probs[l], dscores: d.scores, dqkv: d.qkv, B, T, H, D: C / H });
      matmulBackward(rec, {
        dout: d.qkv, x: a.ln1[l], w: block.attnWeight.param, dx: d.ln, dw: block.attnWeight.grad, dbias: block.attnBias.grad,
        M: BT, N: 3 * C, K: C, wLayout: 'kn', accumulate: false,
      });
      layernormBackward(rec, {
        dout: d.ln, x: residual, mean: a.ln1Mean[l], rstd: a.ln1Rstd[l], gamma: block.ln1Weight.param,
        dx: d.residual, dgamma: block.ln1Weight.grad, dbeta: block.ln1Bias.grad, rows: BT, C, accumulate: true,
      });
    }
    embeddingBackward(rec, { dout: drop.apply(rec, d.residual, d.branch, BT * C, 0), ids, dwte: p.wte.grad, dwpe: p.wpe.grad, B, T, C });
  }

  /** The parameters or their gradients in Hugging Face's layout, e.g. for gpt2WeightsToTensors. */
  async weights(which: 'param' | 'grad'): Promise<Gpt2Weights> {
    const host = await readParameters(this.gpu, this.parameters, which);
    const get = (parameter: TrainableParameter) => host.get(parameter)!;
    const { wte, wpe, blocks, lnfWeight, lnfBias } = this.params;
    return {
      wte: get(wte),
      wpe: get(wpe),
      blocks: blocks.map((block) => mapStruct<Gpt2BlockWeights, TrainableParameter, HostTensor>(block, get)),
      lnfWeight: get(lnfWeight),
      lnfBias: get(lnfBias),
    };
  }

  async read(which: 'param' | 'grad'): Promise<HostTensor[]> {
    return gpt2WeightsToTensors(await this.weights(which));
  }

  dispose(): void {
    releaseParameters(this.gpu, this.parameters);
    const tensors = [...Object.values(this.acts), ...Object.values(this.grads)].flat();
    tensors.forEach((tensor) => this.gpu.release(tensor));
  }
}
