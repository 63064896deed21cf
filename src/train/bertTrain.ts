// BERT sequence classification on the GPU (BertForSequenceClassification: encoder, pooler tanh(dense(h[CLS])),
// classifier), written out layer by layer as llm.c's train_gpt2.c: a forward pass that keeps the activations the
// backward pass needs, the cross-entropy over the labels, then the backward pass in reverse. Post-LayerNorm
// encoder layers; padding keys masked out. q, k and v are trained fused as one (3C, C) matrix, split on export.
// The classifier reads only the [CLS] row of the last layer, so that layer runs past its keys and values on the
// [CLS] rows alone (one query per sequence, then B rows instead of B·T): the same loss and gradients, with a
// fraction of the last layer's work.

import type { Gpu, Recorder, Tensor } from '../gpu';
import { add } from '../kernels/add/add';
import { attention } from '../kernels/attention/attention';
import { embedding } from '../kernels/embedding/embedding';
import { gelu } from '../kernels/gelu/gelu';
import { matmul } from '../kernels/matmul/matmul';
import { checkTokenIds } from '../models/checkIds';
import { bertWeightsToTensors, type BertWeights } from '../weights/bert-weights';
import type { BertConfig } from '../weights/config';
import type { HostTensor } from '../weights/host-tensor';
import { DropoutSites } from './dropoutSites';
import type { Evaluation, MicroBatchContext, MicroBatchRecording, TrainGraph } from './graph';
import { attentionBackward } from '../kernels/attention/attentionBackward';
import { crossEntropy } from '../kernels/crossEntropy/crossEntropy';
import { IGNORE_INDEX, targetsToU32 } from '../kernels/crossEntropy/targets';
import { embeddingBackward } from '../kernels/embedding/embeddingBackward';
import { firstToken, firstTokenBackward } from '../kernels/firstToken/firstToken';
import { geluBackward } from '../kernels/gelu/geluBackward';
import { layernorm } from '../kernels/layernorm/layernorm';
import { layernormBackward } from '../kernels/layernorm/layernormBackward';
import { matmulBackward } from '../kernels/matmul/matmulBackward';
import { tanhBackward, tanhForward } from '../kernels/tanh/tanh';
import { bertParameters, bertWeightsOf, parameterList, type BertParameters } from './bertParameters';
import { readParameters, releaseParameters, type TrainableParameter } from './parameters';

export interface BertBatch {
  ids: ArrayLike<number>; // (B, T)
  tokenTypeIds?: ArrayLike<number>; // (B, T), 0 when absent
  attentionMask?: ArrayLike<number>; // (B, T) 1 token, 0 padding; all 1 when absent
  labels: ArrayLike<number>; // (B) class ids, -100 to skip an example
  B: number;
  T: number;
}

export interface BertTrainOptions {
  /** Classes of the classifier; a checkpoint's classifier of another size is replaced by a fresh one. */
  numLabels: number;
  /** Seed of the fresh heads' N(0, 0.02) weights (Hugging Face's initializer_range). */
  seed?: number;
  /** Dropout probability on the embeddings, the residual branches and the pooled output (hidden_dropout_prob); default 0. */
  dropout?: number;
}

