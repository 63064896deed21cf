// Sequence classification with a post-LN encoder on the GPU (BertForSequenceClassification and its relatives: encoder,
// then out(act(dense(h[first token])))), written out layer by layer as llm.c's train_gpt2.c: a forward pass that keeps
// the activations the backward pass needs, the cross-entropy over the labels, then the backward pass in reverse.
// Padding keys masked out; q, k and v trained fused as one (3C, C) matrix, split on export. Position ids as the spec
// counts them (RoBERTa's from after the padding id go through the embedding backward as explicit rows); a fixed
// (sinusoidal) position table is not trained, as in Hugging Face (requires_grad False).
// The classifier reads only the first row of the last layer, so that layer runs past its keys and values on those rows
// alone (one query per sequence, then B rows instead of B·T): the same loss and gradients, with a fraction of the work.

import type { Gpu, Recorder, Tensor } from '../../gpu';
import { add } from '../../kernels/add/add';
import { attention } from '../../kernels/attention/attention';
import { attentionBackward } from '../../kernels/attention/attentionBackward';
import { crossEntropy } from '../../kernels/crossEntropy/crossEntropy';
import { IGNORE_INDEX, targetsToU32 } from '../../kernels/crossEntropy/targets';
import { embedding } from '../../kernels/embedding/embedding';
import { embeddingBackward } from '../../kernels/embedding/embeddingBackward';
import { firstToken, firstTokenBackward } from '../../kernels/firstToken/firstToken';
import { gelu } from '../../kernels/gelu/gelu';
import { geluBackward } from '../../kernels/gelu/geluBackward';
import { layernorm } from '../../kernels/layernorm/layernorm';
import { layernormBackward } from '../../kernels/layernorm/layernormBackward';
import { matmul } from '../../kernels/matmul/matmul';
import { matmulBackward } from '../../kernels/matmul/matmulBackward';
import { reluBackward, reluForward } from '../../kernels/relu/relu';
import { tanhBackward, tanhForward } from '../../kernels/tanh/tanh';
import type { HostTensor } from '../../weights/host-tensor';
import type { TensorSource } from '../../weights/tensor-source';
import { createGpuBackend } from '../gpuBackend';
import { checkTokenIds } from '../checkIds';
import type { ModelConfig } from '../family';
import { lazy, mapParams, paramLeaves, type LazyTensor } from '../params';
import { DropoutSites } from '../training/dropoutSites';
import type { Evaluation, MicroBatchContext, MicroBatchRecording, TrainBatch, TrainGraph } from '../training/graph';
import { seededNormal } from '../../common/random';
import { readParameters, releaseParameters, trainableParameter, type TrainableParameter } from '../training/parameters';
import { Encoder } from './encoder';
import { encoderPositionIds, encoderShapes, type EncoderParams, type EncoderParts, type EncoderSpec } from './params';

/** What the backward pass reads; rows are B·T, except in the last layer past its qkv (B rows, the first ones). */
interface Activations {
  embedded: Tensor; // (B·T, C) word + position (+ token type), before LayerNorm
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
  inner: Tensor[]; // (L) x (B·T, F) before the activation
  innerAct: Tensor[]; // (L) x (B·T, F) after it (GELU's backward reads `inner`, ReLU's this)
  outputSum: Tensor[]; // (L) x (B·T, C) dropout(dense(inner)) + attnOut, before LayerNorm
  outputMean: Tensor[]; outputRstd: Tensor[]; // (L) x (B·T)
  hidden: Tensor[]; // (L) x (B·T, C) layer outputs
  firstInput: Tensor; // (B, C) the first rows of the last layer's input: its attention residual
  headPre: Tensor; // (B, C) dense(h[first]) before the head activation
  headHidden: Tensor; // (B, C) after it (tanh or ReLU: their backward reads this)
  headDropped: Tensor; // (B, C) the classifier's input after dropout (when on)
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
  inner: Tensor; // (B·T, F)
  head: Tensor; // (B, C)
  headMasked: Tensor; // (B, C) ∂loss/∂head after the dropout mask (when on)
  first: Tensor; // (B, C) ∂loss/∂(the last layer's output), then ∂loss/∂(its attention sum)
  branch: Tensor; // (B·T, C) a residual branch's gradient after dropout (when on)
}

