// Tensors already in memory (a saved training state, a fine-tuned model read back from the GPU) as a TensorSource, so
// they load through the same family readers as a checkpoint file.

import { WeightsError } from './errors';
import type { HostTensor } from './host-tensor';
import type { TensorInfo, TensorSource } from './tensor-source';

export function hostSource(tensors: readonly HostTensor[], fileName = 'tensors in memory'): TensorSource {
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  const get = (name: string) => {
    const tensor = byName.get(name);
    if (!tensor) throw new WeightsError(`${fileName}: no tensor named "${name}"`, fileName, name);
    return tensor;
  };
  return {
    fileName,
    names: [...byName.keys()],
    has: (name) => byName.has(name),
    entry: (name): TensorInfo => ({ name, dtype: 'F32', shape: [...get(name).shape] }),
    hostTensor: (name) => get(name),
  };
}
