import { byteToChar } from './byteLevel';
import { flattenStages, isObject, type StageConfig, stageField, TokenizerFileError, UnsupportedTokenizerError } from './tokenizerJson';

/** One text's tokens before special tokens are added; `text` is the input the offsets point into. */
export interface SequenceTokens {
  text: string;
  ids: number[];
  tokens: string[];
  offsets: [number, number][];
  wordIds: (number | null)[];
}

export interface ProcessedTokens {
  ids: number[];
  tokens: string[];
  offsets: [number, number][];
  special: boolean[];
  typeIds: number[];
  wordIds: (number | null)[];
}

export interface PostProcessor {
  process(first: SequenceTokens, second: SequenceTokens | null, addSpecialTokens: boolean): ProcessedTokens;
  /** How many special tokens `process` adds (what truncation leaves room for). */
  addedTokens(pair: boolean): number;
}

type TemplateItem =
  | { SpecialToken: { id: string; type_id: number } }
  | { Sequence: { id: 'A' | 'B'; type_id: number } };

interface Template {
  single: TemplateItem[];
  pair: TemplateItem[];
  specialTokens: Map<string, { ids: number[]; tokens: string[] }>;
  /** RobertaProcessing: every type id is 0. */
  typeIdsZero: boolean;
}

/**
 * Hugging Face's post-processors: `TemplateProcessing` / `BertProcessing` / `RobertaProcessing` add special tokens
 * (offsets [0, 0]) and type ids; `ByteLevel` and `RobertaProcessing` with `trim_offsets` move offsets off the spaces
 * a token starts or ends with. A `Sequence` may hold trimming steps and one template, in that order.
 */
export function createPostProcessor(config: StageConfig | null): PostProcessor {
  const stages = flattenStages(config, 'processors');
  const templates = stages.filter((stage) => stage.type !== 'ByteLevel');
  const lastTrim = stages.findLastIndex((stage) => stage.type === 'ByteLevel');
  if (templates.length > 1 || (templates.length === 1 && lastTrim > stages.indexOf(templates[0]))) {
    throw new UnsupportedTokenizerError(`Post-processor ${JSON.stringify(config?.type)} with these steps is not supported.`);
  }
  const template = templates.length === 1 ? parseTemplate(templates[0]) : null;
  const trimmers = stages
    .filter((stage) => (stage.type === 'ByteLevel' || stage.type === 'RobertaProcessing') && stageField(stage, 'trim_offsets', 'boolean', true))
    .map((stage) => trimmer(stageField(stage, 'add_prefix_space', 'boolean', true)));

  const count = (items: TemplateItem[]) => items.reduce((total, item) =>
    total + ('SpecialToken' in item ? (template?.specialTokens.get(item.SpecialToken.id)?.ids.length ?? 0) : 0), 0);

  return {
    addedTokens: (pair) => (template ? count(pair ? template.pair : template.single) : 0),
    process(first, second, addSpecialTokens) {
      const sequences = [first, second].map((sequence) => sequence && trimmers.reduce((s, trim) => trim(s), sequence));
      const items = template ? (second ? template.pair : template.single) : defaultItems(second !== null);
      const result: ProcessedTokens = { ids: [], tokens: [], offsets: [], special: [], typeIds: [], wordIds: [] };
      for (const item of items) {
        if ('SpecialToken' in item) {
          if (!addSpecialTokens || !template) continue;
          const special = template.specialTokens.get(item.SpecialToken.id) as { ids: number[]; tokens: string[] };
          special.ids.forEach((id, index) => {
            result.ids.push(id);
            result.tokens.push(special.tokens[index]);
            result.offsets.push([0, 0]);
            result.special.push(true);
            result.typeIds.push(template.typeIdsZero ? 0 : item.SpecialToken.type_id);
            result.wordIds.push(null);
          });
        } else {
          const sequence = sequences[item.Sequence.id === 'A' ? 0 : 1];
          if (!sequence) continue;
          sequence.ids.forEach((id, index) => {
            result.ids.push(id);
            result.tokens.push(sequence.tokens[index]);
            result.offsets.push(sequence.offsets[index]);
            result.special.push(false);
            result.typeIds.push(template?.typeIdsZero ? 0 : item.Sequence.type_id);
            result.wordIds.push(sequence.wordIds[index]);
          });
        }
      }
      return result;
    },
  };
}

const defaultItems = (pair: boolean): TemplateItem[] => [
  { Sequence: { id: 'A', type_id: 0 } },
  ...(pair ? [{ Sequence: { id: 'B' as const, type_id: 1 } }] : []),
];

