// The walkthrough's taps into a forward pass: copies of the activation buffers at the points where each stage is
// complete (a GPU read is a copy at that point of the recording, so buffers reused by the next layer are safe), put
// together after the one flush into a ForwardTrace. Nothing is read when no trace was asked for.

import type { Backend } from './backend';
import type { ForwardTrace, LayerTrace, TraceRequest } from './family';

type Stage = Exclude<keyof LayerTrace, 'lens'>;

export class TraceTaps<Buf> {
  private readonly layerReads = new Map<number, Partial<Record<Stage | 'lens' | 'q' | 'kv', Promise<Float32Array>>>>();
  private readonly embeddingReads: Partial<Record<keyof ForwardTrace['embeddings'], Promise<Float32Array>>> = {};
  private finalRead?: Promise<Float32Array>;
  private readonly layers: ReadonlySet<number>;
  readonly lensPosition: number;

  constructor(
    private readonly backend: Backend<Buf>,
    readonly request: TraceRequest | undefined,
    L: number,
    T: number,
  ) {
    const layers = request?.layers ?? Array.from({ length: L }, (_, l) => l);
    for (const layer of layers) {
      if (!Number.isInteger(layer) || layer < 0 || layer >= L) throw new Error(`Layer ${layer} is outside this model's 0..${L - 1}.`);
    }
    this.layers = new Set(layers);
    this.lensPosition = request?.lensPosition ?? T - 1;
    if (request && (!Number.isInteger(this.lensPosition) || this.lensPosition < 0 || this.lensPosition >= T)) {
      throw new Error(`The logit lens position ${this.lensPosition} is outside the ${T} tokens.`);
    }
  }

  get on(): boolean {
    return this.request !== undefined;
  }

  /** Whether layer l's stages are read. */
  wants(layer: number): boolean {
    return this.on && this.layers.has(layer);
  }

  /** Schedules a copy of `buf` (or `count` floats from `offset`) as stage `stage` of layer `layer`. */
  layer(layer: number, stage: Stage | 'lens' | 'q' | 'kv', buf: Buf, offset?: number, count?: number): void {
    if (!this.wants(layer)) return;
    let reads = this.layerReads.get(layer);
    if (!reads) this.layerReads.set(layer, (reads = {}));
    reads[stage] = this.backend.read(buf, offset, count);
  }

  /** A stage some other code already scheduled a read of (e.g. an encoder's masked-LM head as the logit lens). */
  put(layer: number, stage: Stage | 'lens', read: () => Promise<Float32Array>): void {
    if (!this.wants(layer)) return;
    let reads = this.layerReads.get(layer);
    if (!reads) this.layerReads.set(layer, (reads = {}));
    reads[stage] = read();
  }

  /** A stage computed on the host from stages already read (e.g. a parallel block's input + attnOut). */
  derived(layer: number, stage: Stage, compute: (read: (stage: Stage) => Promise<Float32Array>) => Promise<Float32Array>): void {
    if (!this.wants(layer)) return;
    const reads = this.layerReads.get(layer)!;
    reads[stage] = compute((s) => reads[s]!);
  }

  embedding(part: keyof ForwardTrace['embeddings'], buf: Buf, offset?: number, count?: number): void {
    if (this.on) this.embeddingReads[part] = this.backend.read(buf, offset, count);
  }

  /** Rows of a table (token, position or type embeddings), gathered on the host from one read per row. */
  tableRows(part: 'token' | 'position' | 'tokenType', table: Buf, rows: readonly number[], C: number): void {
    if (!this.on) return;
    const reads = rows.map((row) => this.backend.read(table, row * C, C));
    this.embeddingReads[part] = Promise.all(reads).then((parts) => {
      const out = new Float32Array(rows.length * C);
      parts.forEach((part, t) => out.set(part, t * C));
      return out;
    });
  }

  final(buf: Buf): void {
    if (this.on) this.finalRead = this.backend.read(buf);
  }

  /**
   * After the flush: the trace. `joinQkv` puts a layer's q and k|v reads together when the model keeps them apart
   * (a decoder's query scratch beside its kv cache).
   */
  async result(L: number, joinQkv?: (q: Float32Array, kv: Float32Array) => Float32Array): Promise<ForwardTrace | undefined> {
    if (!this.on) return undefined;
    const embeddings = Object.fromEntries(await Promise.all(Object.entries(this.embeddingReads).map(async ([key, read]) => [key, await read]))) as ForwardTrace['embeddings'];
    const layers: (LayerTrace | undefined)[] = [];
    for (let l = 0; l < L; l++) {
      const reads = this.layerReads.get(l);
      if (!reads) {
        layers.push(undefined);
        continue;
      }
      const values = Object.fromEntries(await Promise.all(Object.entries(reads).map(async ([key, read]) => [key, await read]))) as Record<string, Float32Array>;
      if (!values.qkv && values.q && values.kv && joinQkv) values.qkv = joinQkv(values.q, values.kv);
      delete values.q;
      delete values.kv;
      layers.push(values as unknown as LayerTrace);
    }
    return { embeddings, layers, final: { normed: await this.finalRead! }, lensPosition: this.lensPosition };
  }
}

/** a + b elementwise (a host-side stage such as input + attnOut). */
export function addArrays(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((value, i) => value + b[i]);
}
