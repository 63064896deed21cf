// BERT (Devlin et al. 2018) as Hugging Face's BertModel computes it: embeddings (word + position + token type)
// -> LayerNorm, then post-LayerNorm encoder layers with erf GELU, padding keys masked out. Heads: the MLM head
// (transform -> GELU -> LayerNorm -> decoder tied to the word embeddings + bias), the pooler (tanh on [CLS]) and a
// sequence classifier. Written once against `Backend`: it runs on the GPU kernels or on their CPU references.

import type { BertConfig } from '../../weights/config';
import type { BertLayerWeights, BertWeights } from '../../weights/bert-weights';
import type { HostTensor } from '../../weights/host-tensor';
import type { Backend } from '../backend';
import { checkTokenIds } from '../checkIds';
import { concatRows } from './concatRows';

interface LayerParams<Buf> {
  qkvWeight: Buf; qkvBias: Buf; // (3C, C), (3C): query, key, value stacked as rows (torch Linear layout)
  attnOutputWeight: Buf; attnOutputBias: Buf; // (C, C), (C)
  attnLnWeight: Buf; attnLnBias: Buf; // (C)
  intermediateWeight: Buf; intermediateBias: Buf; // (F, C), (F)
  outputWeight: Buf; outputBias: Buf; // (C, F), (C)
  outputLnWeight: Buf; outputLnBias: Buf; // (C)
}

interface MlmParams<Buf> {
  transformWeight: Buf; transformBias: Buf; // (C, C), (C)
  transformLnWeight: Buf; transformLnBias: Buf; // (C)
  decoderWeight: Buf; // (V, C): the word embeddings when tied
  bias: Buf; // (V)
}

export interface BertInput {
  ids: readonly number[]; // (T)
  tokenTypeIds?: readonly number[]; // (T), 0 for sentence A, 1 for sentence B
  attentionMask?: readonly number[]; // (T), 1 = token, 0 = padding
}

export interface BertForwardOptions {
  saveAttention?: boolean;
  /** Also return each layer's q | k | v rows, (T, 3C), for the neuron view. */
  saveQkv?: boolean;
  /** Read back the MLM logits (T, V); needs an MLM head. */
  mlmLogits?: boolean;
  /** Only at these positions (e.g. the [MASK]s): (positions.length, V) instead of (T, V). */
  mlmPositions?: readonly number[];
}

export interface BertForwardResult {
  hidden: Float32Array; // (T, C) last hidden states
  attentions?: Float32Array[]; // (L) x (H, T, T)
  qkv?: Float32Array[]; // (L) x (T, 3C)
  mlmLogits?: Float32Array; // (T or positions, V)
}

export class Bert<Buf> {
  private readonly wordEmbeddings: Buf; // (V, C)
  private readonly positionEmbeddings: Buf; // (P, C)
  private readonly tokenTypeEmbeddings: Buf; // (TV, C)
  private readonly embeddingsLnWeight: Buf;
  private readonly embeddingsLnBias: Buf;
  private readonly layers: LayerParams<Buf>[];
  private readonly mlm?: MlmParams<Buf>;

  constructor(
    readonly backend: Backend<Buf>,
    readonly config: BertConfig,
    readonly weights: BertWeights,
  ) {
    const upload = (t: HostTensor) => backend.fromFloats(t.data, t.shape, t.name);
    this.wordEmbeddings = upload(weights.wordEmbeddings);
    this.positionEmbeddings = upload(weights.positionEmbeddings);
    this.tokenTypeEmbeddings = upload(weights.tokenTypeEmbeddings);
    this.embeddingsLnWeight = upload(weights.embeddingsLnWeight);
    this.embeddingsLnBias = upload(weights.embeddingsLnBias);
    this.layers = weights.layers.map((layer) => uploadLayer(layer, upload));
    const head = weights.mlmHead;
    if (head) {
      this.mlm = {
        transformWeight: upload(head.transformWeight),
        transformBias: upload(head.transformBias),
        transformLnWeight: upload(head.transformLnWeight),
        transformLnBias: upload(head.transformLnBias),
        decoderWeight: head.decoderWeight ? upload(head.decoderWeight) : this.wordEmbeddings,
        bias: upload(head.bias),
      };
    }
  }

