/** A half-open range of UTF-16 indices into the source text. */
export type CharRange = readonly [number, number];

export function overlaps(a: CharRange, b: CharRange): boolean {
  if (a[0] === a[1] || b[0] === b[1]) return false;
  return a[0] < b[1] && b[0] < a[1];
}

/** Cuts [0, limit) at every token boundary of every encoding: the segments the source view draws. */
export function segmentBoundaries(offsetLists: readonly (readonly (readonly [number, number])[])[], limit: number): number[] {
  const cuts = new Set<number>([0, limit]);
  for (const offsets of offsetLists) {
    for (const [start, end] of offsets) {
      if (start < limit) cuts.add(start);
      if (end < limit) cuts.add(end);
    }
  }
  return [...cuts].sort((a, b) => a - b);
}