/** The shapes the graph allocates for B sequences of T tokens (the training memory estimate sums them). */
export function encoderTrainingShapes(spec: EncoderSpec, B: number, T: number, numLabels: number) {
  const { C, H, F, L } = spec.dims;
  const BT = B * T;
  const perLayer = (shape: number[]) => Array.from({ length: L }, () => shape);
  const acts = {
    embedded: [BT, C], embeddedMean: [BT], embeddedRstd: [BT], encoded: [BT, C], encodedDropped: [BT, C],
    branch: [BT, C], branchDropped: [BT, C],
    qkv: perLayer([BT, 3 * C]), probs: perLayer([B, H, T, T]), context: perLayer([BT, C]),
    attnSum: perLayer([BT, C]), attnMean: perLayer([BT]), attnRstd: perLayer([BT]), attnOut: perLayer([BT, C]),
    inner: perLayer([BT, F]), innerAct: perLayer([BT, F]),
    outputSum: perLayer([BT, C]), outputMean: perLayer([BT]), outputRstd: perLayer([BT]), hidden: perLayer([BT, C]),
    firstInput: [B, C], headPre: [B, C], headHidden: [B, C], headDropped: [B, C], logits: [B, numLabels], losses: [B],
  };
  const grads = {
    hidden: [BT, C], sum: [BT, C], context: [BT, C], qkv: [BT, 3 * C], scores: [B, H, T, T], inner: [BT, F],
    head: [B, C], headMasked: [B, C], first: [B, C], branch: [BT, C],
  };
  return { acts, grads };
}

/** The classification parts: the checkpoint's own, plus a fresh head dense layer and classifier where needed. */
export function trainingParts(stored: EncoderParts, numLabels: number): EncoderParts {
  return { mlm: false, mlmDecoder: false, pooler: !stored.classifierDense, numLabels, classifierDense: stored.classifierDense };
}

interface Inputs {
  ids: Tensor; // (B·T) u32
  typeIds?: Tensor; // (B·T) u32
  positionIds?: Tensor; // (B·T) u32, where positions are not simply 0..T-1
  keyMask: Tensor; // (B·T) u32
  labels: Tensor; // (B) u32
}

export class EncoderTrain implements TrainGraph {
  readonly task = 'classification' as const;
  /** What the optimizer updates: every parameter but a fixed position table. */
  readonly parameters: readonly TrainableParameter[];
  /** Whether the position table is fixed (sinusoidal): no gradient, no update. */
  private readonly fixedPositions: boolean;
  private readonly shapes: EncoderParams<number[]>;
  private readonly params: EncoderParams<TrainableParameter>;
  private readonly acts: Activations;
  private readonly grads: Gradients;
  private readonly dropout: number;
  private readonly parts: EncoderParts;
  private readonly reread: (source: TensorSource, parts: EncoderParts) => EncoderParams<LazyTensor>;

