// GPT-2 (Radford et al. 2019) as Hugging Face's GPT2LMHeadModel computes it: pre-LayerNorm blocks, Conv1D weights
// (in, out), GELU tanh form, causal attention, tied LM head. Written once against `Backend`: it runs on the GPU
// kernels or on their CPU references.
//
// The KV cache is each layer's qkv buffer itself, (P, 3C): a step writes its rows [p, p + T) and attention reads
// queries from those rows and keys/values from rows [0, p + T). Prefill and decode are the same code.

import type { Gpt2Config } from '../../weights/config';
import type { Gpt2Weights, Gpt2BlockWeights } from '../../weights/gpt2-weights';
import type { HostTensor } from '../../weights/host-tensor';
import type { Backend } from '../backend';
import { checkTokenIds } from '../checkIds';

interface BlockParams<Buf> {
  ln1Weight: Buf; ln1Bias: Buf; // (C)
  attnWeight: Buf; attnBias: Buf; // (C, 3C), (3C)
  attnProjWeight: Buf; attnProjBias: Buf; // (C, C), (C)
  ln2Weight: Buf; ln2Bias: Buf; // (C)
  fcWeight: Buf; fcBias: Buf; // (C, F), (F)
  mlpProjWeight: Buf; mlpProjBias: Buf; // (F, C), (C)
}

export interface Gpt2ForwardOptions {
  /** Save each layer's attention probabilities, (H, T, p + T), for the attention views. */
  saveAttention?: boolean;
  /** Also return each layer's q | k | v rows, (p + T, 3C), for the neuron view. */
  saveQkv?: boolean;
  /** Which logits to read back: every new position, only the last, or none (e.g. when sampling on the GPU). */
  logits?: 'all' | 'last' | 'none';
  /** Pick the next token from the last position's logits on the backend (a decode step reads back 4 bytes). */
  sample?: SamplingOptions;
  /** Also return the k most probable next tokens. */
  topK?: number;
}

export interface SamplingOptions {
  temperature: number; // 0 = greedy
  topK: number; // 0 = no limit
  topP: number; // 1 = no limit
  uniform: number; // a uniform random number in [0, 1)
}

export interface Gpt2ForwardResult {
  logits?: Float32Array; // (T, V) or (1, V)
  attentions?: Float32Array[]; // (L) x (H, T, p + T)
  qkv?: Float32Array[]; // (L) x (p + T, 3C)
  nextId?: number;
  top?: { ids: number[]; probs: number[] };
}

export class Gpt2<Buf> {
  private readonly blocks: BlockParams<Buf>[];
  private readonly wte: Buf; // (V, C)
  private readonly wpe: Buf; // (P, C)
  private readonly lnfWeight: Buf;
  private readonly lnfBias: Buf;
  private readonly lmHead: Buf; // (V, C): wte when tied
  /** Per layer (P, 3C): q | k | v of every position seen so far. */
  private readonly qkvCache: Buf[];
  /** Positions held in the cache. */
  cacheLength = 0;

  constructor(
    readonly backend: Backend<Buf>,
    readonly config: Gpt2Config,
    weights: Gpt2Weights,
  ) {
    const upload = (t: HostTensor) => backend.fromFloats(t.data, t.shape, t.name);
    this.wte = upload(weights.wte);
    this.wpe = upload(weights.wpe);
    this.lnfWeight = upload(weights.lnfWeight);
    this.lnfBias = upload(weights.lnfBias);
    this.lmHead = weights.lmHead ? upload(weights.lmHead) : this.wte;
    this.blocks = weights.blocks.map((block) => uploadBlock(block, upload));
    const { nPositions: P, nEmbd: C, nLayer: L } = config;
    this.qkvCache = Array.from({ length: L }, (_, l) => backend.alloc([P, 3 * C], `h.${l}.qkv_cache`));
  }

  /** Forgets the cached positions: the next forward starts a new sequence. */
  resetCache() {
    this.cacheLength = 0;
  }

