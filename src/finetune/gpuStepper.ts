// The "every parameter" TrainingStepper: the family's GPU training graph and src/train's Trainer behind the
// fine-tuning loop. Decoders learn causal LM (targets are the ids shifted left within each row); encoders learn
// sequence classification. A step splits the batch into micro-batches that fit the allocated activations; their
// gradients accumulate.

import type { Gpu, Tensor } from '../gpu';
import { IGNORE_INDEX } from '../kernels/crossEntropy/targets';
import type { LanguageModel, ModelConfig, ModelFamily } from '../models/family';
import type { TrainBatch, TrainGraph } from '../models/training/graph';
import { Trainer } from '../train/trainer';
import { hostSource } from '../weights/host-source';
import type { HostTensor } from '../weights/host-tensor';
import type { TensorSource } from '../weights/tensor-source';
import type { TrainingBatch } from './batches';
import type { TrainerState } from './checkpoint';
import type { Hyperparameters } from './hyperparameters';
import { MICRO_BATCH_ROWS } from './memory';
import type { TrainingStepper } from './session';

const MOMENT_SUFFIXES = ['.adam_m', '.adam_v'] as const;

export class GpuStepper implements TrainingStepper {
  private readonly graph: TrainGraph;
  private readonly trainer: Trainer<TrainBatch>;

  constructor(
    gpu: Gpu,
    family: ModelFamily,
    config: ModelConfig,
    source: TensorSource,
    numLabels: number,
    private readonly h: Hyperparameters,
  ) {
    const task = family.kind === 'encoder' ? 'classification' : 'causal-lm';
    this.graph = family.trainGraph(gpu, config, source, { task, maxB: Math.min(h.batchSize, MICRO_BATCH_ROWS), maxT: h.maxLength, numLabels, seed: h.seed });
    // The loop runs the schedule and passes each step's learning rate; this one only sizes warm-up for direct use.
    const schedule = { peakLr: h.learningRate, warmupSteps: 0, totalSteps: 1, decay: 'constant' as const };
    this.trainer = new Trainer(gpu, this.graph, { schedule, weightDecay: h.weightDecay, seed: h.seed });
  }

  async step(batch: TrainingBatch, learningRate: number): Promise<{ loss: number }> {
    const { loss } = await this.trainer.step(this.microBatches(batch).chunks, learningRate);
    return { loss };
  }

  async evaluate(batch: TrainingBatch): Promise<{ loss: number; logits: Float32Array }> {
    const { chunks, order } = this.microBatches(batch);
    const { loss, logits } = await this.trainer.evaluate(chunks);
    if (logits.length === 0) return { loss, logits };
    // Back to the batch's row order.
    const K = logits.length / batch.B;
    const rows = new Float32Array(logits.length);
    order.forEach((row, i) => rows.set(logits.subarray(i * K, (i + 1) * K), row * K));
    return { loss, logits: rows };
  }

  /** Parameters (Hugging Face names) and both AdamW moments (`<graph name>.adam_m` / `.adam_v`). */
  async saveState(): Promise<TrainerState> {
    const tensors: Record<string, Float32Array> = {};
    for (const tensor of await this.graph.read('param')) tensors[tensor.name] = tensor.data;
    const optimizer = await this.trainer.optimizerState();
    for (const { name, m, v } of optimizer.moments) {
      tensors[name + MOMENT_SUFFIXES[0]] = m;
      tensors[name + MOMENT_SUFFIXES[1]] = v;
    }
    return { step: optimizer.step, tensors };
  }

  /** Writes the saved parameters into the graph's own tensors and restores the optimizer: the next step continues that run. */
  async loadState(state: TrainerState): Promise<void> {
    const current = await this.graph.read('param');
    this.graph.loadParameters(hostSource(current.map((tensor) => ({ ...tensor, data: required(state.tensors, tensor.name) })), 'the saved checkpoint'));
    this.trainer.restoreOptimizerState({
      step: state.step,
      moments: this.graph.parameters.map(({ name }) => ({
        name,
        m: required(state.tensors, name + MOMENT_SUFFIXES[0]),
        v: required(state.tensors, name + MOMENT_SUFFIXES[1]),
      })),
    });
  }

  exportTensors(): Promise<HostTensor[]> {
    return this.graph.read('param');
  }

  /** The inference model over the training parameters themselves (sampling mid-run: no copy). */
  model(): LanguageModel<Tensor> {
    return this.graph.model();
  }

  dispose(): void {
    this.trainer.dispose();
    this.graph.dispose();
  }

  /**
   * The batch's rows in chunks of MICRO_BATCH_ROWS. Rows go shortest first and each chunk is cut to its own longest
   * row: padding only adds masked keys and ignored positions, so the step's gradient is the same sum, over far fewer
   * padded rows when lengths vary (as sentences do). `order[i]` is the batch row that the chunks' row i came from.
   */
  private microBatches(batch: TrainingBatch): { chunks: TrainBatch[]; order: number[] } {
    const { B, T } = batch;
    const lengths = Array.from({ length: B }, (_, b) => {
      let length = 0;
      for (let t = 0; t < T; t++) if (batch.attentionMask[b * T + t]) length = t + 1;
      return length;
    });
    const order = lengths.map((_, b) => b).sort((x, y) => lengths[x] - lengths[y] || x - y);
    const chunks: TrainBatch[] = [];
    const rows = Math.min(B, MICRO_BATCH_ROWS, this.h.batchSize);
    for (let start = 0; start < B; start += rows) {
      const members = order.slice(start, start + rows);
      const chunkB = members.length;
      const chunkT = Math.max(1, ...members.map((b) => lengths[b]));
      const cut = <A extends Int32Array | Uint8Array>(values: A): A => {
        const out = new (values.constructor as new (length: number) => A)(chunkB * chunkT);
        members.forEach((b, i) => out.set(values.subarray(b * T, b * T + chunkT), i * chunkT));
        return out;
      };
      const ids = cut(batch.ids);
      const mask = cut(batch.attentionMask);
      if (batch.task === 'causal-lm') {
        // Position t predicts token t + 1 when both are real tokens; padding and each row's last position predict nothing.
        const targets = Int32Array.from(ids, (_, i) => (i % chunkT === chunkT - 1 || !mask[i + 1] || !mask[i] ? IGNORE_INDEX : ids[i + 1]));
        chunks.push({ ids, targets, B: chunkB, T: chunkT });
      } else {
        chunks.push({ ids, tokenTypeIds: cut(batch.typeIds), attentionMask: mask, targets: Int32Array.from(members, (b) => batch.labels[b]), B: chunkB, T: chunkT });
      }
    }
    return { chunks, order };
  }
}

function required(tensors: Record<string, Float32Array>, name: string): Float32Array {
  const tensor = tensors[name];
  if (!tensor) throw new Error(`The checkpoint has no tensor '${name}': it belongs to another model.`);
  return tensor;
}
