// Cross-entropy targets: class ids, or IGNORE_INDEX (Hugging Face's -100) for positions that predict nothing.

/** Hugging Face's ignore index: a target of -100 contributes no loss and no gradient. */
export const IGNORE_INDEX = -100;

/** Targets for the GPU: class ids in [0, V) and IGNORE_INDEX, checked, as u32. */
export function targetsToU32(targets: ArrayLike<number>, V: number): Uint32Array {
  const out = new Uint32Array(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i];
    if (target !== IGNORE_INDEX && !(Number.isInteger(target) && target >= 0 && target < V)) {
      throw new Error(`target ${target} at ${i} is neither a class id in [0, ${V}) nor ${IGNORE_INDEX}`);
    }
    out[i] = target >>> 0;
  }
  return out;
}
