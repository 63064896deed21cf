export { Gpu, type GpuInfo, type GpuLimitName, type GpuOptions } from './gpu';
export { GpuError } from './errors';
export { Recorder, type Dispatch, type KernelTiming } from './recorder';
export { Tensor, BYTES_PER_ELEMENT, type Binding, type DType, type HostArray, type TensorWindow } from './tensor';
export { Uniforms } from './uniforms';
export { float16BitsToFloat32, float32ToFloat16Bits, fromFloat16Bits, toFloat16Bits } from './half';
export { workgroupGrid } from './grid';