  /**
   * `checkpoint` holds the stored tensors (read with the stored parts); a missing head dense layer, or a classifier
   * without numLabels rows, starts as N(0, initializer_range) with zero bias, as Hugging Face initialises it.
   */
  constructor(
    private readonly gpu: Gpu,
    readonly config: ModelConfig,
    readonly spec: EncoderSpec,
    checkpoint: EncoderParams<LazyTensor>,
    private readonly toHf: (params: EncoderParams<HostTensor>) => HostTensor[],
    readonly maxB: number,
    readonly maxT: number,
    readonly numLabels: number,
    options: {
      seed?: number;
      dropout?: number;
      /** The heads the checkpoint has. */
      stored: EncoderParts;
      /** Reads a saved state (Hugging Face names, this graph's heads) into the encoder's layout. */
      reread: (source: TensorSource, parts: EncoderParts) => EncoderParams<LazyTensor>;
    },
  ) {
    const { C, P, activation, positions } = spec.dims;
    if (maxT > P) throw new Error(`maxT ${maxT} exceeds the model's ${P} positions`);
    if (activation === 'silu') throw new Error('Training supports GELU and ReLU feed-forward layers; this model\'s is SiLU.');
    if (positions === 'rotary') throw new Error('The encoder trains learned or sinusoidal position tables, not rotary positions.');
    this.fixedPositions = positions === 'sinusoidal';
    const { seed = 42, dropout = 0 } = options;
    this.dropout = dropout;
    this.reread = options.reread;
    const parts = trainingParts(options.stored, numLabels);
    this.parts = parts;
    this.shapes = encoderShapes(spec, parts);
    const std = typeof config.raw.initializer_range === 'number' ? config.raw.initializer_range : 0.02;
    const fresh = (name: string, shape: number[], salt: number) => lazy(name, shape, () => seededNormal(shape[0] * shape[1], seed + salt, std));
    const zeros = (name: string, n: number) => lazy(name, [n], () => new Float32Array(n));
    const storedClassifier = checkpoint.classifier?.outWeight.shape[0] === numLabels ? checkpoint.classifier : undefined;
    const initial: EncoderParams<LazyTensor> = {
      ...checkpoint,
      mlm: undefined,
      pooler: parts.pooler ? checkpoint.pooler ?? { weight: fresh('pooler.dense.weight', [C, C], 1), bias: zeros('pooler.dense.bias', C) } : undefined,
      classifier: {
        denseWeight: parts.classifierDense ? checkpoint.classifier?.denseWeight ?? fresh('classifier.dense.weight', [C, C], 1) : undefined,
        denseBias: parts.classifierDense ? checkpoint.classifier?.denseBias ?? zeros('classifier.dense.bias', C) : undefined,
        outWeight: storedClassifier?.outWeight ?? fresh('classifier.weight', [numLabels, C], 2),
        outBias: storedClassifier?.outBias ?? zeros('classifier.bias', numLabels),
      },
    };
    this.params = mapParams(this.shapes, initial, (tensor: LazyTensor) =>
      trainableParameter(gpu, { name: tensor.name, shape: tensor.shape, data: tensor.load() }),
    ) as EncoderParams<TrainableParameter>;
    this.parameters = paramLeaves<TrainableParameter>(this.shapes, this.params)
      .map(({ leaf }) => leaf)
      .filter((parameter) => !(this.fixedPositions && parameter === this.params.positionEmbeddings));

    const { acts, grads } = encoderTrainingShapes(spec, maxB, maxT, numLabels);
    const t = (shape: number[], label: string) => gpu.tensor(shape, 'f32', label);
    const allocate = <S extends Record<string, number[] | number[][]>>(shapes: S, prefix: string) =>
      Object.fromEntries(Object.entries(shapes).map(([key, shape]) => [
        key,
        typeof shape[0] === 'number' ? t(shape as number[], `${prefix}${key}`) : (shape as number[][]).map((s, l) => t(s, `layer.${l}.${prefix}${key}`)),
      ]));
    this.acts = allocate(acts, '') as unknown as Activations;
    this.grads = allocate(grads, 'd_') as unknown as Gradients;
  }

  countTargets(batch: TrainBatch): number {
    let count = 0;
    for (let b = 0; b < batch.B; b++) if (batch.targets[b] !== IGNORE_INDEX) count++;
    return count;
  }

  record(rec: Recorder, batch: TrainBatch, { lossScale, dropoutSeed }: MicroBatchContext): MicroBatchRecording {
    const { B, T } = batch;
    const { inputs, release } = this.upload(batch);
    const drop = new DropoutSites(this.dropout, dropoutSeed);
    const kept = this.forward(rec, drop, inputs, B, T);
    crossEntropy(rec, { logits: this.acts.logits, targets: inputs.labels, losses: this.acts.losses, rows: B, V: this.numLabels, scale: lossScale });
    const losses = rec.read(this.acts.losses, 0, B);
    this.backward(rec, drop, kept, inputs, B, T);
    return { losses, release };
  }

  recordEvaluation(rec: Recorder, batch: TrainBatch): Evaluation {
    const { B, T } = batch;
    const { inputs, release } = this.upload(batch);
    this.forward(rec, new DropoutSites(0, 0), inputs, B, T);
    const logits = rec.read(this.acts.logits, 0, B * this.numLabels); // before the loss overwrites them with gradients
    crossEntropy(rec, { logits: this.acts.logits, targets: inputs.labels, losses: this.acts.losses, rows: B, V: this.numLabels, scale: 1 });
    return { losses: rec.read(this.acts.losses, 0, B), logits, release };
  }

