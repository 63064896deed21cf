// The seeded tiny checkpoints of test/fixtures/models, through the registry: what the model and training tests load.
import { join } from 'node:path';
import type { Gpu } from '../../gpu';
import type { TensorSource } from '../../weights/tensor-source';
import type { ModelConfig, ModelFamily } from '../family';
import { familyOfJson } from '../registry';
import type { TrainGraph, TrainGraphOptions } from '../training/graph';
import { FIXTURES, readCheckpoint } from './golden';

export interface Fixture {
  name: string;
  family: ModelFamily;
  config: ModelConfig;
  source: TensorSource;
}

export function loadFixture(name: string, dir = join(FIXTURES, 'models', name)): Fixture {
  const { config: json, weights } = readCheckpoint(dir);
  const { family, fields } = familyOfJson(json);
  return { name, family, config: family.parseConfig(fields), source: weights };
}

/** The fixture's training graph: classification for encoders (the checkpoint's labels unless given), causal LM for decoders. */
export function fixtureTrainGraph(gpu: Gpu, fixture: Fixture, options: Partial<TrainGraphOptions> & { maxB: number; maxT: number }): TrainGraph {
  const task = fixture.family.kind === 'encoder' ? 'classification' : 'causal-lm';
  return fixture.family.trainGraph(gpu, fixture.config, fixture.source, { task, numLabels: fixture.config.labels.numLabels, ...options });
}
