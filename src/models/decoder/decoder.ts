// The pre-norm decoder forward pass (GPT-2, GPT-NeoX, Llama, Qwen2) as Hugging Face's *ForCausalLM classes compute it:
// token (+ position) embeddings, then per block
//   sequential:  x = x + attn_out(attention(qkv(norm1 x)))   x = x + mlp(norm2 x)
//   parallel:    x = x + attn_out(attention(qkv(norm1 x))) + mlp(norm2 x)
// causal attention (rotary embeddings on q and k where the family uses them, grouped-query where Hkv < H), a final
// norm (LayerNorm or RMSNorm) and the LM head (tied or not); the MLP is out(gelu(in x)) or down(silu(gate x)·up x).
// Written once against `Backend`: it runs on the GPU kernels or on their CPU references.
//
// The KV cache, per layer: only the kv heads, (P, 2·Hkv·D) k|v rows (prefill and decode are the same code). A step
// writes rows [p, p + T):
//   torch Linear weights (NeoX, Llama, Qwen2): q into a scratch (T, H·D) and k|v straight into the cache rows (two
//         products over the rows of one fused weight); q and the new keys are rotated there (each key once, at the
//         step that produced it).
//   Conv1D weights (GPT-2, (C, 3C)): the fused product into q|k|v rows (T, Q), then their k|v columns copied into the
//         cache rows; attention reads the queries from the q|k|v rows.
// Either way attention reads keys and values from cache rows [0, p + T).

import { ropeTable } from '../../kernels/rope/rope.ref';
import type { HostTensor } from '../../weights/host-tensor';
import { epilogue, type Backend } from '../backend';
import { checkTokenIds } from '../checkIds';
import type { ForwardInput, ForwardOptions, ForwardResult, LanguageModel, ModelArchitecture, ModelConfig, ModelHeads } from '../family';
import { freeParams, readParams } from '../params';
import { addArrays, TraceTaps } from '../trace';
import { qkvWidth, type DecoderBlock, type DecoderParams, type DecoderSpec } from './params';

/** Width of one cache row: the kv heads' k|v. */
const cacheWidth = (spec: DecoderSpec): number => 2 * spec.dims.Hkv * spec.dims.D;

/** What the model holds across forwards: the KV cache for every position, and the rotary cos/sin table. */
export function decoderCacheShapes(spec: DecoderSpec) {
  const { L, P } = spec.dims;
  return {
    layers: Array.from({ length: L }, () => [P, cacheWidth(spec)]), // (L) x (P, 2·Hkv·D)
    ropeTable: spec.rotary ? [P, spec.rotary.dim / 2, 2] : undefined, // (P, R/2, 2) cos, sin
  };
}

/** What one forward pass at T tokens allocates (the forward allocates exactly these; the estimate sums them). */
export function decoderActivationShapes(spec: DecoderSpec, T: number, Tk = T) {
  const { C, H, D, F, L, V } = spec.dims;
  const queryWidth = spec.weightLayout === 'kn' ? qkvWidth(spec.dims) : H * D; // q|k|v rows of a Conv1D product, or q
  return {
    residual: [T, C], normed: [T, C], attnOut: [T, H * D], branch: [T, C], hidden: [T, F],
    gateUp: spec.mlp === 'swiglu' ? [T, 2 * F] : undefined, // the fused gate | up product
    queries: Array.from({ length: L }, () => [T, queryWidth]), // one scratch; every layer's when q and k are saved
    probs: Array.from({ length: L }, () => [H, T, Tk]), // only when attention is saved
    logits: [T, V], // at most every row
  };
}

export class Decoder<Buf> implements LanguageModel<Buf> {
  readonly heads: ModelHeads;
  /** Per layer: (P, 2·Hkv·D) k|v of every position seen so far. */
  private readonly cache: Buf[];
  /** (P, R/2, 2) cos, sin of every position's rotary angles, when the family rotates q and k. */
  private readonly ropeTable?: Buf;
  cacheLength = 0;

  get architecture(): ModelArchitecture {
    const { rotary, parallelResidual, mlp } = this.spec;
    return { rotary: rotary && { dim: rotary.dim, base: rotary.base, scale: rotary.scale }, parallelResidual, mlp, positionIds: 'from-zero', paddingIdx: 0 };
  }

