// Fuzz categories for the files a person (or a link) hands the app besides checkpoints: config.json (through
// parseModelConfig, the family's memory estimate and the device check the engine runs before any download), labelled
// datasets (CSV, TSV, JSONL, and { text, label } rows, through what playground.fineTune and the Fine-tune tab call) and
// attention JSON exports (Open JSON). Inputs are mutations of valid files plus crafted ones; every refusal must be a
// sentence naming the file or the field.

import { readdirSync, readFileSync } from 'node:fs';
import { attentionFromJsonText, attentionJsonParts } from '../../src/attention/serialize';
import { examplesFromRows, guessMapping, toExamples } from '../../src/finetune/data/examples';
import { detectFormat, parseTable } from '../../src/finetune/data/parseTable';
import { memoryProblem } from '../../src/models/memory';
import { familyOf, parseModelConfig } from '../../src/models/registry';
import { WeightsError } from '../../src/weights/errors';
import { parseJsonFile } from '../../src/weights/sources';
import { pick, randomInt, type Category, type Rng } from './harness';

const MODELS = 'test/fixtures/models';
const configSeeds: Record<string, unknown>[] = [
  ...readdirSync(MODELS).map((name) => `${MODELS}/${name}/config.json`),
  'public/models/playground-gpt2/config.json',
  'public/models/playground-bert/config.json',
].map((path) => JSON.parse(readFileSync(path, 'utf8')));

/** A plain sentence: an Error of its own class (not a TypeError or RangeError thrown from inside). */
const isSentence = (error: unknown) => error instanceof Error && (error.constructor === Error || error instanceof WeightsError) && error.message.length > 0;

const WEIRD: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e9, 1e300, 2 ** 32, 2 ** 53, 4e6, -0, Number.MAX_SAFE_INTEGER, '', '12', 'gelu', 'constructor',
  '__proto__', 'toString', [], [1], ['gelu'], {}, { a: 1 }, { 0: 'x' }, Array(3).fill(null),
];

/** The sizes that froze the tab before they were bounded (issue 15), and their neighbours. */
const HUGE_DIMS: [string, unknown][] = [
  ['n_layer', 1e9], ['num_hidden_layers', 1e8], ['num_labels', 2 ** 32 - 1], ['n_positions', 4e6], ['max_position_embeddings', 4e6],
  ['vocab_size', 1e9], ['n_embd', 2 ** 20], ['hidden_size', 2 ** 20], ['intermediate_size', 2 ** 24], ['n_head', 1e6],
  ['num_attention_heads', 1e6], ['num_key_value_heads', 3], ['type_vocab_size', 1e7], ['n_positions', 1_000_000], ['n_ctx', 2 ** 31],
  ['head_dim', 1e5], ['rope_theta', -1], ['layer_norm_eps', 0], ['rms_norm_eps', 'small'], ['rotary_pct', 7],
];

const FIELDS = [
  'model_type', 'architectures', 'n_layer', 'n_head', 'n_embd', 'n_positions', 'n_ctx', 'n_inner', 'vocab_size', 'num_hidden_layers',
  'num_attention_heads', 'num_key_value_heads', 'hidden_size', 'intermediate_size', 'max_position_embeddings', 'type_vocab_size',
  'hidden_act', 'activation_function', 'layer_norm_eps', 'layer_norm_epsilon', 'rms_norm_eps', 'id2label', 'label2id', 'num_labels',
  'eos_token_id', 'bos_token_id', 'pad_token_id', 'tie_word_embeddings', 'rope_scaling', 'rope_theta', 'head_dim', 'dim', 'n_layers',
  'n_heads', 'hidden_dim', 'sinusoidal_pos_embds', 'rotary_pct', 'use_parallel_residual', 'position_embedding_type',
];