  get hasMlmHead(): boolean {
    return this.mlm !== undefined;
  }

  async forward(input: BertInput, options: BertForwardOptions = {}): Promise<BertForwardResult> {
    const { backend, config } = this;
    const { hiddenSize: C, numAttentionHeads: H, intermediateSize: F, layerNormEps: eps } = config;
    const T = input.ids.length;
    if (T === 0) throw new Error('BERT forward needs at least one token');
    if (T > config.maxPositionEmbeddings) {
      throw new Error(`This model reads at most ${config.maxPositionEmbeddings} tokens; the input has ${T}.`);
    }
    checkTokenIds(input.ids, config.vocabSize);
    if (input.tokenTypeIds) checkTokenIds(input.tokenTypeIds, config.typeVocabSize);
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
    const idsBuf = ints(input.ids, 'input_ids');
    const typeIdsBuf = ints(input.tokenTypeIds ?? new Array<number>(T).fill(0), 'token_type_ids');
    const keyMask = input.attentionMask ? ints(input.attentionMask, 'attention_mask') : undefined;
    const x = alloc([T, C], 'hidden'); // (T, C)
    const summed = alloc([T, C], 'pre_ln'); // (T, C)
    const qkv = alloc([T, 3 * C], 'qkv'); // (T, 3C)
    const context = alloc([T, C], 'attn_context'); // (T, C)
    const attnOut = alloc([T, C], 'attn_out'); // (T, C)
    const intermediate = alloc([T, F], 'intermediate'); // (T, F)
    const probs = options.saveAttention
      ? this.layers.map((_, l) => alloc([H, T, T], `layer.${l}.attn_probs`))
      : [];

    backend.embedding({
      ids: idsBuf, wte: this.wordEmbeddings, wpe: this.positionEmbeddings,
      typeIds: typeIdsBuf, wtt: this.tokenTypeEmbeddings, out: summed, T, C, positionOffset: 0,
    });
    backend.layernorm({ x: summed, gamma: this.embeddingsLnWeight, beta: this.embeddingsLnBias, out: x, rows: T, C, eps });
    const qkvReads: Promise<Float32Array>[] = [];
    this.layers.forEach((layer, l) => {
      backend.matmul({ x, w: layer.qkvWeight, bias: layer.qkvBias, out: qkv, M: T, N: 3 * C, K: C, wLayout: 'nk' });
      if (options.saveQkv) qkvReads.push(backend.read(qkv)); // a snapshot: the next layer overwrites qkv
      backend.attention({ qkv, out: context, probs: probs[l], keyMask, Tq: T, Tk: T, H, D: C / H, causal: false, qOffset: 0 });
      backend.matmul({ x: context, w: layer.attnOutputWeight, bias: layer.attnOutputBias, out: summed, M: T, N: C, K: C, wLayout: 'nk' });
      backend.add({ a: summed, b: x, out: summed, n: T * C });
      backend.layernorm({ x: summed, gamma: layer.attnLnWeight, beta: layer.attnLnBias, out: attnOut, rows: T, C, eps });
      backend.matmul({ x: attnOut, w: layer.intermediateWeight, bias: layer.intermediateBias, out: intermediate, M: T, N: F, K: C, wLayout: 'nk', activation: 'gelu_erf' });
      backend.matmul({ x: intermediate, w: layer.outputWeight, bias: layer.outputBias, out: summed, M: T, N: C, K: F, wLayout: 'nk' });
      backend.add({ a: summed, b: attnOut, out: summed, n: T * C });
      backend.layernorm({ x: summed, gamma: layer.outputLnWeight, beta: layer.outputLnBias, out: x, rows: T, C, eps });
    });

    const hiddenRead = backend.read(x);
    const attentionReads = probs.map((buf) => backend.read(buf));
    let mlmRead: Promise<Float32Array> | undefined;
    if (options.mlmLogits) {
      if (!this.mlm) throw new Error('This checkpoint has no masked-language-model head (cls.predictions.*).');
      mlmRead = this.mlmHead(x, T, options.mlmPositions, alloc);
    }
    await backend.flush();
    temp.forEach((buf) => backend.free(buf));
    return {
      hidden: await hiddenRead,
      attentions: options.saveAttention ? await Promise.all(attentionReads) : undefined,
      qkv: options.saveQkv ? await Promise.all(qkvReads) : undefined,
      mlmLogits: await mlmRead,
    };
  }