/** What the backward pass reads; rows are B·T, except in the last layer past its qkv (B rows, the [CLS] ones). */
interface Activations {
  embedded: Tensor; // (B·T, C) word + position + token type, before LayerNorm
  embeddedMean: Tensor; embeddedRstd: Tensor; // (B·T)
  encoded: Tensor; // (B·T, C) the embedding LayerNorm's output: the input of layer 0, before dropout
  encodedDropped: Tensor; // (B·T, C) the same after dropout (when on)
  branch: Tensor; // (B·T, C) scratch: a dense output before it joins its residual
  branchDropped: Tensor; // (B·T, C) scratch: the same after dropout (when on)
  qkv: Tensor[]; // (L) x (B·T, 3C)
  probs: Tensor[]; // (L) x (B, H, T, T)
  context: Tensor[]; // (L) x (B·T, C) attention output before the output dense layer
  attnSum: Tensor[]; // (L) x (B·T, C) dropout(dense(context)) + layer input, before LayerNorm
  attnMean: Tensor[]; attnRstd: Tensor[]; // (L) x (B·T)
  attnOut: Tensor[]; // (L) x (B·T, C)
  intermediate: Tensor[]; // (L) x (B·T, F) before GELU
  intermediateGelu: Tensor[]; // (L) x (B·T, F)
  outputSum: Tensor[]; // (L) x (B·T, C) dropout(dense(intermediate)) + attnOut, before LayerNorm
  outputMean: Tensor[]; outputRstd: Tensor[]; // (L) x (B·T)
  hidden: Tensor[]; // (L) x (B·T, C) layer outputs
  clsInput: Tensor; // (B, C) the [CLS] rows of the last layer's input: its attention residual
  pooledPre: Tensor; // (B, C) before tanh
  pooled: Tensor; // (B, C)
  pooledDropped: Tensor; // (B, C) the classifier's input after dropout (when on)
  logits: Tensor<'f32'>; // (B, numLabels), overwritten by its gradient
  losses: Tensor<'f32'>; // (B)
}

/** Activation gradients, one set reused by every layer. */
interface Gradients {
  hidden: Tensor; // (B·T, C) ∂loss/∂(a layer's output), then of its input
  sum: Tensor; // (B·T, C) ∂loss/∂(a pre-LayerNorm sum)
  context: Tensor; // (B·T, C)
  qkv: Tensor; // (B·T, 3C)
  scores: Tensor; // (B, H, T, T)
  intermediate: Tensor; // (B·T, F)
  pooled: Tensor; // (B, C)
  pooledMasked: Tensor; // (B, C) ∂loss/∂pooled after the dropout mask (when on)
  cls: Tensor; // (B, C) ∂loss/∂(the last layer's output), then ∂loss/∂(its attention sum)
  branch: Tensor; // (B·T, C) a residual branch's gradient after dropout (when on)
}

/** Inputs of later layers that are dropout's output when it is on, and a saved activation when it is off. */
interface Kept {
  stream: Tensor; // (B·T, C) layer 0's input
  classifierInput: Tensor; // (B, C)
}

export class BertTrain implements TrainGraph<BertBatch> {
  readonly parameters: readonly TrainableParameter[];
  readonly numLabels: number;
  private readonly params: BertParameters;
  private readonly acts: Activations;
  private readonly grads: Gradients;
  private readonly dropout: number;

