// Token labels for axes: short enough to read when the sequence is long; the full text goes in the hover.

/** `token` cut to `max` characters with an ellipsis. */
export function truncateLabel(token: string, max: number): string {
  const characters = [...token];
  if (characters.length <= max) return token;
  return `${characters.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Every `step`-th index of `count`, so labels do not overlap when cells are smaller than a line of text. */
export function labelStep(cellSize: number, lineHeight: number): number {
  return cellSize >= lineHeight ? 1 : Math.ceil(lineHeight / Math.max(cellSize, 1e-6));
}