function mutateConfig(rng: Rng): string {
  const config = structuredClone(pick(rng, configSeeds));
  const times = 1 + randomInt(rng, 3);
  for (let t = 0; t < times; t++) {
    switch (randomInt(rng, 9)) {
      case 0: {
        const [field, value] = pick(rng, HUGE_DIMS);
        config[field] = value;
        break;
      }
      case 1:
        config[pick(rng, FIELDS)] = pick(rng, WEIRD);
        break;
      case 2:
        delete config[pick(rng, Object.keys(config))];
        break;
      case 3:
        config.model_type = pick(rng, ['gpt2', 'bert', 'llama', 'qwen2', 'gpt_neox', 'roberta', 'distilbert', 't5', '', 'GPT2', 'constructor', 7]);
        break;
      case 4: {
        if (rng() < 0.1) {
          // More labels than the bound (num_labels 2^32 froze the tab): built plainly, it is the size that matters.
          config.id2label = Object.fromEntries(Array.from({ length: 100_001 }, (_, i) => [String(i), `LABEL_${i}`]));
          break;
        }
        const count = pick(rng, [0, 1, 3, 5]);
        config.id2label = Object.fromEntries(Array.from({ length: count }, (_, i) => [String(pick(rng, [i, i, i + 1, -1, 'x'])), pick(rng, ['A', 'B', 1, null, '<img src=x onerror=alert(1)>'])]));
        break;
      }
      case 5:
        config.label2id = pick(rng, WEIRD);
        break;
      case 6:
        config.rope_scaling = pick(rng, [null, { type: 'linear', factor: 2 }, { type: 'dynamic', factor: 2 }, { type: 'linear', factor: -1 }, { rope_type: 'yarn' }, 'linear', { type: 'linear' }]);
        break;
      case 7: {
        // Divisibility and ratios: heads that do not divide the width, kv heads that do not divide the heads.
        const width = pick(rng, [1, 3, 7, 32, 33, 768]);
        for (const key of ['n_embd', 'hidden_size', 'dim']) if (key in config) config[key] = width;
        for (const key of ['n_head', 'num_attention_heads', 'n_heads', 'num_key_value_heads']) if (key in config) config[key] = pick(rng, [1, 2, 3, 5, 0, 64]);
        break;
      }
      default:
        config[pick(rng, FIELDS)] = pick(rng, [1, 2, 4, 8, 16, 64, 512, 1024, 65_536, 1_048_576, 1_048_577]);
    }
  }
  if (rng() < 0.03) return `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  let text = JSON.stringify(config);
  if (rng() < 0.12) {
    // Byte-level damage: a cut, a flipped character, the file served as a web page.
    const at = randomInt(rng, text.length);
    text = pick(rng, [text.slice(0, at), `${text.slice(0, at)}\u0000${text.slice(at + 1)}`, '<!doctype html><title>404</title>', '', 'null', '[]', '"config"']);
  }
  return text;
}

export const configCategory: Category<string> = {
  name: 'config.json',
  generate: mutateConfig,
  run(text) {
    // What the engine does when config.json arrives, before any other file is requested.
    const json = parseJsonFile(new TextEncoder().encode(text), 'config.json', 'fuzz');
    const config = parseModelConfig(json);
    const memory = familyOf(config).memory(config);
    const problem = memoryProblem(memory, { maxBufferSize: 2 ** 30, budgetBytes: 4 * 2 ** 30 });
    if (problem) throw new Error(problem);
  },
  isNamedError: (error) => isSentence(error) && (!(error instanceof WeightsError) || error.file === 'config.json'),
};

// ----------------------------------------------------------------------------------------------------------------
// Labelled datasets

const SENTENCES = ['the food was great', 'awful service, never again', 'She said "hi"', 'tab\there', 'line\nbreak', 'é café 🙂', '<script>alert(1)</script>', ''];
const LABELS = ['0', '1', 'positive', 'negative', '2', ' ', '3.5', '-1'];

function validTable(rng: Rng, format: 'csv' | 'tsv' | 'jsonl'): string {
  const rows = 1 + randomInt(rng, 30);
  const header = rng() < 0.5;
  const lines: string[] = [];
  const quote = (cell: string) => (/[",\n\t]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
  if (format !== 'jsonl' && header) lines.push(format === 'csv' ? 'text,label' : 'text\tlabel');
  for (let i = 0; i < rows; i++) {
    const text = pick(rng, SENTENCES);
    const label = pick(rng, LABELS);
    if (format === 'jsonl') lines.push(JSON.stringify({ text, label: rng() < 0.5 ? Number(label) || label : label }));
    else lines.push(format === 'csv' ? `${quote(text)},${quote(label)}` : `${text.replace(/[\t\n]/g, ' ')}\t${label}`);
  }
  return lines.join(rng() < 0.2 ? '\r\n' : '\n');
}

const TABLE_PIECES = ['a', 'text', '"', '""', ',', '\t', '\n', '\r\n', '\r', ' ', '0', '1', 'positive', '{"text": "x", "label": 1}', '{', '}', '[', '\ufeff', 'é', '🙂', 'null'];

type DatasetInput = { kind: 'text'; text: string; name: string; mapping?: { textColumns: number[]; labelColumn: number } } | { kind: 'rows'; rows: { text: string; pair?: string; label: string }[] };

function datasetInput(rng: Rng): DatasetInput {
  const format = pick(rng, ['csv', 'tsv', 'jsonl'] as const);
  const name = pick(rng, [`data.${format}`, 'data.txt', '', 'data.ndjson']);
  switch (randomInt(rng, 7)) {
    case 0: {
      // An unterminated quote somewhere in a valid file.
      const text = validTable(rng, format);
      const at = randomInt(rng, text.length + 1);
      return { kind: 'text', name, text: `${text.slice(0, at)}"${text.slice(at)}` };
    }
    case 1: {
      let text = '';
      for (let i = randomInt(rng, 400); i > 0; i--) text += pick(rng, TABLE_PIECES);
      return { kind: 'text', name, text };
    }
    case 2:
      if (rng() < 0.25) return { kind: 'text', name, text: pick(rng, ['a,b\n'.repeat(60_000 + randomInt(rng, 60_000)), '{"a":1}\n'.repeat(20_000)]) }; // many records
      return { kind: 'text', name, text: pick(rng, [`${','.repeat(1000 + randomInt(rng, 3000))}\n1`, `{${Array.from({ length: 1200 }, (_, i) => `"k${i}":1`).join(',')}}`, '\n\n\n', '', '\ufeff']) };
    case 3:
      return { kind: 'text', name, text: validTable(rng, format), mapping: { textColumns: [pick(rng, [0, 1, 2, -1, 5])], labelColumn: pick(rng, [0, 1, 2, 9]) } };
    case 4: {
      const text = validTable(rng, format);
      const at = randomInt(rng, text.length);
      return { kind: 'text', name, text: text.slice(0, at) + pick(rng, TABLE_PIECES) + text.slice(at + randomInt(rng, 4)) };
    }
    case 5:
      return {
        kind: 'rows',
        rows: Array.from({ length: 1 + randomInt(rng, 20) }, () => ({ text: pick(rng, SENTENCES), label: pick(rng, LABELS), ...(rng() < 0.2 ? { pair: pick(rng, SENTENCES) } : {}) })),
      };
    default:
      return { kind: 'text', name, text: validTable(rng, format) };
  }
}

