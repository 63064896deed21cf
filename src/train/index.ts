// Fine-tuning on the GPU: the training graphs of the two architectures, the trainer core and the LR schedule.
export { BertTrain, type BertBatch, type BertTrainOptions } from './bertTrain';
export { Gpt2Train, nextTokenTargets, type Gpt2Batch, type Gpt2TrainOptions } from './gpt2Train';
export type { MicroBatchContext, MicroBatchRecording, TrainGraph } from './graph';
export { IGNORE_INDEX } from '../kernels/crossEntropy/targets';
export type { TrainableParameter } from './parameters';
export { learningRate, type LrSchedule } from './schedule';
export { Trainer, type OptimizerState, type StepResult, type TrainerOptions } from './trainer';