  constructor(
    readonly backend: Backend<Buf>,
    readonly config: ModelConfig,
    readonly spec: DecoderSpec,
    private readonly shapes: DecoderParams<number[]>,
    private readonly params: DecoderParams<Buf>,
    private readonly toHf: (params: DecoderParams<HostTensor>) => HostTensor[],
    private readonly ownsParams = true,
  ) {
    if (spec.rotary && spec.weightLayout === 'kn') throw new Error(`${config.modelType}: rotary embeddings are implemented for torch Linear (nk) weights.`);
    this.heads = { lm: true, classifier: false, pooler: false };
    const cacheShapes = decoderCacheShapes(spec);
    this.cache = cacheShapes.layers.map((shape, l) => backend.alloc(shape, `h.${l}.kv_cache`));
    if (spec.rotary && cacheShapes.ropeTable) {
      const { dim, base, scale } = spec.rotary;
      this.ropeTable = backend.fromFloats(ropeTable({ rotaryDim: dim, base, linearFactor: scale, positions: spec.dims.P }), cacheShapes.ropeTable, 'rope_table');
    }
  }

  resetCache() {
    this.cacheLength = 0;
  }

  truncateCache(length: number) {
    if (!Number.isInteger(length) || length < 0 || length > this.cacheLength) throw new Error(`The cache holds ${this.cacheLength} positions; cannot keep ${length}.`);
    this.cacheLength = length;
  }

