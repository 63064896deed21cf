import type { HostTensor } from '../../weights/host-tensor';

/** Stacks tensors along their first dimension: (A, C) + (B, C) -> (A + B, C); 1-D tensors are concatenated. */
export function concatRows(name: string, parts: readonly HostTensor[]): HostTensor {
  const rest = parts[0].shape.slice(1);
  const rows = parts.reduce((total, part) => total + part.shape[0], 0);
  const data = new Float32Array(parts.reduce((total, part) => total + part.data.length, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  return { name, shape: [rows, ...rest], data };
}