  /** Activations are allocated for up to maxB sequences of maxT tokens. */
  constructor(
    private readonly gpu: Gpu,
    readonly config: BertConfig,
    weights: BertWeights,
    readonly maxB: number,
    readonly maxT: number,
    options: BertTrainOptions,
  ) {
    if (maxT > config.maxPositionEmbeddings) throw new Error(`maxT ${maxT} exceeds the model's ${config.maxPositionEmbeddings} positions`);
    const { hiddenSize: C, numAttentionHeads: H, intermediateSize: F, numHiddenLayers: L } = config;
    const { numLabels, seed = 42, dropout = 0 } = options;
    this.numLabels = numLabels;
    this.dropout = dropout;
    this.params = bertParameters(gpu, config, weights, numLabels, seed);
    this.parameters = parameterList(this.params);

    const BT = maxB * maxT;
    const t = (shape: number[], label: string) => gpu.tensor(shape, 'f32', label);
    const perLayer = (shape: number[], label: string) => Array.from({ length: L }, (_, l) => t(shape, `layer.${l}.${label}`));
    this.acts = {
      embedded: t([BT, C], 'embedded'), embeddedMean: t([BT], 'embedded_mean'), embeddedRstd: t([BT], 'embedded_rstd'),
      encoded: t([BT, C], 'encoded'), encodedDropped: t([BT, C], 'encoded_dropped'),
      branch: t([BT, C], 'branch'), branchDropped: t([BT, C], 'branch_dropped'),
      qkv: perLayer([BT, 3 * C], 'qkv'),
      probs: perLayer([maxB, H, maxT, maxT], 'probs'),
      context: perLayer([BT, C], 'context'),
      attnSum: perLayer([BT, C], 'attn_sum'), attnMean: perLayer([BT], 'attn_mean'), attnRstd: perLayer([BT], 'attn_rstd'),
      attnOut: perLayer([BT, C], 'attn_out'),
      intermediate: perLayer([BT, F], 'intermediate'),
      intermediateGelu: perLayer([BT, F], 'intermediate_gelu'),
      outputSum: perLayer([BT, C], 'output_sum'), outputMean: perLayer([BT], 'output_mean'), outputRstd: perLayer([BT], 'output_rstd'),
      hidden: perLayer([BT, C], 'hidden'),
      clsInput: t([maxB, C], 'cls_input'), pooledPre: t([maxB, C], 'pooled_pre'), pooled: t([maxB, C], 'pooled'),
      pooledDropped: t([maxB, C], 'pooled_dropped'),
      logits: t([maxB, numLabels], 'logits'),
      losses: t([maxB], 'losses'),
    };
    this.grads = {
      hidden: t([BT, C], 'd_hidden'), sum: t([BT, C], 'd_sum'), context: t([BT, C], 'd_context'),
      qkv: t([BT, 3 * C], 'd_qkv'), scores: t([maxB, H, maxT, maxT], 'd_scores'), intermediate: t([BT, F], 'd_intermediate'),
      pooled: t([maxB, C], 'd_pooled'), pooledMasked: t([maxB, C], 'd_pooled_masked'), cls: t([maxB, C], 'd_cls'),
      branch: t([BT, C], 'd_branch'),
    };
  }

  countTargets(batch: BertBatch): number {
    let count = 0;
    for (let b = 0; b < batch.B; b++) if (batch.labels[b] !== IGNORE_INDEX) count++;
    return count;
  }

  record(rec: Recorder, batch: BertBatch, { lossScale, dropoutSeed }: MicroBatchContext): MicroBatchRecording {
    const { B, T } = batch;
    const { inputs, release } = this.upload(batch);
    const drop = new DropoutSites(this.dropout, dropoutSeed);
    const kept = this.forward(rec, drop, inputs, B, T);
    crossEntropy(rec, { logits: this.acts.logits, targets: inputs.labels, losses: this.acts.losses, rows: B, V: this.numLabels, scale: lossScale });
    const losses = rec.read(this.acts.losses, 0, B);
    this.backward(rec, drop, kept, inputs, B, T);
    return { losses, release };
  }

  recordEvaluation(rec: Recorder, batch: BertBatch): Evaluation {
    const { B, T } = batch;
    const { inputs, release } = this.upload(batch);
    this.forward(rec, new DropoutSites(0, 0), inputs, B, T);
    const logits = rec.read(this.acts.logits, 0, B * this.numLabels); // before the loss overwrites them with gradients
    crossEntropy(rec, { logits: this.acts.logits, targets: inputs.labels, losses: this.acts.losses, rows: B, V: this.numLabels, scale: 1 });
    return { losses: rec.read(this.acts.losses, 0, B), logits, release };
  }

