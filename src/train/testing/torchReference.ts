// The torch reference of the training step (scripts/train-reference/make_training_fixtures.py) and the llm.c-style
// comparison of our gradients against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTensor } from '../../weights/host-tensor';
import { FIXTURES } from '../../models/testing/golden';
import { expect } from 'vitest';
import type { TrainGraph } from '../../models/training/graph';
import type { Trainer, TrainerOptions } from '../trainer';

export interface GradientSummary {
  shape: number[];
  norm: number;
  values: number[]; // every element, or those at `indices`
  indices?: number[];
}

export interface TrainingFixture {
  model: string;
  batch: {
    B: number;
    T: number;
    input_ids: number[][];
    targets?: number[][];
    token_type_ids?: number[][];
    attention_mask?: number[][];
    labels?: number[];
  };
  optimizer: {
    peak_lr: number; warmup_steps: number; total_steps: number; decay: 'cosine'; min_lr_ratio: number;
    beta1: number; beta2: number; eps: number; weight_decay: number; max_grad_norm: number;
  };
  grad_norm: number;
  losses: number[];
  gradients: Record<string, GradientSummary>;
}

export function readTrainingFixture(name: string): TrainingFixture {
  return JSON.parse(readFileSync(join(FIXTURES, 'training', `${name}.json`), 'utf8')) as TrainingFixture;
}

export function trainerOptions({ optimizer: o }: TrainingFixture): TrainerOptions {
  return {
    schedule: { peakLr: o.peak_lr, warmupSteps: o.warmup_steps, totalSteps: o.total_steps, decay: o.decay, minLrRatio: o.min_lr_ratio },
    beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weight_decay, maxGradNorm: o.max_grad_norm,
  };
}

export interface GradientComparison {
  name: string;
  maxDiff: number; // max |ours - torch| over the stored elements
  scale: number; // max |torch| over them
  normDiff: number; // |‖ours‖ - ‖torch‖| / max(‖torch‖, ZERO_GRADIENT)
  ok: boolean; // maxDiff <= tolerance·max(scale, ZERO_GRADIENT) and normDiff <= tolerance
}

/**
 * Gradient magnitudes below this are zero up to rounding (BERT's key bias: softmax ignores a shift shared by all
 * scores, so torch's float64 gives ~1e-17 and float32 ~1e-8); differences are measured against at least this.
 */
const ZERO_GRADIENT = 1e-3;

/**
 * Compares every gradient of the fixture with ours (matched by Hugging Face name), relative to the tensor's
 * largest gradient (or ZERO_GRADIENT); prints llm.c's "TENSOR OK" lines.
 */
export function compareGradients(fixture: TrainingFixture, ours: readonly HostTensor[], tolerance: number): GradientComparison[] {
  const byName = new Map(ours.map((tensor) => [tensor.name, tensor]));
  return Object.entries(fixture.gradients).map(([name, expected]) => {
    const tensor = byName.get(name);
    if (!tensor) throw new Error(`no gradient named ${name} (we have ${[...byName.keys()].join(', ')})`);
    if (tensor.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${tensor.shape}] != [${expected.shape}]`);
    let maxDiff = 0;
    let scale = 0;
    expected.values.forEach((value, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(tensor.data[expected.indices ? expected.indices[i] : i] - value));
      scale = Math.max(scale, Math.abs(value));
    });
    let squares = 0;
    for (const value of tensor.data) squares += value * value;
    const normDiff = Math.abs(Math.sqrt(squares) - expected.norm) / Math.max(expected.norm, ZERO_GRADIENT);
    const ok = maxDiff <= tolerance * Math.max(scale, ZERO_GRADIENT) && normDiff <= tolerance;
    const verdict = ok ? 'TENSOR OK' : 'TENSOR NOT OK';
    console.log(`${name}: ${verdict}, maxdiff = ${maxDiff.toExponential(2)} (max |grad| ${scale.toExponential(2)}, norm rel diff ${normDiff.toExponential(2)})`);
    return { name, maxDiff, scale, normDiff, ok };
  });
}

const GRADIENT_TOLERANCE = 1e-4; // relative to each tensor's largest gradient
const LOSS_TOLERANCE = 1e-4; // relative

/** Runs the fixture's AdamW steps and checks every step-1 gradient, the gradient norm and each step's loss (llm.c's test). */
export async function expectTorchTraining<Batch>(fixture: TrainingFixture, graph: TrainGraph<Batch>, trainer: Trainer<Batch>, microBatches: Batch[]) {
  const losses: number[] = [];
  for (let step = 0; step < fixture.losses.length; step++) {
    const result = await trainer.step(microBatches);
    losses.push(result.loss);
    if (step === 0) {
      const comparisons = compareGradients(fixture, await graph.read('grad'), GRADIENT_TOLERANCE);
      expect(comparisons.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
      const normDiff = Math.abs(result.gradNorm - fixture.grad_norm) / fixture.grad_norm;
      console.log(`grad norm ${result.gradNorm.toFixed(6)} vs torch ${fixture.grad_norm.toFixed(6)} (rel diff ${normDiff.toExponential(2)})`);
      expect(normDiff).toBeLessThan(1e-5);
    }
  }
  fixture.losses.forEach((expected, step) => {
    const diff = Math.abs(losses[step] - expected);
    console.log(`step ${step + 1}: loss ${losses[step].toFixed(6)} torch ${expected.toFixed(6)} diff ${diff.toExponential(2)}`);
    expect(diff / expected).toBeLessThan(LOSS_TOLERANCE);
  });
}
