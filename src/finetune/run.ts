// A fine-tuning run put together: the model it starts from (kept in the run store, so "before" stays loadable),
// its data and settings, the memory check, a stepper and the loop. Starts fresh or resumes from the store.

import { GpuStepper } from './gpuStepper';
import type { Gpu } from '../gpu';
import { generate } from '../engine/generate';
import type { Backend } from '../models/backend';
import type { ModelConfig, ModelFamily } from '../models/family';
import { familyOf, parseModelConfig } from '../models/registry';
import { loadTokenizer, type TextTokenizer } from '../tokenizers/tokenizer';
import { SafetensorsFile } from '../weights/safetensors';
import { classificationBatch, encodeExample } from './batches';
import { causalLmData, classificationData } from './data/trainingData';
import { exportFolder } from './export';
import { HeadStepper } from './headStepper';
import { checkHyperparameters, defaultHyperparameters, type Hyperparameters, type Task, type TrainingMode } from './hyperparameters';
import { trainingMemoryProblem, type MemoryLimits } from './memory';
import { softmaxRows } from '../common/softmax';
import type { BaseModelFiles, RunData, RunRecord, RunStore } from './runStore';
import { FineTuneLoop, type TrainingData, type TrainingStepper } from './session';

export interface RunEnvironment {
  store: RunStore;
  backend: Backend<unknown>;
  /** The device for training every parameter; absent without WebGPU. */
  gpu?: Gpu;
  limits: MemoryLimits;
  /** The model's files before fine-tuning, with a tokenizer.json (the family's built-in one when it has none). */
  loadBaseModel(model: string | File[]): Promise<BaseModelFiles>;
}

export interface RunSettings {
  task: Task;
  mode: TrainingMode;
  model: string | File[];
  hyperparameters?: Partial<Hyperparameters>;
}

export interface Classification {
  label: string;
  probabilities: { label: string; probability: number }[];
}

export class FineTuneRun {
  private constructor(
    readonly record: RunRecord,
    readonly loop: FineTuneLoop,
    readonly runData: RunData,
    private readonly base: BaseModelFiles,
    private readonly config: ModelConfig,
    private readonly family: ModelFamily,
    private readonly tokenizer: TextTokenizer,
    private readonly stepper: TrainingStepper,
  ) {}