  private upload(batch: BertBatch) {
    const { B, T } = batch;
    if (B > this.maxB || T > this.maxT) throw new Error(`batch ${B}x${T} exceeds the allocated ${this.maxB}x${this.maxT}`);
    for (const [name, values, length] of [['ids', batch.ids, B * T], ['tokenTypeIds', batch.tokenTypeIds, B * T], ['attentionMask', batch.attentionMask, B * T], ['labels', batch.labels, B]] as const) {
      if (values && values.length !== length) throw new Error(`${name} has ${values.length} entries, not ${length}`);
    }
    checkTokenIds(Array.from(batch.ids), this.config.vocabSize);
    if (batch.tokenTypeIds) checkTokenIds(Array.from(batch.tokenTypeIds), this.config.typeVocabSize);
    const ints = (values: Uint32Array, label: string) => {
      const tensor = this.gpu.tensor([values.length], 'u32', label);
      this.gpu.write(tensor, values);
      return tensor;
    };
    const inputs = {
      ids: ints(Uint32Array.from(batch.ids), 'input_ids'),
      typeIds: ints(Uint32Array.from(batch.tokenTypeIds ?? new Uint32Array(B * T)), 'token_type_ids'),
      keyMask: ints(Uint32Array.from(batch.attentionMask ?? new Uint32Array(B * T).fill(1)), 'attention_mask'),
      labels: ints(targetsToU32(batch.labels, this.numLabels), 'labels'),
    };
    return { inputs, release: () => Object.values(inputs).forEach((tensor) => this.gpu.release(tensor)) };
  }

  /** Returns the tensors that dropout (when on) put between saved activations: layer 0's input, the classifier's. */
  private forward(rec: Recorder, drop: DropoutSites, inputs: { ids: Tensor; typeIds: Tensor; keyMask: Tensor }, B: number, T: number): Kept {
    const { hiddenSize: C, numAttentionHeads: H, intermediateSize: F, layerNormEps: eps, gelu: form } = this.config;
    const { params: p, acts: a } = this;
    const BT = B * T;
    embedding(rec, {
      ids: inputs.ids, typeIds: inputs.typeIds, wte: p.wordEmbeddings.param, wpe: p.positionEmbeddings.param,
      wtt: p.tokenTypeEmbeddings.param, out: a.embedded, B, T, C,
    });
    layernorm(rec, {
      x: a.embedded, gamma: p.embeddingsLnWeight.param, beta: p.embeddingsLnBias.param, out: a.encoded,
      mean: a.embeddedMean, rstd: a.embeddedRstd, rows: BT, C, eps,
    });
    const stream = drop.apply(rec, a.encoded, a.encodedDropped, BT * C, 0);
    const L = p.layers.length;
    p.layers.forEach((layer, l) => {
      const input = l === 0 ? stream : a.hidden[l - 1];
      const last = l === L - 1; // only the [CLS] rows past the keys and values
      const rows = last ? B : BT;
      matmul(rec, { x: input, w: layer.qkvWeight.param, bias: layer.qkvBias.param, out: a.qkv[l], M: BT, N: 3 * C, K: C, wLayout: 'nk' });
      attention(rec, {
        q: a.qkv[l], k: a.qkv[l], v: a.qkv[l], out: a.context[l], probs: a.probs[l], keyMask: inputs.keyMask,
        B, Tq: last ? 1 : T, Tk: T, H, D: C / H, causal: false, qStride: last ? T * 3 * C : 3 * C, kvStride: 3 * C,
        qCol: 0, kCol: C, vCol: 2 * C, kvRowsPerBatch: T,
      });
      matmul(rec, { x: a.context[l], w: layer.attnOutputWeight.param, bias: layer.attnOutputBias.param, out: a.branch, M: rows, N: C, K: C, wLayout: 'nk' });
      const attnBranch = drop.apply(rec, a.branch, a.branchDropped, rows * C, 1 + 2 * l);
      if (last) firstToken(rec, { x: input, out: a.clsInput, B, T, C });
      add(rec, { a: attnBranch, b: last ? a.clsInput : input, out: a.attnSum[l], n: rows * C });
      layernorm(rec, {
        x: a.attnSum[l], gamma: layer.attnLnWeight.param, beta: layer.attnLnBias.param, out: a.attnOut[l],
        mean: a.attnMean[l], rstd: a.attnRstd[l], rows, C, eps,
      });
      matmul(rec, { x: a.attnOut[l], w: layer.intermediateWeight.param, bias: layer.intermediateBias.param, out: a.intermediate[l], M: rows, N: F, K: C, wLayout: 'nk' });
      gelu(rec, { x: a.intermediate[l], out: a.intermediateGelu[l], n: rows * F, form });
      matmul(rec, { x: a.intermediateGelu[l], w: layer.outputWeight.param, bias: layer.outputBias.param, out: a.branch, M: rows, N: C, K: F, wLayout: 'nk' });
      const mlpBranch = drop.apply(rec, a.branch, a.branchDropped, rows * C, 2 + 2 * l);
      add(rec, { a: mlpBranch, b: a.attnOut[l], out: a.outputSum[l], n: rows * C });
      layernorm(rec, {
        x: a.outputSum[l], gamma: layer.outputLnWeight.param, beta: layer.outputLnBias.param, out: a.hidden[l],
        mean: a.outputMean[l], rstd: a.outputRstd[l], rows, C, eps,
      });
    });
    // a.hidden[L - 1] holds the [CLS] rows (B, C): the pooler's input.
    matmul(rec, { x: a.hidden[L - 1], w: p.poolerWeight.param, bias: p.poolerBias.param, out: a.pooledPre, M: B, N: C, K: C, wLayout: 'nk' });
    tanhForward(rec, { x: a.pooledPre, out: a.pooled, n: B * C });
    const classifierInput = drop.apply(rec, a.pooled, a.pooledDropped, B * C, 1 + 2 * p.layers.length);
    matmul(rec, { x: classifierInput, w: p.classifierWeight.param, bias: p.classifierBias.param, out: a.logits, M: B, N: this.numLabels, K: C, wLayout: 'nk' });
    return { stream, classifierInput };
  }

