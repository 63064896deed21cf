/**
 * Spreads `count` workgroups over x and y so neither exceeds `maxPerDimension` (65535 by default).
 * Shaders recover the linear index as `id.x + id.y * num_workgroups.x` and skip indices >= count.
 */
export function workgroupGrid(count: number, maxPerDimension = 65535): [number, number] {
  if (count <= maxPerDimension) return [Math.max(1, count), 1];
  const y = Math.ceil(count / maxPerDimension);
  return [Math.ceil(count / y), y];
}
