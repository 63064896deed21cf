export { Gpu, type GpuInfo } from './gpu';
export { GpuError } from './errors';
export { Recorder } from './recorder';
export { Tensor, BYTES_PER_ELEMENT, type Binding, type DType, type TensorWindow } from './tensor';
export { Uniforms } from './uniforms';
export { workgroupGrid } from './grid';