function parseTemplate(config: StageConfig): Template {
  const special = (token: string, typeId: number): TemplateItem => ({ SpecialToken: { id: token, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number): TemplateItem => ({ Sequence: { id, type_id: typeId } });
  if (config.type === 'TemplateProcessing') {
    const specialTokens = stageField<Record<string, unknown>>(config, 'special_tokens', 'object', {});
    const entries = Object.entries(specialTokens).map(([name, value]) => {
      if (!isObject(value) || !Array.isArray(value.ids) || !Array.isArray(value.tokens) || value.ids.length !== value.tokens.length
        || !value.ids.every((id) => Number.isInteger(id) && id >= 0) || !value.tokens.every((token) => typeof token === 'string')) {
        throw new TokenizerFileError(`tokenizer.json: TemplateProcessing.special_tokens["${name}"] must have "ids" and "tokens" of equal length.`);
      }
      return [name, { ids: value.ids as number[], tokens: value.tokens as string[] }] as const;
    });
    const template: Template = {
      single: templateItems(config.single, 'single'),
      pair: templateItems(config.pair, 'pair'),
      specialTokens: new Map(entries),
      typeIdsZero: false,
    };
    for (const item of [...template.single, ...template.pair]) {
      if ('SpecialToken' in item && !template.specialTokens.has(item.SpecialToken.id)) {
        throw new TokenizerFileError(`tokenizer.json: TemplateProcessing names the special token "${item.SpecialToken.id}", which special_tokens lacks.`);
      }
    }
    return template;
  }
  if (config.type === 'BertProcessing' || config.type === 'RobertaProcessing') {
    const [clsToken, clsId] = tokenAndId(config, 'cls');
    const [sepToken, sepId] = tokenAndId(config, 'sep');
    const roberta = config.type === 'RobertaProcessing';
    return {
      single: [special(clsToken, 0), sequence('A', 0), special(sepToken, 0)],
      pair: roberta
        ? [special(clsToken, 0), sequence('A', 0), special(sepToken, 0), special(sepToken, 0), sequence('B', 0), special(sepToken, 0)]
        : [special(clsToken, 0), sequence('A', 0), special(sepToken, 0), sequence('B', 1), special(sepToken, 1)],
      specialTokens: new Map([[clsToken, { ids: [clsId], tokens: [clsToken] }], [sepToken, { ids: [sepId], tokens: [sepToken] }]]),
      typeIdsZero: roberta,
    };
  }
  throw new UnsupportedTokenizerError(`Post-processor "${config.type}" is not supported.`);
}

function templateItems(value: unknown, field: string): TemplateItem[] {
  const valid = Array.isArray(value) && value.every((item) =>
    (isObject(item) && isObject(item.SpecialToken) && typeof item.SpecialToken.id === 'string' && Number.isInteger(item.SpecialToken.type_id))
    || (isObject(item) && isObject(item.Sequence) && (item.Sequence.id === 'A' || item.Sequence.id === 'B') && Number.isInteger(item.Sequence.type_id)));
  if (!valid) throw new TokenizerFileError(`tokenizer.json: TemplateProcessing.${field} must be a list of SpecialToken / Sequence items.`);
  return value as TemplateItem[];
}

function tokenAndId(config: StageConfig, field: string): [string, number] {
  const value = config[field];
  if (!Array.isArray(value) || typeof value[0] !== 'string' || !Number.isInteger(value[1]) || value[1] < 0) {
    throw new TokenizerFileError(`tokenizer.json: ${config.type}.${field} must be ["token", id].`);
  }
  return [value[0], value[1]];
}

const byteLevelSpace = byteToChar[0x20];
const isSpaceChar = (char: string) => char === byteLevelSpace || /^\p{White_Space}$/u.test(char);

/**
 * Hugging Face's ByteLevel `process_offsets`: offsets skip the spaces a token starts or ends with. The Rust library
 * (encode with character offsets) does this arithmetic on code-point offsets, so does this.
 */
function trimmer(addPrefixSpace: boolean): (sequence: SequenceTokens) => SequenceTokens {
  return (sequence) => {
    let points: CodePointOffsets | null = null;
    return {
      ...sequence,
      offsets: sequence.offsets.map(([start, end], index): [number, number] => {
        const chars = [...sequence.tokens[index]];
        let leading = chars.findIndex((char) => !isSpaceChar(char));
        leading = leading < 0 ? chars.length : leading;
        let trailing = chars.reverse().findIndex((char) => !isSpaceChar(char));
        trailing = trailing < 0 ? chars.length : trailing;
        if (leading === 0 && trailing === 0) return [start, end];
        points ??= codePointOffsets(sequence.text);
        let pointStart = points.pointOfUnit[start];
        let pointEnd = points.pointOfUnit[end];
        if (leading > 0) {
          const isFirst = index === 0 || pointStart === 0;
          if (isFirst && addPrefixSpace && leading === 1) leading = 0;
          pointStart = Math.min(pointStart + leading, pointEnd);
        }
        if (trailing > 0 && pointEnd >= trailing) pointEnd = Math.max(pointEnd - trailing, pointStart);
        return [points.unitOfPoint[pointStart], points.unitOfPoint[pointEnd]];
      }),
    };
  };
}

interface CodePointOffsets {
  pointOfUnit: Int32Array;
  unitOfPoint: number[];
}

function codePointOffsets(text: string): CodePointOffsets {
  const pointOfUnit = new Int32Array(text.length + 1);
  const unitOfPoint: number[] = [];
  let point = 0;
  let unit = 0;
  for (const char of text) {
    unitOfPoint.push(unit);
    pointOfUnit[unit] = point;
    if (char.length === 2) pointOfUnit[unit + 1] = point;
    point++;
    unit += char.length;
  }
  pointOfUnit[text.length] = point;
  unitOfPoint.push(text.length);
  return { pointOfUnit, unitOfPoint };
}