export const datasetCategory: Category<DatasetInput> = {
  name: 'CSV/TSV/JSONL datasets',
  generate: datasetInput,
  run(input) {
    // What playground.fineTune does with data before a run is built (runDataFrom, or rows given directly).
    if (input.kind === 'rows') {
      examplesFromRows(input.rows);
      return;
    }
    const table = parseTable(input.text, detectFormat(input.text, input.name || undefined));
    toExamples(table, (input.mapping as Parameters<typeof toExamples>[1] | undefined) ?? guessMapping(table));
  },
  isNamedError: isSentence,
};

// ----------------------------------------------------------------------------------------------------------------
// Attention JSON

const attentionSeed = JSON.parse(
  attentionJsonParts(
    {
      tokens: ['[CLS]', '<b>hi</b>', '"q"'],
      ids: [101, 2, 3],
      special: [true, false, false],
      typeIds: [0, 0, 1],
      causal: false,
      layers: 2,
      heads: 2,
      T: 3,
      attentions: [Float32Array.from({ length: 18 }, (_, i) => ((i % 3) + 1) / 6), new Float32Array(18).fill(1 / 3)],
    },
    'fuzz-model',
  ).join(''),
) as Record<string, unknown>;

const ATTENTION_FIELDS = ['format', 'tokens', 'ids', 'special', 'typeIds', 'causal', 'shape', 'attentions', 'model'];