  /** Runs `ids` at positions [cacheLength, cacheLength + T) and appends them to the cache. */
  async forward(ids: readonly number[], options: Gpt2ForwardOptions = {}): Promise<Gpt2ForwardResult> {
    const { backend, config } = this;
    const { nEmbd: C, nHead: H, nInner: F, nLayer: L, vocabSize: V, nPositions: P, layerNormEpsilon: eps } = config;
    const T = ids.length;
    const p = this.cacheLength;
    if (T === 0) throw new Error('GPT-2 forward needs at least one token');
    if (p + T > P) {
      throw new Error(`The context limit of this model is ${P} tokens; ${p + T} were asked for.`);
    }
    checkTokenIds(ids, V);
    const Tk = p + T;
    const temp: Buf[] = [];
    const alloc = (shape: number[], label: string) => {
      const buf = backend.alloc(shape, label);
      temp.push(buf);
      return buf;
    };
    const idsBuf = backend.fromInts(Uint32Array.from(ids), 'input_ids');
    temp.push(idsBuf);
    const x = alloc([T, C], 'residual'); // (T, C)
    const normed = alloc([T, C], 'ln_out'); // (T, C)
    const attnOut = alloc([T, C], 'attn_out'); // (T, C)
    const branch = alloc([T, C], 'branch_out'); // (T, C)
    const hidden = alloc([T, F], 'mlp_hidden'); // (T, F)
    const probs = options.saveAttention ? Array.from({ length: L }, (_, l) => alloc([H, T, Tk], `h.${l}.attn_probs`)) : [];

    backend.embedding({ ids: idsBuf, wte: this.wte, wpe: this.wpe, out: x, T, C, positionOffset: p });
    this.blocks.forEach((block, l) => {
      const qkv = this.qkvCache[l];
      backend.layernorm({ x, gamma: block.ln1Weight, beta: block.ln1Bias, out: normed, rows: T, C, eps });
      backend.matmul({ x: normed, w: block.attnWeight, bias: block.attnBias, out: qkv, M: T, N: 3 * C, K: C, wLayout: 'kn', outRowOffset: p });
      backend.attention({ qkv, out: attnOut, probs: probs[l], Tq: T, Tk, H, D: C / H, causal: true, qOffset: p });
      backend.matmul({ x: attnOut, w: block.attnProjWeight, bias: block.attnProjBias, out: branch, M: T, N: C, K: C, wLayout: 'kn' });
      backend.add({ a: x, b: branch, out: x, n: T * C });
      backend.layernorm({ x, gamma: block.ln2Weight, beta: block.ln2Bias, out: normed, rows: T, C, eps });
      backend.matmul({ x: normed, w: block.fcWeight, bias: block.fcBias, out: hidden, M: T, N: F, K: C, wLayout: 'kn', activation: 'gelu_tanh' });
      backend.matmul({ x: hidden, w: block.mlpProjWeight, bias: block.mlpProjBias, out: branch, M: T, N: C, K: F, wLayout: 'kn' });
      backend.add({ a: x, b: branch, out: x, n: T * C });
    });
    backend.layernorm({ x, gamma: this.lnfWeight, beta: this.lnfBias, out: normed, rows: T, C, eps });

    const logitRows = options.logits === 'all' ? T : 1;
    const logits = alloc([logitRows, V], 'logits'); // (rows, V)
    backend.matmul({ x: normed, xRowOffset: T - logitRows, w: this.lmHead, out: logits, M: logitRows, N: V, K: C, wLayout: 'nk' });

    const logitsRead = options.logits === 'none' ? undefined : backend.read(logits);
    const attentionReads = probs.map((buf) => backend.read(buf));
    const qkvReads = options.saveQkv ? this.qkvCache.map((buf) => backend.read(buf, 0, Tk * 3 * C)) : [];
    const lastRow = logitRows === 1 ? logits : alloc([1, V], 'last_logits');
    if (lastRow !== logits && (options.sample || options.topK)) {
      backend.matmul({ x: normed, xRowOffset: T - 1, w: this.lmHead, out: lastRow, M: 1, N: V, K: C, wLayout: 'nk' });
    }
    const nextId = options.sample && backend.sample({ logits: lastRow, V, ...options.sample });
    const top = options.topK ? backend.topProbabilities({ logits: lastRow, V, k: options.topK }) : undefined;
    await backend.flush();
    temp.forEach((buf) => backend.free(buf));
    this.cacheLength = Tk;
    return {
      logits: await logitsRead,
      attentions: options.saveAttention ? await Promise.all(attentionReads) : undefined,
      qkv: options.saveQkv ? await Promise.all(qkvReads) : undefined,
      nextId: nextId === undefined ? undefined : await nextId,
      top: await top,
    };
  }

  /** Frees every buffer the model holds. */
  dispose() {
    const { backend } = this;
    const shared = new Set<Buf>([this.wte, this.wpe, this.lnfWeight, this.lnfBias, this.lmHead, ...this.qkvCache]);
    for (const block of this.blocks) Object.values(block).forEach((buf) => shared.add(buf as Buf));
    shared.forEach((buf) => backend.free(buf));
  }
}

function uploadBlock<Buf>(block: Gpt2BlockWeights, upload: (t: HostTensor) => Buf): BlockParams<Buf> {
  return {
    ln1Weight: upload(block.ln1Weight), ln1Bias: upload(block.ln1Bias),
    attnWeight: upload(block.attnWeight), attnBias: upload(block.attnBias),
    attnProjWeight: upload(block.attnProjWeight), attnProjBias: upload(block.attnProjBias),
    ln2Weight: upload(block.ln2Weight), ln2Bias: upload(block.ln2Bias),
    fcWeight: upload(block.fcWeight), fcBias: upload(block.fcBias),
    mlpProjWeight: upload(block.mlpProjWeight), mlpProjBias: upload(block.mlpProjBias),
  };
}