  /**
   * With `saveQkv`, each layer's q | k | v rows come back as (Tk, (H + 2·Hkv)·D) with q and k AFTER the rotary
   * embedding (what attention multiplies; the neuron view labels them so). The cache keeps no queries of earlier
   * forwards, so saving them needs a forward from an empty cache.
   */
  async forward(input: ForwardInput, options: ForwardOptions = {}): Promise<ForwardResult> {
    const { backend, spec, params: p } = this;
    const { C, H, Hkv, D, F, V, P, eps, activation } = spec.dims;
    const layout = spec.weightLayout;
    const { ids } = input;
    const T = ids.length;
    const past = this.cacheLength;
    if (T === 0) throw new Error('The decoder needs at least one token.');
    if (input.tokenTypeIds || input.attentionMask) throw new Error(`${this.config.modelType} takes neither token types nor a padding mask.`);
    if (past + T > P) throw new Error(`The context limit of this model is ${P} tokens; ${past + T} were asked for.`);
    if (options.saveQkv && past > 0) throw new Error('Saving q, k and v needs a forward from an empty cache (resetCache first): earlier queries are not kept.');
    checkTokenIds(ids, V);
    const taps = new TraceTaps(backend, options.trace, spec.dims.L, T);
    if (taps.on && past > 0) throw new Error('A trace needs a forward from an empty cache (resetCache first): earlier queries are not kept.');
    const Tk = past + T;
    const Q = qkvWidth(spec.dims);
    const A = H * D;
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
    const gateUp = a.gateUp && alloc(a.gateUp, 'mlp_gate_up'); // (T, 2F)
    const queryScratch = !options.saveQkv && !taps.on ? alloc(a.queries[0], layout === 'kn' ? 'qkv' : 'q') : undefined; // (T, Q) or (T, H·D)
    const queries = a.queries.map((shape, l) => queryScratch ?? alloc(shape, `h.${l}.${layout === 'kn' ? 'qkv' : 'q'}`)); // (L) x (T, Q) or (T, H·D)
    const probs = a.probs.map((shape, l) => (options.saveAttention || taps.wants(l) ? alloc(shape, `h.${l}.attn_probs`) : undefined)); // (H, T, Tk)
    const lensNormed = taps.on ? alloc([T, C], 'lens_normed') : undefined; // (T, C)
    const lensLogits = taps.on ? alloc([1, V], 'lens_logits') : undefined; // (1, V)

    const norm = (stream: Buf, weight: Buf, bias: Buf | undefined, out: Buf) => {
      if (spec.dims.norm === 'rmsnorm') backend.rmsnorm({ x: stream, weight, out, rows: T, C, eps });
      else backend.layernorm({ x: stream, gamma: weight, beta: bias!, out, rows: T, C, eps });
    };
    const rotate = (buf: Buf, heads: number, stride: number, rowOffset: number) => {
      if (!spec.rotary) return;
      backend.rope({ x: buf, table: this.ropeTable!, rows: T, heads, D, rotaryDim: spec.rotary.dim, stride, rowOffset, positionOffset: past });
    };
    /** k|v of normed into the cache and q beside it, rotated; then causal attention over every cached key. */
    const attend = (block: DecoderBlock<Buf>, l: number) => {
      const cache = this.cache[l];
      if (layout === 'kn') {
        const rows = queries[l]; // (T, Q) q|k|v
        backend.matmul({ x: normed, w: block.qkvWeight, bias: block.qkvBias, out: rows, M: T, N: Q, K: C, wLayout: 'kn' });
        backend.copyRows({ src: rows, srcStride: Q, srcCol: A, dst: cache, dstStride: Q - A, dstRow: past, rows: T, cols: Q - A });
        taps.layer(l, 'qkv', rows);
        backend.attention({ q: rows, qStride: Q, kv: cache, out: attnOut, probs: probs[l], Tq: T, Tk, H, Hkv, D, causal: true, qOffset: past });
        return;
      }
      const q = queries[l];
      backend.matmul({ x: normed, w: block.qkvWeight, bias: block.qkvBias, out: q, M: T, N: A, K: C, wLayout: 'nk' });
      backend.matmul({ x: normed, w: block.qkvWeight, bias: block.qkvBias, out: cache, M: T, N: Q - A, K: C, wLayout: 'nk', wRowOffset: A, outRowOffset: past });
      rotate(q, H, A, 0);
      rotate(cache, Hkv, Q - A, past); // the new keys: the first Hkv heads of each new k|v row
      taps.layer(l, 'q', q);
      taps.layer(l, 'kv', cache, past * (Q - A), T * (Q - A));
      backend.attention({ q, kv: cache, out: attnOut, probs: probs[l], Tq: T, Tk, H, Hkv, D, causal: true, qOffset: past });
    };
    /** branch = mlp(normed). */
    const mlp = (block: DecoderBlock<Buf>, l: number) => {
      if (gateUp) {
        backend.matmul({ x: normed, w: block.mlpInWeight, bias: block.mlpInBias, out: gateUp, M: T, N: 2 * F, K: C, wLayout: layout });
        backend.swiglu({ gateUp, out: hidden, rows: T, F });
      } else {
        backend.matmul({ x: normed, w: block.mlpInWeight, bias: block.mlpInBias, out: hidden, M: T, N: F, K: C, wLayout: layout, activation: epilogue(activation) });
      }
      taps.layer(l, 'ffnHidden', hidden);
      backend.matmul({ x: hidden, w: block.mlpOutWeight, bias: block.mlpOutBias, out: branch, M: T, N: C, K: F, wLayout: layout });
      taps.layer(l, 'ffnOut', branch);
    };
    const attentionOutput = (block: DecoderBlock<Buf>, l: number) => {
      taps.layer(l, 'mixed', attnOut);
      backend.matmul({ x: attnOut, w: block.attnOutWeight, bias: block.attnOutBias, out: branch, M: T, N: C, K: A, wLayout: layout });
      taps.layer(l, 'attnOut', branch);
    };
    /** The logit lens at the traced position: the final norm and the LM head on this layer's output. */
    const lens = (l: number) => {
      if (!taps.wants(l)) return;
      norm(x, p.lnfWeight, p.lnfBias, lensNormed!);
      backend.matmul({ x: lensNormed!, xRowOffset: taps.lensPosition, w: p.lmHead ?? p.tokenEmbeddings, out: lensLogits!, M: 1, N: V, K: C, wLayout: 'nk' });
      taps.layer(l, 'lens', lensLogits!);
    };

    backend.embedding({ ids: idsBuf, wte: p.tokenEmbeddings, wpe: p.positionEmbeddings, out: x, T, C, positionOffset: past });
    taps.tableRows('token', p.tokenEmbeddings, ids, C);
    if (p.positionEmbeddings) taps.tableRows('position', p.positionEmbeddings, ids.map((_, t) => past + t), C);
    taps.embedding('sum', x);
    p.blocks.forEach((block: DecoderBlock<Buf>, l) => {
      taps.layer(l, 'input', x);
      norm(x, block.ln1Weight, block.ln1Bias, normed);
      taps.layer(l, 'normed', normed);
      attend(block, l);
      if (spec.parallelResidual) {
        // Both norms read the block's input: the MLP branch first, then the attention branch (attnOut waits in its buffer).
        norm(x, block.ln2Weight, block.ln2Bias, normed);
        mlp(block, l);
        backend.add({ a: x, b: branch, out: x, n: T * C });
        attentionOutput(block, l);
        backend.add({ a: x, b: branch, out: x, n: T * C });
        // x + attn(ln1 x) + mlp(ln2 x): the attention half of the sum, as the sequential block has it.
        taps.derived(l, 'residual1', async (read) => addArrays(await read('input'), await read('attnOut')));
        taps.layer(l, 'residual2', x);
        lens(l);
        return;
      }
      attentionOutput(block, l);
      backend.add({ a: x, b: branch, out: x, n: T * C });
      taps.layer(l, 'residual1', x);
      norm(x, block.ln2Weight, block.ln2Bias, normed);
      mlp(block, l);
      backend.add({ a: x, b: branch, out: x, n: T * C });
      taps.layer(l, 'residual2', x);
      lens(l);
    });
    norm(x, p.lnfWeight, p.lnfBias, normed);
    taps.final(normed);

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
    const attentionReads = options.saveAttention ? probs.map((buf) => backend.read(buf!)) : [];
    probs.forEach((buf, l) => buf && taps.layer(l, 'probs', buf));
    const width = cacheWidth(spec);
    const cacheReads = options.saveQkv && layout === 'nk' ? this.cache.map((buf) => backend.read(buf, 0, Tk * width)) : [];
    const queryReads = options.saveQkv ? queries.map((buf) => backend.read(buf)) : [];
    const nextId = options.sample && backend.sample({ logits: lastRow, V, ...options.sample });
    const top = options.topK ? backend.topProbabilities({ logits: lastRow, V, k: options.topK }) : undefined;
    await backend.flush();
    temp.forEach((buf) => backend.free(buf));
    this.cacheLength = Tk;
    // (T, Q) q | k | v per layer: the Conv1D product's rows as they are, or the queries and the cache rows side by side.
    const qkv = options.saveQkv ? await Promise.all(layout === 'kn' ? queryReads : cacheReads) : undefined;
    if (qkv && layout === 'nk') {
      const qs = await Promise.all(queryReads);
      qkv.forEach((kv, l) => (qkv[l] = interleaveRows(qs[l], A, kv, width, T)));
    }
    const trace = await taps.result(spec.dims.L, (q, kv) => interleaveRows(q, A, kv, width, T));
    return {
      logits: await logitsRead,
      hidden: await hiddenRead,
      attentions: options.saveAttention ? await Promise.all(attentionReads) : undefined,
      trace,
      qkv,
      nextId: nextId === undefined ? undefined : await nextId,
      top: await top,
    };
  }

  async readTensors(): Promise<HostTensor[]> {
    return this.toHf((await readParams(this.backend, this.shapes, this.params)) as DecoderParams<HostTensor>);
  }

  dispose() {
    this.cache.forEach((buf) => this.backend.free(buf));
    if (this.ropeTable) this.backend.free(this.ropeTable);
    if (!this.ownsParams) return;
    freeParams(this.backend, this.shapes, this.params);
  }
}

/** Rows of (T, a) and (T, b) side by side: (T, a + b). */
function interleaveRows(left: Float32Array, a: number, right: Float32Array, b: number, T: number): Float32Array {
  const out = new Float32Array(T * (a + b));
  for (let t = 0; t < T; t++) {
    out.set(left.subarray(t * a, (t + 1) * a), t * (a + b));
    out.set(right.subarray(t * b, (t + 1) * b), t * (a + b) + a);
  }
  return out;
}