  /** Reverse order; a.logits holds ∂loss/∂logits. A residual's gradient is added in with accumulate: true. */
  private backward(rec: Recorder, drop: DropoutSites, { stream, classifierInput }: Kept, inputs: { ids: Tensor; typeIds: Tensor }, B: number, T: number): void {
    const { hiddenSize: C, numAttentionHeads: H, intermediateSize: F, gelu: form } = this.config;
    const { params: p, acts: a, grads: d } = this;
    const BT = B * T;
    const L = p.layers.length;
    matmulBackward(rec, {
      dout: a.logits, x: classifierInput, w: p.classifierWeight.param, dx: d.pooled,
      dw: p.classifierWeight.grad, dbias: p.classifierBias.grad, M: B, N: this.numLabels, K: C, wLayout: 'nk', accumulate: false,
    });
    const dPooled = drop.apply(rec, d.pooled, d.pooledMasked, B * C, 1 + 2 * L);
    tanhBackward(rec, { out: a.pooled, grad: dPooled, n: B * C });
    matmulBackward(rec, {
      dout: dPooled, x: a.hidden[L - 1], w: p.poolerWeight.param, dx: d.cls, dw: p.poolerWeight.grad, dbias: p.poolerBias.grad,
      M: B, N: C, K: C, wLayout: 'nk', accumulate: false,
    });
    for (let l = L - 1; l >= 0; l--) {
      const layer = p.layers[l];
      const input = l === 0 ? stream : a.hidden[l - 1];
      const last = l === L - 1; // B rows ([CLS]) past the keys and values; ∂loss/∂output in d.cls, not d.hidden
      const rows = last ? B : BT;
      const dStream = last ? d.cls : d.hidden;
      // hidden = LayerNorm(dropout(dense(gelu(intermediate(attnOut)))) + attnOut)
      layernormBackward(rec, {
        dout: dStream, x: a.outputSum[l], mean: a.outputMean[l], rstd: a.outputRstd[l], gamma: layer.outputLnWeight.param,
        dx: d.sum, dgamma: layer.outputLnWeight.grad, dbeta: layer.outputLnBias.grad, rows, C, accumulate: false,
      });
      matmulBackward(rec, {
        dout: drop.apply(rec, d.sum, d.branch, rows * C, 2 + 2 * l), x: a.intermediateGelu[l], w: layer.outputWeight.param, dx: d.intermediate, dw: layer.outputWeight.grad, dbias: layer.outputBias.grad,
        M: rows, N: C, K: F, wLayout: 'nk', accumulate: false,
      });
      geluBackward(rec, { x: a.intermediate[l], grad: d.intermediate, n: rows * F, form });
      matmulBackward(rec, { // d.sum becomes ∂loss/∂attnOut: the residual's share plus the MLP's
        dout: d.intermediate, x: a.attnOut[l], w: layer.intermediateWeight.param, dx: d.sum, dw: layer.intermediateWeight.grad, dbias: layer.intermediateBias.grad,
        M: rows, N: F, K: C, wLayout: 'nk', accumulate: true,
      });
      // attnOut = LayerNorm(dropout(dense(attention(qkv(input)))) + input); dStream becomes ∂loss/∂attnSum
      layernormBackward(rec, {
        dout: d.sum, x: a.attnSum[l], mean: a.attnMean[l], rstd: a.attnRstd[l], gamma: layer.attnLnWeight.param,
        dx: dStream, dgamma: layer.attnLnWeight.grad, dbeta: layer.attnLnBias.grad, rows, C, accumulate: false,
      });
      matmulBackward(rec, {
        dout: drop.apply(rec, dStream, d.branch, rows * C, 1 + 2 * l), x: a.context[l], w: layer.attnOutputWeight.param, dx: d.context, dw: layer.attnOutputWeight.grad, dbias: layer.attnOutputBias.grad,
        M: rows, N: C, K: C, wLayout: 'nk', accumulate: false,
      });
      attentionBackward(rec, { dout: d.context, qkv: a.qkv[l], probs: a.probs[l], dscores: d.scores, dqkv: d.qkv, B, T, H, D: C / H, Tq: last ? 1 : T });
      // The residual's share of ∂loss/∂input: the [CLS] rows' in the last layer (zeros elsewhere), d.hidden already before.
      if (last) firstTokenBackward(rec, { dout: d.cls, dx: d.hidden, B, T, C });
      matmulBackward(rec, { // d.hidden becomes ∂loss/∂input: the residual's share plus the attention's
        dout: d.qkv, x: input, w: layer.qkvWeight.param, dx: d.hidden, dw: layer.qkvWeight.grad, dbias: layer.qkvBias.grad,
        M: BT, N: 3 * C, K: C, wLayout: 'nk', accumulate: true,
      });
    }
    layernormBackward(rec, {
      dout: drop.apply(rec, d.hidden, d.branch, BT * C, 0), x: a.embedded, mean: a.embeddedMean, rstd: a.embeddedRstd, gamma: p.embeddingsLnWeight.param,
      dx: d.sum, dgamma: p.embeddingsLnWeight.grad, dbeta: p.embeddingsLnBias.grad, rows: BT, C, accumulate: false,
    });
    embeddingBackward(rec, {
      dout: d.sum, ids: inputs.ids, dwte: p.wordEmbeddings.grad, dwpe: p.positionEmbeddings.grad,
      typeIds: inputs.typeIds, dwtt: p.tokenTypeEmbeddings.grad, B, T, C,
    });
  }

  /** The parameters or their gradients in Hugging Face's layout (q, k, v split again), for bertWeightsToTensors. */
  async weights(which: 'param' | 'grad'): Promise<BertWeights> {
    const host = await readParameters(this.gpu, this.parameters, which);
    return bertWeightsOf(this.params, (parameter) => host.get(parameter)!);
  }

  async read(which: 'param' | 'grad'): Promise<HostTensor[]> {
    return bertWeightsToTensors(await this.weights(which));
  }

  dispose(): void {
    releaseParameters(this.gpu, this.parameters);
    const tensors = [...Object.values(this.acts), ...Object.values(this.grads)].flat();
    tensors.forEach((tensor) => this.gpu.release(tensor));
  }
}