  private upload(batch: TrainBatch) {
    const { B, T } = batch;
    const { V, typeVocabSize } = this.spec.dims;
    if (B > this.maxB || T > this.maxT) throw new Error(`batch ${B}x${T} exceeds the allocated ${this.maxB}x${this.maxT}`);
    for (const [name, values, length] of [['ids', batch.ids, B * T], ['tokenTypeIds', batch.tokenTypeIds, B * T], ['attentionMask', batch.attentionMask, B * T], ['targets', batch.targets, B]] as const) {
      if (values && values.length !== length) throw new Error(`${name} has ${values.length} entries, not ${length}`);
    }
    checkTokenIds(batch.ids, V);
    if (batch.tokenTypeIds && this.params.tokenTypeEmbeddings) checkTokenIds(batch.tokenTypeIds, typeVocabSize, 'Token type id');
    const ints = (values: Uint32Array, label: string) => {
      const tensor = this.gpu.tensor([values.length], 'u32', label);
      this.gpu.write(tensor, values);
      return tensor;
    };
    const positionIds = (): Uint32Array => { // (B·T), each row counted on its own
      const ids = Array.from(batch.ids);
      const out = new Uint32Array(B * T);
      for (let b = 0; b < B; b++) out.set(encoderPositionIds(this.spec, ids.slice(b * T, (b + 1) * T)), b * T);
      return out;
    };
    const inputs: Inputs = {
      ids: ints(Uint32Array.from(batch.ids), 'input_ids'),
      typeIds: this.params.tokenTypeEmbeddings ? ints(Uint32Array.from(batch.tokenTypeIds ?? new Uint32Array(B * T)), 'token_type_ids') : undefined,
      positionIds: this.spec.positionIds === 'from-zero' ? undefined : ints(positionIds(), 'position_ids'),
      keyMask: ints(Uint32Array.from(batch.attentionMask ?? new Uint32Array(B * T).fill(1)), 'attention_mask'),
      labels: ints(targetsToU32(batch.targets, this.numLabels), 'labels'),
    };
    return { inputs, release: () => Object.values(inputs).forEach((tensor) => tensor && this.gpu.release(tensor)) };
  }

  /** The head's dense layer: the classifier's own (DistilBERT, RoBERTa) or the pooler (BERT). */
  private headDense() {
    const { pooler, classifier } = this.params;
    if (classifier?.denseWeight && classifier.denseBias) return { weight: classifier.denseWeight, bias: classifier.denseBias };
    return pooler!;
  }

  /** Returns the tensors that dropout (when on) put between saved activations: layer 0's input, the classifier's. */
  private forward(rec: Recorder, drop: DropoutSites, inputs: Inputs, B: number, T: number) {
    const { C, H, F, eps } = this.spec.dims;
    const { params: p, acts: a } = this;
    const BT = B * T;
    embedding(rec, {
      ids: inputs.ids, typeIds: inputs.typeIds, wte: p.wordEmbeddings.param, wpe: p.positionEmbeddings.param,
      wtt: p.tokenTypeEmbeddings?.param, positionIds: inputs.positionIds, out: a.embedded, B, T, C,
    });
    layernorm(rec, {
      x: a.embedded, gamma: p.embeddingsLnWeight.param, beta: p.embeddingsLnBias.param, out: a.encoded,
      mean: a.embeddedMean, rstd: a.embeddedRstd, rows: BT, C, eps,
    });
    const stream = drop.apply(rec, a.encoded, a.encodedDropped, BT * C, 0);
    const L = p.layers.length;
    p.layers.forEach((layer, l) => {
      const input = l === 0 ? stream : a.hidden[l - 1];
      const last = l === L - 1; // only the first rows past the keys and values
      const rows = last ? B : BT;
      matmul(rec, { x: input, w: layer.qkvWeight.param, bias: layer.qkvBias.param, out: a.qkv[l], M: BT, N: 3 * C, K: C, wLayout: 'nk' });
      attention(rec, {
        q: a.qkv[l], k: a.qkv[l], v: a.qkv[l], out: a.context[l], probs: a.probs[l], keyMask: inputs.keyMask,
        B, Tq: last ? 1 : T, Tk: T, H, D: C / H, causal: false, qStride: last ? T * 3 * C : 3 * C, kvStride: 3 * C,
        qCol: 0, kCol: C, vCol: 2 * C, kvRowsPerBatch: T,
      });
      matmul(rec, { x: a.context[l], w: layer.attnOutWeight.param, bias: layer.attnOutBias.param, out: a.branch, M: rows, N: C, K: C, wLayout: 'nk' });
      const attnBranch = drop.apply(rec, a.branch, a.branchDropped, rows * C, 1 + 2 * l);
      if (last) firstToken(rec, { x: input, out: a.firstInput, B, T, C });
      add(rec, { a: attnBranch, b: last ? a.firstInput : input, out: a.attnSum[l], n: rows * C });
      layernorm(rec, {
        x: a.attnSum[l], gamma: layer.attnLnWeight.param, beta: layer.attnLnBias.param, out: a.attnOut[l],
        mean: a.attnMean[l], rstd: a.attnRstd[l], rows, C, eps,
      });
      matmul(rec, { x: a.attnOut[l], w: layer.ffnInWeight.param, bias: layer.ffnInBias.param, out: a.inner[l], M: rows, N: F, K: C, wLayout: 'nk' });
      this.ffnActivation(rec, a.inner[l], a.innerAct[l], rows * F);
      matmul(rec, { x: a.innerAct[l], w: layer.ffnOutWeight.param, bias: layer.ffnOutBias.param, out: a.branch, M: rows, N: C, K: F, wLayout: 'nk' });
      const mlpBranch = drop.apply(rec, a.branch, a.branchDropped, rows * C, 2 + 2 * l);
      add(rec, { a: mlpBranch, b: a.attnOut[l], out: a.outputSum[l], n: rows * C });
      layernorm(rec, {
        x: a.outputSum[l], gamma: layer.outLnWeight.param, beta: layer.outLnBias.param, out: a.hidden[l],
        mean: a.outputMean[l], rstd: a.outputRstd[l], rows, C, eps,
      });
    });
    // a.hidden[L - 1] holds the first rows (B, C): the head's input.
    const dense = this.headDense();
    matmul(rec, { x: a.hidden[L - 1], w: dense.weight.param, bias: dense.bias.param, out: a.headPre, M: B, N: C, K: C, wLayout: 'nk' });
    if (this.spec.headActivation === 'tanh') tanhForward(rec, { x: a.headPre, out: a.headHidden, n: B * C });
    else reluForward(rec, { x: a.headPre, out: a.headHidden, n: B * C });
    const classifierInput = drop.apply(rec, a.headHidden, a.headDropped, B * C, 1 + 2 * L);
    const classifier = p.classifier!;
    matmul(rec, { x: classifierInput, w: classifier.outWeight.param, bias: classifier.outBias.param, out: a.logits, M: B, N: this.numLabels, K: C, wLayout: 'nk' });
    return { stream, classifierInput };
  }

