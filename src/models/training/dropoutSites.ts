// Dropout where Hugging Face puts it outside attention: on the embeddings and on each residual branch before it
// joins the stream (and, for BERT, on the pooled output). Each site of each micro-batch draws its own mask from
// the micro-batch's seed, and the backward pass applies the same mask to the gradient.

import type { Recorder, Tensor } from '../../gpu';
import { dropout } from '../../kernels/dropout/dropout';
import { hash32 } from '../../kernels/dropout/hash';

export class DropoutSites {
  constructor(
    readonly p: number, // 0 turns dropout off: apply() then records nothing
    private readonly seed: number,
  ) {}

  /** dropout(x) at `site` into `scratch`, returned; x itself when dropout is off. */
  apply(rec: Recorder, x: Tensor, scratch: Tensor, n: number, site: number): Tensor {
    if (this.p === 0) return x;
    dropout(rec, { x, out: scratch, n, p: this.p, seed: hash32(this.seed ^ hash32(site)) });
    return scratch;
  }
}
