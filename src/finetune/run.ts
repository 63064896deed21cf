// A fine-tuning run put together: the model it starts from (kept in the run store, so "before" stays loadable),
// its data and settings, the memory check, a stepper and the loop. Starts fresh or resumes from the store.

import { GpuStepper } from './gpuStepper';
import type { Gpu } from '../gpu';
import { generate } from '../engine/generate';
import type { Backend } from '../models/backend';
import { buildModel } from '../models/checkpoint';
import { loadTokenizer, type TextTokenizer } from '../tokenizers/tokenizer';
import { modelWidth, parseModelConfig, type ModelConfig } from '../weights/config';
import { writeSafetensors } from '../weights/safetensors-writer';
import { classificationBatch, encodeExample } from './batches';
import { causalLmData, classificationData } from './data/trainingData';
import { exportFolder } from './export';
import { freshClassifier, freshPooler } from './freshHead';
import { HeadStepper } from './headStepper';
import { checkHyperparameters, defaultHyperparameters, type Hyperparameters, type Task, type TrainingMode } from './hyperparameters';
import { trainingMemoryProblem, type MemoryLimits } from './memory';
import { softmaxRows } from './metrics';
import { Rng } from './rng';
import type { BaseModelFiles, RunData, RunRecord, RunStore } from './runStore';
import { FineTuneLoop, type TrainingData, type TrainingStepper } from './session';
import { SafetensorsFile } from '../weights/safetensors';

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
    private readonly tokenizer: TextTokenizer,
    private readonly stepper: TrainingStepper,
    private readonly backend: Backend<unknown>,
  ) {}

  static async start(runData: RunData, settings: RunSettings, env: RunEnvironment): Promise<FineTuneRun> {
    const base = await env.loadBaseModel(settings.model);
    const width = modelWidth(parseModelConfig(base.config));
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
    const { task, mode, hyperparameters: h } = record;
    if (runData.task !== task) throw new Error(`The data is for ${runData.task}, the run for ${task}.`);
    if (task === 'classification' && config.family !== 'bert') throw new Error('Sequence classification fine-tunes a BERT model: load one first.');
    if (task === 'causal-lm' && config.family !== 'gpt2') throw new Error('Causal language modelling fine-tunes a GPT-2 model: load one first.');
    checkHyperparameters(h, config.family === 'bert' ? config.maxPositionEmbeddings : config.nPositions);
    const numLabels = runData.task === 'classification' ? runData.labels.length : 0;
    const problem = trainingMemoryProblem(config, mode, h.batchSize, h.maxLength, env.limits, numLabels);
    if (problem) throw new Error(problem);
    const tokenizer = loadTokenizer(base.tokenizer);
    const padId = config.family === 'bert' ? config.padTokenId : (config.eosTokenId ?? 0);
    const split = { validationFraction: h.validationFraction, seed: h.seed, batchSize: h.batchSize, maxLength: h.maxLength };
    const data: TrainingData =
      runData.task === 'classification'
        ? classificationData(runData.examples, numLabels, tokenizer, padId, split)
        : causalLmData(runData.text, tokenizer, padId, split);
    const stepper = createStepper(mode, base, env, numLabels, h);
    const loop = new FineTuneLoop({ runId: record.runId, hyperparameters: h, data, stepper, store: env.store, resumeFrom });
    return new FineTuneRun(record, loop, runData, base, config, tokenizer, stepper, env.backend);
  }

  get labels(): string[] {
    return this.runData.task === 'classification' ? this.runData.labels : [];
  }

  /** The fine-tuned classifier's prediction, between two training steps. */
  async classify(text: string, pair?: string): Promise<Classification> {
    if (this.config.family !== 'bert') throw new Error('Classify needs a classification run.');
    const row = encodeExample(this.tokenizer, { text, pair }, this.record.hyperparameters.maxLength);
    const batch = classificationBatch([row], this.config.padTokenId, 0);
    const { logits } = await this.loop.between(() => this.stepper.evaluate(batch));
    const probabilities = Array.from(softmaxRows(logits, this.labels.length), (probability, id) => ({ label: this.labels[id], probability }));
    const best = probabilities.reduce((a, b) => (b.probability > a.probability ? b : a));
    return { label: best.label, probabilities };
  }

  /** A short continuation of `prompt` by the model as it is now (causal LM). */
  async sample(prompt: string, maxNewTokens = 24): Promise<string> {
    const tensors = await this.loop.between(() => this.stepper.exportTensors());
    const loaded = buildModel(this.backend, { config: this.base.config, weights: SafetensorsFile.parse(writeSafetensors(tensors)) });
    if (loaded.modelType !== 'gpt2') throw new Error('Samples come from a causal-LM run.');
    try {
      const eos = loaded.config.eosTokenId;
      const promptIds = this.tokenizer.encode(prompt, { addSpecialTokens: false }).ids;
      const { ids } = await generate(loaded.model, promptIds, { maxNewTokens, seed: 1, stopIds: eos === null ? [] : [eos] });
      return this.tokenizer.decode(ids);
    } finally {
      loaded.model.dispose();
    }
  }

  /** The model after fine-tuning, as a Hugging Face folder. */
  async exportFiles(): Promise<File[]> {
    const tensors = await this.loop.between(() => this.stepper.exportTensors());
    const name = `${this.base.name}-finetuned-${this.record.runId}`;
    return exportFolder({ task: this.record.task, baseConfig: this.base.config, tensors, tokenizer: this.base.tokenizer, labels: this.labels, name });
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

function createStepper(mode: TrainingMode, base: BaseModelFiles, env: RunEnvironment, numLabels: number, h: Hyperparameters): TrainingStepper {
  if (mode === 'full') {
    if (!env.gpu) throw new Error('Training every parameter needs WebGPU. Without it, choose "classifier head only" (BERT classification).');
    return new GpuStepper(env.gpu, base.config, base.safetensors, numLabels, h);
  }
  const loaded = buildModel(env.backend, { config: base.config, weights: SafetensorsFile.parse(new Uint8Array(base.safetensors)) });
  if (loaded.modelType !== 'bert') {
    loaded.model.dispose();
    throw new Error('Training the head only is for BERT sequence classification.');
  }
  const C = loaded.config.hiddenSize;
  const std = typeof loaded.config.raw.initializer_range === 'number' ? loaded.config.raw.initializer_range : 0.02;
  const rng = new Rng(h.seed);
  const pooler = loaded.weights.pooler ?? freshPooler(C, std, rng);
  return new HeadStepper(loaded.model, loaded.weights, pooler, freshClassifier(C, numLabels, std, rng), h.weightDecay);
}
