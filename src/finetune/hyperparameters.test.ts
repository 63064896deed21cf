import { describe, expect, it } from 'vitest';
import { checkHyperparameters, defaultHyperparameters, defaultTrainingMode, learningRateAt } from './hyperparameters';

describe('learning-rate schedule', () => {
  it('warms up linearly, then decays linearly to zero', () => {
    const h = { learningRate: 1e-3, warmupRatio: 0.1 };
    expect(learningRateAt(0, 100, h)).toBeCloseTo(1e-4);
    expect(learningRateAt(9, 100, h)).toBeCloseTo(1e-3);
    expect(learningRateAt(10, 100, h)).toBeCloseTo(1e-3);
    expect(learningRateAt(55, 100, h)).toBeCloseTo(0.5e-3);
    expect(learningRateAt(99, 100, h)).toBeCloseTo(1e-3 / 90);
    expect(learningRateAt(5, 10, { learningRate: 1, warmupRatio: 0 })).toBeCloseTo(0.5);
  });
});

describe('hyperparameters', () => {
  it('has the tutorial defaults and refuses settings that cannot work, saying which', () => {
    const h = defaultHyperparameters('classification', 'full');
    expect(h).toMatchObject({ learningRate: 2e-5, batchSize: 16, epochs: 3, maxLength: 128, weightDecay: 0.01 });
    expect(() => checkHyperparameters(h, 512)).not.toThrow();
    expect(() => checkHyperparameters({ ...h, batchSize: 0, maxLength: 600 }, 512)).toThrow(/batchSize must be.*maxLength 600 is past this model's limit of 512/);
  });

  it('gives a small model a learning rate that moves it: width 128 classification 2e-3, BERT-base 2e-5', () => {
    expect(defaultHyperparameters('classification', 'full', 128).learningRate).toBe(2e-3);
    expect(defaultHyperparameters('classification', 'full', 768).learningRate).toBe(2e-5);
    expect(defaultHyperparameters('classification', 'head', 128).learningRate).toBe(1e-3);
    expect(defaultHyperparameters('causal-lm', 'full', 128).learningRate).toBe(5e-5);
  });

  it('starts the Fine-tune tab on every parameter for causal LM and a small BERT, on the head alone for BERT-base', () => {
    expect(defaultTrainingMode('classification', 128)).toBe('full');
    expect(defaultTrainingMode('classification', 768)).toBe('head');
    expect(defaultTrainingMode('classification')).toBe('head');
    expect(defaultTrainingMode('causal-lm', 768)).toBe('full');
  });
});
