// The seeded tiny checkpoints of test/fixtures/models, loaded as typed weights for the training tests.
import { join } from 'node:path';
import { FIXTURES, readCheckpoint } from '../../models/testing/golden';
import { bertWeightsFromSafetensors } from '../../weights/bert-weights';
import { parseModelConfig, type BertConfig, type Gpt2Config } from '../../weights/config';
import { gpt2WeightsFromSafetensors } from '../../weights/gpt2-weights';

export function loadTinyGpt2() {
  const { config, weights } = readCheckpoint(join(FIXTURES, 'models', 'tiny-gpt2'));
  const gpt2Config = parseModelConfig(config) as Gpt2Config;
  return { config: gpt2Config, weights: gpt2WeightsFromSafetensors(weights, gpt2Config) };
}

export function loadTinyBertCls() {
  const { config, weights } = readCheckpoint(join(FIXTURES, 'models', 'tiny-bert-cls'));
  const bertConfig = parseModelConfig(config) as BertConfig;
  return { config: bertConfig, weights: bertWeightsFromSafetensors(weights, bertConfig) };
}