function mutateAttention(rng: Rng): string {
  const json = structuredClone(attentionSeed);
  const nested = json.attentions as unknown[][][][];
  switch (randomInt(rng, 8)) {
    case 0:
      delete json[pick(rng, ATTENTION_FIELDS)];
      break;
    case 1:
      json[pick(rng, ATTENTION_FIELDS)] = pick(rng, WEIRD);
      break;
    case 2:
      // One weight, row, head or layer replaced deep inside.
      {
        const l = randomInt(rng, 2);
        const h = randomInt(rng, 2);
        const i = randomInt(rng, 3);
        const where = randomInt(rng, 4);
        if (where === 0) nested[l][h][i][randomInt(rng, 3)] = pick(rng, [...WEIRD, -0.5, 1.5, 1e-45, 'NaN']);
        else if (where === 1) nested[l][h][i] = pick(rng, WEIRD) as unknown[];
        else if (where === 2) nested[l][h] = pick(rng, WEIRD) as unknown[][];
        else nested[l] = pick(rng, WEIRD) as unknown[][][];
      }
      break;
    case 3:
      json.shape = pick(rng, [[2, 2, 3, 3], [2, 2, 3, 4], [2, 2 ** 20, 3, 3], [300, 2, 3, 3], [2, 2, 1e5, 1e5], [2, -1, 3, 3], ['2', 2, 3, 3], [2, 2, 3], [2, 2, 3, 3, 3], [2.5, 2, 3, 3]]);
      break;
    case 4:
      (json.tokens as unknown[])[randomInt(rng, 3)] = pick(rng, [7, null, {}, ['a'], 'x'.repeat(20_000), '<img src=x onerror=alert(1)>']);
      break;
    case 5:
      json[pick(rng, ['ids', 'typeIds', 'special'])] = pick(rng, [[1, 2], [1, 2, -3], [true, 1, 0], [1.5, 0, 0], ['0', '0', '0'], [0, 0, 2 ** 40], [false, false, 'true']]);
      break;
    case 6:
      return pick(rng, ['', '{', 'null', '[]', '"x"', '<!doctype html>', '{"format": "transformer-playground/attention@1"}', JSON.stringify(json).slice(0, randomInt(rng, 200))]);
    default:
      json.format = pick(rng, ['transformer-playground/attention@2', 'attention', 1]);
  }
  return JSON.stringify(json);
}

export const attentionJsonCategory: Category<string> = {
  name: 'attention JSON (Open)',
  generate: mutateAttention,
  run(text) {
    attentionFromJsonText(text, 'fuzz.json');
  },
  isNamedError: (error) => isSentence(error) && (error as Error).message.startsWith('fuzz.json'),
};

export const APP_INPUT_CATEGORIES: { category: Category<unknown>; share: number }[] = [
  { category: configCategory as Category<unknown>, share: 0.45 },
  { category: datasetCategory as Category<unknown>, share: 0.3 },
  { category: attentionJsonCategory as Category<unknown>, share: 0.25 },
];
