// The pre-norm decoder forward pass (GPT-2, GPT-NeoX, Llama) as Hugging Face's *ForCausalLM classes compute it:
// token (+ position) embeddings, then per block
//   sequential:  x = x + attn_out(attention(qkv(norm1 x)))   x = x + mlp(norm2 x)
//   parallel:    x = x + attn_out(attention(qkv(norm1 x))) + mlp(norm2 x)
// causal attention (rotary on q and k where the family uses it), a final norm and the LM head (tied or not).
// Written once against `Backend`: it runs on the GPU kernels or on their CPU references.
//
// The KV cache is each layer's q|k|v buffer itself, (P, Q): a step writes its rows [p, p + T) and attention reads
// queries from those rows and keys/values from rows [0, p + T). Prefill and decode are the same code.

import type { HostTensor } from '../../weights/host-tensor';
import { epilogue, type Backend } from '../backend';
import { checkTokenIds } from '../checkIds';
import type { ForwardInput, ForwardOptions, ForwardResult, LanguageModel, ModelConfig, ModelHeads } from '../family';
import { mapParams, paramLeaves } from '../params';
import { qkvWidth, type DecoderBlock, type DecoderParams, type DecoderSpec } from './params';

/** The KV cache: each layer's q|k|v rows for every position, (P, Q). */
export function decoderCacheShapes(spec: DecoderSpec): number[][] {
  return Array.from({ length: spec.dims.L }, () => [spec.dims.P, qkvWidth(spec.dims)]);
}

/** What one forward pass at T tokens allocates (the forward allocates exactly these; the estimate sums them). */
export function decoderActivationShapes(spec: DecoderSpec, T: number, Tk = T) {
  const { C, H, D, F, L, V } = spec.dims;
  return {
    residual: [T, C], normed: [T, C], attnOut: [T, H * D], branch: [T, C], hidden: [T, F],
    probs: Array.from({ length: L }, () => [H, T, Tk]), // only when attention is saved
    logits: [T, V], // at most every row
  };
}

export class Decoder<Buf> implements LanguageModel<Buf> {
  readonly heads: ModelHeads;
  /** Per layer (P, Q): q | k | v of every position seen so far. */
  private readonly qkvCache: Buf[];
  cacheLength = 0;

  constructor(
    readonly backend: Backend<Buf>,
    readonly config: ModelConfig,
    readonly spec: DecoderSpec,
    private readonly shapes: DecoderParams<number[]>,
    private readonly params: DecoderParams<Buf>,
    private readonly toHf: (params: DecoderParams<HostTensor>) => HostTensor[],
    private readonly ownsParams = true,
  ) {
    if (spec.dims.norm !== 'layernorm' || spec.rotary || spec.mlp !== 'gelu' || spec.parallelResidual || spec.dims.Hkv !== spec.dims.H) {
      throw new Error(`${config.modelType}: this build's decoder runs GPT-2-style blocks only (LayerNorm, learned positions, GELU MLP, sequential residuals, H kv heads).`);
    }
    this.heads = { lm: true, classifier: false, pooler: false };
    this.qkvCache = decoderCacheShapes(spec).map((shape, l) => backend.alloc(shape, `h.${l}.qkv_cache`));
  }

  resetCache() {
    this.cacheLength = 0;
  }

  truncateCache(length: number) {
    if (!Number.isInteger(length) || length < 0 || length > this.cacheLength) throw new Error(`The cache holds ${this.cacheLength} positions; cannot keep ${length}.`);
    this.cacheLength = length;
  }