  static async start(runData: RunData, settings: RunSettings, env: RunEnvironment): Promise<FineTuneRun> {
    const base = await env.loadBaseModel(settings.model);
    const width = parseModelConfig(base.config).dims.C;
    const hyperparameters = { ...defaultHyperparameters(settings.task, settings.mode, width), ...settings.hyperparameters };
    const record: RunRecord = {
      runId: `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
      createdAt: Date.now(),
      task: settings.task,
      mode: settings.mode,
      hyperparameters,
      status: 'running',
      checkpointStep: 0,
      modelName: base.name,
    };
    const run = FineTuneRun.assemble(record, runData, base, env);
    await env.store.createRun(record, runData, base);
    return run;
  }

  /** The run as its last good checkpoint left it (from the start when it never saved one). */
  static async resume(runId: string, env: RunEnvironment): Promise<FineTuneRun> {
    const record = (await env.store.runs()).find((run) => run.runId === runId);
    if (!record) throw new Error(`There is no run ${runId} to resume.`);
    const { data, base } = await env.store.runData(runId);
    return FineTuneRun.assemble(record, data, base, env, await env.store.loadCheckpoint(runId));
  }

  private static assemble(record: RunRecord, runData: RunData, base: BaseModelFiles, env: RunEnvironment, resumeFrom?: Awaited<ReturnType<RunStore['loadCheckpoint']>>): FineTuneRun {
    const config = parseModelConfig(base.config);
    const family = familyOf(config);
    const { task, mode, hyperparameters: h } = record;
    if (runData.task !== task) throw new Error(`The data is for ${runData.task}, the run for ${task}.`);
    if (!family.trainingTasks.includes(task)) {
      const wanted = task === 'classification' ? 'sequence classification fine-tunes an encoder (BERT, DistilBERT, RoBERTa)' : 'causal language modelling fine-tunes a decoder (GPT-2 and its relatives)';
      throw new Error(`The loaded model is ${family.label}; ${wanted}: load one first.`);
    }
    checkHyperparameters(h, config.dims.P);
    const numLabels = runData.task === 'classification' ? runData.labels.length : 0;
    const problem = trainingMemoryProblem(config, mode, h.batchSize, h.maxLength, env.limits, numLabels);
    if (problem) throw new Error(problem);
    const tokenizer = loadTokenizer(base.tokenizer);
    const padId = config.special.pad ?? config.special.eos ?? 0;
    const split = { validationFraction: h.validationFraction, seed: h.seed, batchSize: h.batchSize, maxLength: h.maxLength };
    const data: TrainingData =
      runData.task === 'classification'
        ? classificationData(runData.examples, numLabels, tokenizer, padId, split)
        : causalLmData(runData.text, tokenizer, padId, split);
    const stepper = createStepper(mode, family, config, base, env, numLabels, h);
    const loop = new FineTuneLoop({ runId: record.runId, hyperparameters: h, data, stepper, store: env.store, resumeFrom });
    return new FineTuneRun(record, loop, runData, base, config, family, tokenizer, stepper);
  }

  get labels(): string[] {
    return this.runData.task === 'classification' ? this.runData.labels : [];
  }

  /** The fine-tuned classifier's prediction, between two training steps. */
  async classify(text: string, pair?: string): Promise<Classification> {
    if (this.record.task !== 'classification') throw new Error('Classify needs a classification run.');
    const row = encodeExample(this.tokenizer, { text, pair }, this.record.hyperparameters.maxLength);
    const batch = classificationBatch([row], this.config.special.pad ?? 0, 0);
    const { logits } = await this.loop.between(() => this.stepper.evaluate(batch));
    const probabilities = Array.from(softmaxRows(logits, this.labels.length), (probability, id) => ({ label: this.labels[id], probability }));
    const best = probabilities.reduce((a, b) => (b.probability > a.probability ? b : a));
    return { label: best.label, probabilities };
  }

  /** A short continuation of `prompt` by the model as it is now (causal LM): the training parameters themselves, no copy. */
  async sample(prompt: string, maxNewTokens = 24): Promise<string> {
    if (this.record.task !== 'causal-lm' || !(this.stepper instanceof GpuStepper)) throw new Error('Samples come from a causal-LM run.');
    const stepper = this.stepper;
    return this.loop.between(async () => {
      const model = stepper.model();
      try {
        const eos = this.config.special.eos;
        const promptIds = this.tokenizer.encode(prompt, { addSpecialTokens: false }).ids;
        const { ids } = await generate(model, promptIds, { maxNewTokens, seed: 1, stopIds: eos === null ? [] : [eos] });
        return this.tokenizer.decode(ids);
      } finally {
        model.dispose();
      }
    });
  }

  /** The model after fine-tuning, as a Hugging Face folder. */
  async exportFiles(): Promise<File[]> {
    const tensors = await this.loop.between(() => this.stepper.exportTensors());
    const name = `${this.base.name}-finetuned-${this.record.runId}`;
    return exportFolder({ task: this.record.task, architecture: this.family.architectureFor(this.record.task), baseConfig: this.base.config, tensors, tokenizer: this.base.tokenizer, labels: this.labels, name });
  }

  /** The model before fine-tuning (for the before/after attention views). */
  beforeFiles(): File[] {
    const json = (value: unknown, name: string) => new File([JSON.stringify(value)], name, { type: 'application/json' });
    return [json(this.base.config, 'config.json'), new File([this.base.safetensors], 'model.safetensors'), json(this.base.tokenizer, 'tokenizer.json')];
  }

  dispose() {
    this.loop.stop();
    this.stepper.dispose();
  }
}

function createStepper(mode: TrainingMode, family: ModelFamily, config: ModelConfig, base: BaseModelFiles, env: RunEnvironment, numLabels: number, h: Hyperparameters): TrainingStepper {
  const source = SafetensorsFile.parse(new Uint8Array(base.safetensors));
  if (mode === 'full') {
    if (!env.gpu) throw new Error('Training every parameter needs WebGPU. Without it, choose "classifier head only" (classification).');
    return new GpuStepper(env.gpu, family, config, source, numLabels, h);
  }
  if (!family.classifierHead || !family.withClassifierHead) throw new Error(`Training the head only is for sequence classification with an encoder; ${family.label} is a decoder.`);
  const head = family.classifierHead(config, source, numLabels, h.seed);
  const encoder = family.createModel(env.backend, config, source);
  return new HeadStepper(encoder, head, (trained) => family.withClassifierHead!(config, source, trained), h.weightDecay);
}
