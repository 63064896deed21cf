// Fine-tuning on the GPU: the trainer core (AdamW, clipping, one submit per step) and the LR schedule. The training
// graphs themselves belong to the model architectures (src/models/encoder/train.ts, src/models/decoder/train.ts).
export { learningRate, type LrSchedule } from './schedule';
export { Trainer, type OptimizerState, type StepResult, type TrainerOptions } from './trainer';