  async forward(input: ForwardInput, options: ForwardOptions = {}): Promise<ForwardResult> {
    const { backend, spec, params: p } = this;
    const { C, H, D, F, V, P, eps, activation } = spec.dims;
    const layout = spec.weightLayout;
    const { ids } = input;
    const T = ids.length;
    const past = this.cacheLength;
    if (T === 0) throw new Error('The decoder needs at least one token.');
    if (input.tokenTypeIds || input.attentionMask) throw new Error(`${this.config.modelType} takes neither token types nor a padding mask.`);
    if (past + T > P) throw new Error(`The context limit of this model is ${P} tokens; ${past + T} were asked for.`);
    checkTokenIds(ids, V);
    const Tk = past + T;
    const Q = qkvWidth(spec.dims);
    const temp: Buf[] = [];
    const alloc = (shape: number[], label: string) => {
      const buf = backend.alloc(shape, label);
      temp.push(buf);
      return buf;
    };
    const idsBuf = backend.fromInts(Uint32Array.from(ids), 'input_ids');
    temp.push(idsBuf);
    const a = decoderActivationShapes(spec, T, Tk);
    const x = alloc(a.residual, 'residual'); // (T, C)
    const normed = alloc(a.normed, 'ln_out'); // (T, C)
    const attnOut = alloc(a.attnOut, 'attn_out'); // (T, H·D)
    const branch = alloc(a.branch, 'branch_out'); // (T, C)
    const hidden = alloc(a.hidden, 'mlp_hidden'); // (T, F)
    const probs = options.saveAttention ? a.probs.map((shape, l) => alloc(shape, `h.${l}.attn_probs`)) : []; // (H, T, Tk)

    if (!p.positionEmbeddings) throw new Error('learned positions expected');
    backend.embedding({ ids: idsBuf, wte: p.tokenEmbeddings, wpe: p.positionEmbeddings, out: x, T, C, positionOffset: past });
    p.blocks.forEach((block: DecoderBlock<Buf>, l) => {
      const qkv = this.qkvCache[l];
      backend.layernorm({ x, gamma: block.ln1Weight, beta: block.ln1Bias!, out: normed, rows: T, C, eps });
      backend.matmul({ x: normed, w: block.qkvWeight, bias: block.qkvBias, out: qkv, M: T, N: Q, K: C, wLayout: layout, outRowOffset: past });
      backend.attention({ qkv, out: attnOut, probs: probs[l], Tq: T, Tk, H, D, causal: true, qOffset: past });
      backend.matmul({ x: attnOut, w: block.attnOutWeight, bias: block.attnOutBias, out: branch, M: T, N: C, K: H * D, wLayout: layout });
      backend.add({ a: x, b: branch, out: x, n: T * C });
      backend.layernorm({ x, gamma: block.ln2Weight, beta: block.ln2Bias!, out: normed, rows: T, C, eps });
      backend.matmul({ x: normed, w: block.mlpInWeight, bias: block.mlpInBias, out: hidden, M: T, N: F, K: C, wLayout: layout, activation: epilogue(activation) });
      backend.matmul({ x: hidden, w: block.mlpOutWeight, bias: block.mlpOutBias, out: branch, M: T, N: C, K: F, wLayout: layout });
      backend.add({ a: x, b: branch, out: x, n: T * C });
    });
    backend.layernorm({ x, gamma: p.lnfWeight, beta: p.lnfBias!, out: normed, rows: T, C, eps });

    // The LM head only over the rows asked for: the last one unless every row's logits are wanted.
    const which = options.logits ?? 'none';
    const rows = which === 'all' ? T : 1;
    if (Array.isArray(which)) throw new Error('Decoders return the logits of every position or of the last.');
    const lmHead = p.lmHead ?? p.tokenEmbeddings;
    const logits = alloc([rows, V], 'logits'); // (rows, V)
    backend.matmul({ x: normed, xRowOffset: T - rows, w: lmHead, out: logits, M: rows, N: V, K: C, wLayout: 'nk' });
    const lastRow = rows === 1 ? logits : alloc([1, V], 'last_logits');
    if (lastRow !== logits && (options.sample || options.topK)) {
      backend.matmul({ x: normed, xRowOffset: T - 1, w: lmHead, out: lastRow, M: 1, N: V, K: C, wLayout: 'nk' });
    }
    const logitsRead = which === 'none' ? undefined : backend.read(logits);
    const hiddenRead = options.hidden ? backend.read(normed) : undefined;
    const attentionReads = probs.map((buf) => backend.read(buf));
    const qkvReads = options.saveQkv ? this.qkvCache.map((buf) => backend.read(buf, 0, Tk * Q)) : [];
    const nextId = options.sample && backend.sample({ logits: lastRow, V, ...options.sample });
    const top = options.topK ? backend.topProbabilities({ logits: lastRow, V, k: options.topK }) : undefined;
    await backend.flush();
    temp.forEach((buf) => backend.free(buf));
    this.cacheLength = Tk;
    return {
      logits: await logitsRead,
      hidden: await hiddenRead,
      attentions: options.saveAttention ? await Promise.all(attentionReads) : undefined,
      qkv: options.saveQkv ? await Promise.all(qkvReads) : undefined,
      nextId: nextId === undefined ? undefined : await nextId,
      top: await top,
    };
  }

  async readTensors(): Promise<HostTensor[]> {
    const leaves = paramLeaves<Buf>(this.shapes, this.params);
    const reads = leaves.map(({ leaf }) => this.backend.read(leaf));
    await this.backend.flush();
    const values = await Promise.all(reads);
    let i = 0;
    const host = mapParams(this.shapes, this.params, (_leaf: Buf, path, shape) => ({ name: path, shape, data: values[i++] }));
    return this.toHf(host as DecoderParams<HostTensor>);
  }

  dispose() {
    this.qkvCache.forEach((buf) => this.backend.free(buf));
    if (!this.ownsParams) return;
    new Set(paramLeaves<Buf>(this.shapes, this.params).map(({ leaf }) => leaf)).forEach((buf) => this.backend.free(buf));
  }
}
