// The model families the app reads, and the one way to find a config.json's family. Adding a family means adding its
// folder and one line here; nothing outside src/models/<family>/ and this file names a family.

import { WeightsError } from '../weights/errors';
import { bert } from './bert/bert.family';
import { ConfigFields, describe } from './configFields';
import { distilbert } from './distilbert/distilbert.family';
import type { ModelConfig, ModelFamily } from './family';
import { gpt2 } from './gpt2/gpt2.family';
import { gptNeox } from './gpt_neox/gpt_neox.family';
import { llama } from './llama/llama.family';
import { qwen2 } from './llama/qwen2.family';
import { roberta } from './roberta/roberta.family';

export const FAMILIES: readonly ModelFamily[] = [gpt2, bert, distilbert, roberta, gptNeox, llama, qwen2] as unknown as readonly ModelFamily[];

/** Every model_type the app reads, for messages. */
export const SUPPORTED_MODEL_TYPES = FAMILIES.flatMap((family) => family.modelTypes);

/** Model types people bring that the app does not read (yet), with what to say. */
const UNSUPPORTED: Record<string, string> = {
  gpt_neo: 'GPT-Neo (e.g. roneneldan/TinyStories-*) is not supported: its local attention layers differ from GPT-2',
};

export function familyById(id: string): ModelFamily {
  const family = FAMILIES.find((candidate) => candidate.id === id);
  if (!family) throw new Error(`There is no model family "${id}".`);
  return family;
}

/** The family that reads this config.json (by model_type). */
export function familyOfJson(json: unknown, fileName = 'config.json'): { family: ModelFamily; fields: ConfigFields } {
  const fields = new ConfigFields(json, fileName);
  const modelType = Object.prototype.hasOwnProperty.call(fields.raw, 'model_type') ? fields.raw.model_type : undefined;
  const family = FAMILIES.find((candidate) => typeof modelType === 'string' && candidate.modelTypes.includes(modelType));
  if (!family) {
    const known = typeof modelType === 'string' && Object.prototype.hasOwnProperty.call(UNSUPPORTED, modelType) ? `${UNSUPPORTED[modelType]}. ` : '';
    const supported = SUPPORTED_MODEL_TYPES.map((type) => `"${type}"`).join(', ');
    const what = modelType === undefined ? 'has no model_type (the field that names the architecture)' : `model_type ${describe(modelType)} is not supported`;
    throw new WeightsError(`${fileName}: ${known}${what} (supported: ${supported})`, fileName);
  }
  return { family, fields };
}

/** config.json -> its family's normalised config; throws a WeightsError naming the field for anything unsupported. */
export function parseModelConfig(json: unknown, fileName = 'config.json'): ModelConfig {
  const { family, fields } = familyOfJson(json, fileName);
  return family.parseConfig(fields);
}

/** The family of an already parsed config. */
export function familyOf(config: ModelConfig): ModelFamily {
  return familyById(config.family);
}