  /** Reverse order; a.logits holds ∂loss/∂logits. A residual's gradient is added in with accumulate: true. */
  private backward(rec: Recorder, drop: DropoutSites, kept: { stream: Tensor; classifierInput: Tensor }, inputs: Inputs, B: number, T: number): void {
    const { C, H, F } = this.spec.dims;
    const { params: p, acts: a, grads: d } = this;
    const BT = B * T;
    const L = p.layers.length;
    const classifier = p.classifier!;
    const dense = this.headDense();
    matmulBackward(rec, {
      dout: a.logits, x: kept.classifierInput, w: classifier.outWeight.param, dx: d.head,
      dw: classifier.outWeight.grad, dbias: classifier.outBias.grad, M: B, N: this.numLabels, K: C, wLayout: 'nk', accumulate: false,
    });
    const dHead = drop.apply(rec, d.head, d.headMasked, B * C, 1 + 2 * L);
    if (this.spec.headActivation === 'tanh') tanhBackward(rec, { out: a.headHidden, grad: dHead, n: B * C });
    else reluBackward(rec, { out: a.headHidden, grad: dHead, n: B * C });
    matmulBackward(rec, {
      dout: dHead, x: a.hidden[L - 1], w: dense.weight.param, dx: d.first, dw: dense.weight.grad, dbias: dense.bias.grad,
      M: B, N: C, K: C, wLayout: 'nk', accumulate: false,
    });
    for (let l = L - 1; l >= 0; l--) {
      const layer = p.layers[l];
      const input = l === 0 ? kept.stream : a.hidden[l - 1];
      const last = l === L - 1; // B rows (the first ones) past the keys and values; ∂loss/∂output in d.first, not d.hidden
      const rows = last ? B : BT;
      const dStream = last ? d.first : d.hidden;
      // hidden = LayerNorm(dropout(ffn_out(act(ffn_in(attnOut)))) + attnOut)
      layernormBackward(rec, {
        dout: dStream, x: a.outputSum[l], mean: a.outputMean[l], rstd: a.outputRstd[l], gamma: layer.outLnWeight.param,
        dx: d.sum, dgamma: layer.outLnWeight.grad, dbeta: layer.outLnBias.grad, rows, C, accumulate: false,
      });
      matmulBackward(rec, {
        dout: drop.apply(rec, d.sum, d.branch, rows * C, 2 + 2 * l), x: a.innerAct[l], w: layer.ffnOutWeight.param, dx: d.inner, dw: layer.ffnOutWeight.grad, dbias: layer.ffnOutBias.grad,
        M: rows, N: C, K: F, wLayout: 'nk', accumulate: false,
      });
      this.ffnActivationBackward(rec, a.inner[l], a.innerAct[l], d.inner, rows * F);
      matmulBackward(rec, { // d.sum becomes ∂loss/∂attnOut: the residual's share plus the FFN's
        dout: d.inner, x: a.attnOut[l], w: layer.ffnInWeight.param, dx: d.sum, dw: layer.ffnInWeight.grad, dbias: layer.ffnInBias.grad,
        M: rows, N: F, K: C, wLayout: 'nk', accumulate: true,
      });
      // attnOut = LayerNorm(dropout(attn_out(attention(qkv(input)))) + input); dStream becomes ∂loss/∂attnSum
      layernormBackward(rec, {
        dout: d.sum, x: a.attnSum[l], mean: a.attnMean[l], rstd: a.attnRstd[l], gamma: layer.attnLnWeight.param,
        dx: dStream, dgamma: layer.attnLnWeight.grad, dbeta: layer.attnLnBias.grad, rows, C, accumulate: false,
      });
      matmulBackward(rec, {
        dout: drop.apply(rec, dStream, d.branch, rows * C, 1 + 2 * l), x: a.context[l], w: layer.attnOutWeight.param, dx: d.context, dw: layer.attnOutWeight.grad, dbias: layer.attnOutBias.grad,
        M: rows, N: C, K: C, wLayout: 'nk', accumulate: false,
      });
      attentionBackward(rec, { dout: d.context, qkv: a.qkv[l], probs: a.probs[l], dscores: d.scores, dqkv: d.qkv, B, T, H, D: C / H, Tq: last ? 1 : T });
      // The residual's share of ∂loss/∂input: the first rows' in the last layer (zeros elsewhere), d.hidden already before.
      if (last) firstTokenBackward(rec, { dout: d.first, dx: d.hidden, B, T, C });
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
      dout: d.sum, ids: inputs.ids, dwte: p.wordEmbeddings.grad, dwpe: this.fixedPositions ? undefined : p.positionEmbeddings.grad,
      positionIds: inputs.positionIds, typeIds: inputs.typeIds, dwtt: p.tokenTypeEmbeddings?.grad, B, T, C,
    });
  }

  /** out = act(x), n elements: the feed-forward activation (GELU, exact or tanh, or ReLU). */
  private ffnActivation(rec: Recorder, x: Tensor, out: Tensor, n: number): void {
    const { activation } = this.spec.dims;
    if (activation === 'relu') reluForward(rec, { x, out, n });
    else gelu(rec, { x, out, n, form: activation === 'gelu_erf' ? 'erf' : 'tanh' });
  }

  /** grad ← grad·act'(x) in place, from the forward's input (GELU) or output (ReLU). */
  private ffnActivationBackward(rec: Recorder, x: Tensor, out: Tensor, grad: Tensor, n: number): void {
    const { activation } = this.spec.dims;
    if (activation === 'relu') reluBackward(rec, { out, grad, n });
    else geluBackward(rec, { x, grad, n, form: activation === 'gelu_erf' ? 'erf' : 'tanh' });
  }

  /** Every tensor of the struct; a fixed position table's gradient reads as zeros (nothing flows into it). */
  async read(which: 'param' | 'grad'): Promise<HostTensor[]> {
    const host = await readParameters(this.gpu, this.allParameters(), which);
    return this.toHf(mapParams(this.shapes, this.params, (parameter: TrainableParameter) => host.get(parameter)!) as EncoderParams<HostTensor>);
  }

  loadParameters(source: TensorSource): void {
    const stored = paramLeaves<LazyTensor>(this.shapes, this.reread(source, this.parts));
    paramLeaves<TrainableParameter>(this.shapes, this.params).forEach(({ leaf }, i) => this.gpu.write(leaf.param, stored[i].leaf.load()));
  }

  private allParameters(): TrainableParameter[] {
    return paramLeaves<TrainableParameter>(this.shapes, this.params).map(({ leaf }) => leaf);
  }

  model(): Encoder<Tensor> {
    const params = mapParams(this.shapes, this.params, (parameter: TrainableParameter) => parameter.param) as EncoderParams<Tensor>;
    return new Encoder(createGpuBackend(this.gpu, 'finetune.sample'), this.config, this.spec, this.shapes, params, this.toHf, false);
  }

  dispose(): void {
    releaseParameters(this.gpu, this.allParameters());
    [...Object.values(this.acts), ...Object.values(this.grads)].flat().forEach((tensor) => this.gpu.release(tensor));
  }
}
