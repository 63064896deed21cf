// Token-by-token decoding in onnxruntime-web with the exported KV cache (any decoder family's graph with
// `pastKeyValues`): each step feeds the previous step's present.* as past_key_values.*, (1, heads, P, headSize) where
// `heads` is the kv heads (Hkv: fewer than the query heads with grouped-query attention). With the WebGPU provider the
// cache stays on the GPU.

import type * as Ort from 'onnxruntime-web';
import { createOrtSession, type OrtModule, type OrtProvider } from './ortSession';

/** The cache after some positions, kept alive until `release()`. */
export interface DecoderState {
  past: Record<string, Ort.Tensor>;
  length: number;
}

export class OrtGpt2Decoder {
  private past: Record<string, Ort.Tensor> = {};
  private length = 0;
  private readonly kept = new Set<Ort.Tensor>();

  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    private readonly layers: number,
    private readonly heads: number,
    private readonly headSize: number,
  ) {
    this.reset();
  }

  static async create(ort: OrtModule, graph: Uint8Array, provider: OrtProvider, shape: { layers: number; heads: number; headSize: number }) {
    const presents = Array.from({ length: shape.layers }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat();
    const session = await createOrtSession(ort, graph, provider, presents);
    return new OrtGpt2Decoder(ort, session, shape.layers, shape.heads, shape.headSize);
  }

  /** Forgets the cache: the next step starts a new sequence. */
  reset(): void {
    this.dispose();
    const empty = () => new this.ort.Tensor('float32', new Float32Array(0), [1, this.heads, 0, this.headSize]);
    for (let l = 0; l < this.layers; l++) {
      this.past[`past_key_values.${l}.key`] = empty();
      this.past[`past_key_values.${l}.value`] = empty();
    }
    this.length = 0;
  }

  /** Runs `ids` after the cached positions; returns their logits (T, V) and keeps the grown cache. */
  async step(ids: readonly number[]): Promise<Float32Array> {
    const T = ids.length;
    const int64 = (values: number[], length: number) => new this.ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, length]);
    const feeds = {
      ...this.past,
      input_ids: int64([...ids], T),
      attention_mask: int64(new Array<number>(this.length + T).fill(1), this.length + T),
    };
    const outputs = await this.session.run(feeds);
    this.dispose();
    for (let l = 0; l < this.layers; l++) {
      this.past[`past_key_values.${l}.key`] = outputs[`present.${l}.key`];
      this.past[`past_key_values.${l}.value`] = outputs[`present.${l}.value`];
    }
    this.length += T;
    return outputs.logits.data as Float32Array;
  }

  /** Keeps the current cache so that `restore` can return to it (e.g. decode again after the same prompt). */
  snapshot(): DecoderState {
    Object.values(this.past).forEach((tensor) => this.kept.add(tensor));
    return { past: { ...this.past }, length: this.length };
  }

  restore(state: DecoderState): void {
    this.dispose();
    this.past = { ...state.past };
    this.length = state.length;
  }

  async release(): Promise<void> {
    this.dispose();
    this.kept.forEach((tensor) => tensor.dispose());
    this.kept.clear();
    await this.session.release();
  }

  private dispose(): void {
    for (const tensor of Object.values(this.past)) if (!this.kept.has(tensor)) tensor.dispose();
    this.past = {};
  }
}
