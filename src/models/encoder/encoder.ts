// The post-LayerNorm encoder forward pass (BERT, DistilBERT, RoBERTa) as Hugging Face's *Model classes compute it:
// embeddings (word + position (+ token type)) -> LayerNorm, then per layer
//   x = LN(x + attn_out(attention(qkv(x))))   x = LN(x + ffn_out(act(ffn_in(x))))
// with padding keys masked out; heads on the last hidden states (masked LM, pooler, classifier). Written once against
// `Backend`: it runs on the GPU kernels or on their CPU references.

import type { HostTensor } from '../../weights/host-tensor';
import { epilogue, type Backend } from '../backend';
import { checkTokenIds } from '../checkIds';
import type { ForwardInput, ForwardOptions, ForwardResult, LanguageModel, ModelArchitecture, ModelConfig, ModelHeads } from '../family';
import { freeParams, readParams } from '../params';
import { TraceTaps } from '../trace';
import { encoderActivationShapes, encoderPositionIds, type EncoderParams, type EncoderSpec } from './params';

export class Encoder<Buf> implements LanguageModel<Buf> {
  readonly heads: ModelHeads;
  readonly cacheLength = 0;

  get architecture(): ModelArchitecture {
    return { parallelResidual: false, mlp: 'gelu', positionIds: this.spec.positionIds, paddingIdx: this.spec.paddingIdx };
  }

  constructor(
    readonly backend: Backend<Buf>,
    readonly config: ModelConfig,
    readonly spec: EncoderSpec,
    private readonly shapes: EncoderParams<number[]>,
    private readonly params: EncoderParams<Buf>,
    /** The family's way back to Hugging Face's names, for export. */
    private readonly toHf: (params: EncoderParams<HostTensor>) => HostTensor[],
    /** Whether dispose() frees the parameters (false when a training graph lent them). */
    private readonly ownsParams = true,
  ) {
    this.heads = { lm: params.mlm !== undefined, classifier: params.classifier !== undefined, pooler: params.pooler !== undefined };
  }

  resetCache() {}

  truncateCache(length: number) {
    if (length !== 0) throw new Error('An encoder keeps no cache.');
  }

