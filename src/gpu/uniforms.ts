/**
 * Builds the bytes of a WGSL uniform struct made of 4-byte scalars, in declaration order:
 * `new Uniforms().u32(rows).f32(eps).bytes()`. The result is padded to 16 bytes.
 */
export class Uniforms {
  private readonly words: number[] = [];
  private readonly kinds: ('u32' | 'i32' | 'f32')[] = [];

  u32(value: number): this {
    return this.push('u32', value);
  }

  i32(value: number): this {
    return this.push('i32', value);
  }

  f32(value: number): this {
    return this.push('f32', value);
  }

  bytes(): ArrayBuffer {
    const bytes = new ArrayBuffer(Math.max(16, Math.ceil(this.words.length / 4) * 16));
    const view = new DataView(bytes);
    this.words.forEach((value, i) => {
      const kind = this.kinds[i];
      if (kind === 'f32') view.setFloat32(i * 4, value, true);
      else if (kind === 'i32') view.setInt32(i * 4, value, true);
      else view.setUint32(i * 4, value, true);
    });
    return bytes;
  }

  private push(kind: 'u32' | 'i32' | 'f32', value: number): this {
    if (kind !== 'f32' && !Number.isInteger(value)) throw new RangeError(`uniform ${kind} must be an integer, got ${value}`);
    this.kinds.push(kind);
    this.words.push(value);
    return this;
  }
}
