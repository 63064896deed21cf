// Shared formatting for messages and the UI: the one byte formatter of the project (every layer may use it).

/** Bytes for people: 512 B, 3.4 KiB, 120 MiB, 1.50 GiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} B`;
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? (unit >= 2 ? 2 : 1) : value < 100 ? 1 : 0)} ${units[unit]}`;
}