  async forward(input: ForwardInput, options: ForwardOptions = {}): Promise<ForwardResult> {
    const { backend, spec, params: p } = this;
    const { C, H, F, P, V, eps, activation, typeVocabSize } = spec.dims;
    const T = input.ids.length;
    if (T === 0) throw new Error('The encoder needs at least one token.');
    if (T > P) throw new Error(`This model reads at most ${P} tokens; the input has ${T}.`);
    checkTokenIds(input.ids, V);
    if (input.tokenTypeIds) {
      if (typeVocabSize === 0) throw new Error(`${this.config.modelType} has no token types: leave tokenTypeIds out.`);
      checkTokenIds(input.tokenTypeIds, typeVocabSize, 'Token type id');
    }
    for (const [name, values] of [['tokenTypeIds', input.tokenTypeIds], ['attentionMask', input.attentionMask]] as const) {
      if (values && values.length !== T) throw new Error(`${name} has ${values.length} entries for ${T} tokens.`);
    }
    const temp: Buf[] = [];
    const alloc = (shape: number[], label: string) => {
      const buf = backend.alloc(shape, label);
      temp.push(buf);
      return buf;
    };
    const ints = (values: readonly number[], label: string) => {
      const buf = backend.fromInts(Uint32Array.from(values), label);
      temp.push(buf);
      return buf;
    };
    const taps = new TraceTaps(backend, options.trace, spec.dims.L, T);
    const idsBuf = ints(input.ids, 'input_ids');
    const typeIdsBuf = p.tokenTypeEmbeddings ? ints(input.tokenTypeIds ?? new Array<number>(T).fill(0), 'token_type_ids') : undefined;
    const positions = encoderPositionIds(spec, input.ids);
    const positionIds = spec.positionIds === 'from-zero' ? undefined : ints(positions, 'position_ids');
    const keyMask = input.attentionMask ? ints(input.attentionMask, 'attention_mask') : undefined;
    const a = encoderActivationShapes(spec.dims, T);
    const x = alloc(a.hidden, 'hidden'); // (T, C)
    const summed = alloc(a.summed, 'pre_ln'); // (T, C)
    const qkv = alloc(a.qkv, 'qkv'); // (T, 3C)
    const context = alloc(a.context, 'attn_context'); // (T, C)
    const attnOut = alloc(a.attnOut, 'attn_out'); // (T, C)
    const inner = alloc(a.inner, 'ffn_inner'); // (T, F)
    const probs = a.probs.map((shape, l) => (options.saveAttention || taps.wants(l) ? alloc(shape, `layer.${l}.attn_probs`) : undefined)); // (H, T, T)

    backend.embedding({
      ids: idsBuf, wte: p.wordEmbeddings, wpe: p.positionEmbeddings, typeIds: typeIdsBuf, wtt: p.tokenTypeEmbeddings,
      positionIds, out: summed, T, C, positionOffset: 0,
    });
    taps.tableRows('token', p.wordEmbeddings, input.ids, C);
    taps.tableRows('position', p.positionEmbeddings, positions, C);
    if (p.tokenTypeEmbeddings) taps.tableRows('tokenType', p.tokenTypeEmbeddings, input.tokenTypeIds ?? new Array<number>(T).fill(0), C);
    taps.embedding('sum', summed);
    backend.layernorm({ x: summed, gamma: p.embeddingsLnWeight, beta: p.embeddingsLnBias, out: x, rows: T, C, eps });
    taps.embedding('normed', x);
    const qkvReads: Promise<Float32Array>[] = [];
    p.layers.forEach((layer, l) => {
      taps.layer(l, 'input', x);
      taps.layer(l, 'normed', x); // post-LN: attention reads the layer's input itself
      backend.matmul({ x, w: layer.qkvWeight, bias: layer.qkvBias, out: qkv, M: T, N: 3 * C, K: C, wLayout: 'nk' });
      if (options.saveQkv) qkvReads.push(backend.read(qkv)); // a snapshot: the next layer overwrites qkv
      taps.layer(l, 'qkv', qkv);
      backend.attention({ qkv, out: context, probs: probs[l], keyMask, Tq: T, Tk: T, H, D: C / H, causal: false, qOffset: 0 });
      taps.layer(l, 'mixed', context);
      backend.matmul({ x: context, w: layer.attnOutWeight, bias: layer.attnOutBias, out: summed, M: T, N: C, K: C, wLayout: 'nk' });
      taps.layer(l, 'attnOut', summed);
      backend.add({ a: summed, b: x, out: summed, n: T * C });
      backend.layernorm({ x: summed, gamma: layer.attnLnWeight, beta: layer.attnLnBias, out: attnOut, rows: T, C, eps });
      taps.layer(l, 'residual1', attnOut); // LayerNorm(input + attnOut)
      backend.matmul({ x: attnOut, w: layer.ffnInWeight, bias: layer.ffnInBias, out: inner, M: T, N: F, K: C, wLayout: 'nk', activation: epilogue(activation) });
      taps.layer(l, 'ffnHidden', inner);
      backend.matmul({ x: inner, w: layer.ffnOutWeight, bias: layer.ffnOutBias, out: summed, M: T, N: C, K: F, wLayout: 'nk' });
      taps.layer(l, 'ffnOut', summed);
      backend.add({ a: summed, b: attnOut, out: summed, n: T * C });
      backend.layernorm({ x: summed, gamma: layer.outLnWeight, beta: layer.outLnBias, out: x, rows: T, C, eps });
      taps.layer(l, 'residual2', x); // LayerNorm(residual1 + ffnOut)
      // The logit lens: the masked-LM head on this layer's output at the traced position.
      if (p.mlm) taps.put(l, 'lens', () => this.mlmHead(x, T, [taps.lensPosition], alloc));
    });
    taps.final(x);

    const hiddenRead = options.hidden ? backend.read(x) : undefined;
    const attentionReads = options.saveAttention ? probs.map((buf) => backend.read(buf!)) : [];
    probs.forEach((buf, l) => buf && taps.layer(l, 'probs', buf));
    const logitsRead = options.logits && options.logits !== 'none' ? this.mlmHead(x, T, options.logits, alloc) : undefined;
    const pooledRead = options.pooled ? backend.read(this.firstTokenDense(x, 'pooled', alloc)) : undefined;
    const classRead = options.classify ? this.classifierHead(x, alloc) : undefined;
    await backend.flush();
    temp.forEach((buf) => backend.free(buf));
    const trace = await taps.result(spec.dims.L);
    return {
      trace,
      hidden: await hiddenRead,
      attentions: options.saveAttention ? await Promise.all(attentionReads) : undefined,
      qkv: options.saveQkv ? await Promise.all(qkvReads) : undefined,
      logits: await logitsRead,
      pooled: await pooledRead,
      classLogits: await classRead,
    };
  }