  /** Frees every buffer the model holds. */
  dispose() {
    const buffers = new Set<Buf>([
      this.wordEmbeddings, this.positionEmbeddings, this.tokenTypeEmbeddings, this.embeddingsLnWeight, this.embeddingsLnBias,
      ...this.layers.flatMap((layer) => Object.values(layer) as Buf[]),
      ...(this.mlm ? (Object.values(this.mlm) as Buf[]) : []),
    ]);
    buffers.forEach((buf) => this.backend.free(buf));
  }

  /** transform -> GELU -> LayerNorm -> decoder + bias at the chosen rows of `x`, (rows, V); read scheduled. */
  private mlmHead(x: Buf, T: number, positions: readonly number[] | undefined, alloc: (shape: number[], label: string) => Buf) {
    const mlm = this.mlm!;
    const { hiddenSize: C, vocabSize: V, layerNormEps: eps } = this.config;
    const rows = positions ?? Array.from({ length: T }, (_, t) => t);
    const transformed = alloc([rows.length, C], 'mlm_transform'); // (R, C)
    const normed = alloc([rows.length, C], 'mlm_ln'); // (R, C)
    const logits = alloc([rows.length, V], 'mlm_logits'); // (R, V)
    const transform = { w: mlm.transformWeight, bias: mlm.transformBias, out: transformed, N: C, K: C, wLayout: 'nk', activation: 'gelu_erf' } as const;
    if (positions) {
      positions.forEach((row, r) => this.backend.matmul({ ...transform, x, xRowOffset: row, outRowOffset: r, M: 1 }));
    } else {
      this.backend.matmul({ ...transform, x, M: T }); // every row: one dispatch
    }
    this.backend.layernorm({ x: transformed, gamma: mlm.transformLnWeight, beta: mlm.transformLnBias, out: normed, rows: rows.length, C, eps });
    this.backend.matmul({ x: normed, w: mlm.decoderWeight, bias: mlm.bias, out: logits, M: rows.length, N: V, K: C, wLayout: 'nk' });
    return this.backend.read(logits);
  }
}

function uploadLayer<Buf>(layer: BertLayerWeights, upload: (t: HostTensor) => Buf): LayerParams<Buf> {
  return {
    qkvWeight: upload(concatRows('qkv.weight', [layer.queryWeight, layer.keyWeight, layer.valueWeight])),
    qkvBias: upload(concatRows('qkv.bias', [layer.queryBias, layer.keyBias, layer.valueBias])),
    attnOutputWeight: upload(layer.attnOutputWeight), attnOutputBias: upload(layer.attnOutputBias),
    attnLnWeight: upload(layer.attnLnWeight), attnLnBias: upload(layer.attnLnBias),
    intermediateWeight: upload(layer.intermediateWeight), intermediateBias: upload(layer.intermediateBias),
    outputWeight: upload(layer.outputWeight), outputBias: upload(layer.outputBias),
    outputLnWeight: upload(layer.outputLnWeight), outputLnBias: upload(layer.outputLnBias),
  };
}
