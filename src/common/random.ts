// The project's one seeded random number generator (mulberry32): a whole state of one u32, so a checkpoint can save
// it and a resumed run draws exactly the numbers the uninterrupted run would have drawn. Sampling, data splits,
// fresh heads and the kernels' test inputs all use it.

export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform u32, e.g. a seed handed on to the trainer for its dropout. */
  nextU32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: the logarithm stays finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A random order of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }
}

/** Uniform numbers in [0, 1) from a seed, as a function. */
export function seededUniform(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** Normal(0, std) numbers from a seed: fresh heads, reproducibly. */
export function seededNormal(length: number, seed: number, std: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length }, () => std * rng.normal());
}
