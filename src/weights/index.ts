export { WeightsError } from './errors';
export { formatShape, numelOf, renamed, type HostTensor } from './host-tensor';
export { bf16BitsToFloat32, f16BitsToFloat32, float32ToBf16Bits, float32ToF16Bits } from './half';
export { DTYPE_BYTES, MAX_HEADER_BYTES, SafetensorsFile, type SafetensorsDtype, type TensorEntry } from './safetensors';
export { writeSafetensors, type WritableDtype, type WritableTensor } from './safetensors-writer';
export { parseModelConfig, type BertConfig, type GeluForm, type Gpt2Config, type ModelConfig } from './config';
export {
  gpt2WeightsFromSafetensors,
  gpt2WeightsToTensors,
  type Gpt2BlockWeights,
  type Gpt2Weights,
} from './gpt2-weights';
export {
  bertWeightsFromSafetensors,
  bertWeightsToTensors,
  type BertClassifierWeights,
  type BertLayerWeights,
  type BertMlmHeadWeights,
  type BertPoolerWeights,
  type BertWeights,
} from './bert-weights';
export {
  downloadFile,
  FileNotFoundError,
  type DownloadedFile,
  type DownloadRequest,
  type FetchFunction,
} from './download';
export { clearModelCache, MODEL_CACHE_NAME, openBrowserCache, type ByteCache } from './model-cache';
export {
  DEFAULT_HUB_ENDPOINT,
  describeSource,
  hubBaseUrl,
  loadModelFiles,
  modelFileUrl,
  type FileProgress,
  type LoadOptions,
  type LoadProgress,
  type ModelFileName,
  type ModelFiles,
  type ModelSource,
} from './sources';