  async readTensors(): Promise<HostTensor[]> {
    return this.toHf((await readParams(this.backend, this.shapes, this.params)) as EncoderParams<HostTensor>);
  }

  dispose() {
    if (!this.ownsParams) return;
    freeParams(this.backend, this.shapes, this.params);
  }

  /** dense -> GELU -> LayerNorm -> decoder + bias at the chosen rows of `x`, (rows, V); read scheduled. */
  private mlmHead(x: Buf, T: number, which: 'all' | 'last' | readonly number[], alloc: (shape: number[], label: string) => Buf) {
    const mlm = this.params.mlm;
    if (!mlm) throw new Error(`This checkpoint has no masked-language-model head.`);
    const { C, V, eps } = this.spec.dims;
    const rows = which === 'all' ? null : which === 'last' ? [T - 1] : which;
    if (rows) rows.forEach((row) => { if (!Number.isInteger(row) || row < 0 || row >= T) throw new Error(`Position ${row} is outside the ${T} tokens.`); });
    const R = rows ? rows.length : T;
    const transformed = alloc([R, C], 'mlm_transform'); // (R, C)
    const normed = alloc([R, C], 'mlm_ln'); // (R, C)
    const logits = alloc([R, V], 'mlm_logits'); // (R, V)
    const dense = { w: mlm.denseWeight, bias: mlm.denseBias, out: transformed, N: C, K: C, wLayout: 'nk', activation: this.spec.mlmActivation } as const;
    if (rows) rows.forEach((row, r) => this.backend.matmul({ ...dense, x, xRowOffset: row, outRowOffset: r, M: 1 }));
    else this.backend.matmul({ ...dense, x, M: T }); // every row: one dispatch
    this.backend.layernorm({ x: transformed, gamma: mlm.lnWeight, beta: mlm.lnBias, out: normed, rows: R, C, eps });
    this.backend.matmul({ x: normed, w: mlm.decoderWeight ?? this.params.wordEmbeddings, bias: mlm.bias, out: logits, M: R, N: V, K: C, wLayout: 'nk' });
    return this.backend.read(logits);
  }

  /** act(dense(h[0])), (1, C): the pooler (tanh), or the classifier's own dense layer (tanh or ReLU) where it has one. */
  private firstTokenDense(x: Buf, which: 'pooled' | 'classifier', alloc: (shape: number[], label: string) => Buf): Buf {
    const { C } = this.spec.dims;
    const { pooler, classifier } = this.params;
    const own = which === 'classifier' && classifier?.denseWeight && classifier.denseBias ? { weight: classifier.denseWeight, bias: classifier.denseBias } : undefined;
    const dense = own ?? pooler;
    if (!dense) throw new Error(which === 'pooled' ? 'This checkpoint has no pooler.' : 'This checkpoint has no classification head.');
    const out = alloc([1, C], which === 'pooled' ? 'pooled' : 'classifier_hidden');
    this.backend.matmul({ x, w: dense.weight, bias: dense.bias, out, M: 1, N: C, K: C, wLayout: 'nk', activation: own ? this.spec.headActivation : 'tanh' });
    return out;
  }

  /** out(act(dense(h[0]))), (numLabels); read scheduled. */
  private classifierHead(x: Buf, alloc: (shape: number[], label: string) => Buf): Promise<Float32Array> {
    const classifier = this.params.classifier;
    if (!classifier) throw new Error('This checkpoint has no classification head.');
    const hidden = this.firstTokenDense(x, 'classifier', alloc);
    const K = this.config.labels.numLabels;
    const logits = alloc([1, K], 'class_logits');
    this.backend.matmul({ x: hidden, w: classifier.outWeight, bias: classifier.outBias, out: logits, M: 1, N: K, K: this.spec.dims.C, wLayout: 'nk' });
    return this.backend.read(logits);
  }
}
