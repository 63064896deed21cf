import { byteToChar } from './byteLevel';
import { flattenStages, type StageConfig, UnsupportedTokenizerError } from './tokenizerJson';

/** One text's tokens before special tokens are added. */
export interface SequenceTokens {
  ids: number[];
  tokens: string[];
  offsets: [number, number][];
}

export interface ProcessedTokens extends SequenceTokens {
  special: boolean[];
  typeIds: number[];
}

export type PostProcessor = (first: SequenceTokens, second: SequenceTokens | null, addSpecialTokens: boolean) => ProcessedTokens;

type TemplateItem =
  | { SpecialToken: { id: string; type_id: number } }
  | { Sequence: { id: 'A' | 'B'; type_id: number } };

interface Template {
  single: TemplateItem[];
  pair: TemplateItem[];
  specialTokens: Map<string, { ids: number[]; tokens: string[] }>;
}

/**
 * Hugging Face's post-processors: `TemplateProcessing` / `BertProcessing` add special tokens (offsets [0, 0]) and
 * type ids; `ByteLevel` with `trim_offsets` moves offsets off leading/trailing spaces. A `Sequence` may hold
 * ByteLevel steps followed by one template.
 */
export function createPostProcessor(config: StageConfig | null): PostProcessor {
  const stages = flattenStages(config, 'processors');
  const trimSteps = stages.filter((stage) => stage.type === 'ByteLevel');
  const templates = stages.filter((stage) => stage.type !== 'ByteLevel');
  const lastTrim = stages.findLastIndex((stage) => stage.type === 'ByteLevel');
  if (templates.length > 1 || (templates.length === 1 && lastTrim > stages.indexOf(templates[0]))) {
    throw new UnsupportedTokenizerError(`Post-processor ${JSON.stringify(config?.type)} is not supported.`);
  }
  const template = templates.length === 1 ? parseTemplate(templates[0]) : null;
  const trimmers = trimSteps.filter((stage) => stage.trim_offsets === true).map((stage) => trimmer(stage.add_prefix_space === true));

  return (first, second, addSpecialTokens) => {
    const sequences = [first, second].map((sequence) => sequence && trimmers.reduce((s, trim) => trim(s), sequence));
    const items = template ? (second ? template.pair : template.single) : defaultItems(second !== null);
    const result: ProcessedTokens = { ids: [], tokens: [], offsets: [], special: [], typeIds: [] };
    for (const item of items) {
      if ('SpecialToken' in item) {
        if (!addSpecialTokens || !template) continue;
        const special = template.specialTokens.get(item.SpecialToken.id);
        if (!special) throw new Error(`Template names an unknown special token ${item.SpecialToken.id}.`);
        special.ids.forEach((id, index) => {
          push(result, id, special.tokens[index], [0, 0], true, item.SpecialToken.type_id);
        });
      } else {
        const sequence = sequences[item.Sequence.id === 'A' ? 0 : 1];
        sequence?.ids.forEach((id, index) => {
          push(result, id, sequence.tokens[index], sequence.offsets[index], false, item.Sequence.type_id);
        });
      }
    }
    return result;
  };
}

function push(result: ProcessedTokens, id: number, token: string, offset: [number, number], special: boolean, typeId: number) {
  result.ids.push(id);
  result.tokens.push(token);
  result.offsets.push(offset);
  result.special.push(special);
  result.typeIds.push(typeId);
}

const defaultItems = (pair: boolean): TemplateItem[] => [
  { Sequence: { id: 'A', type_id: 0 } },
  ...(pair ? [{ Sequence: { id: 'B' as const, type_id: 1 } }] : []),
];

function parseTemplate(config: StageConfig): Template {
  if (config.type === 'TemplateProcessing') {
    const specialTokens = config.special_tokens as Record<string, { ids: number[]; tokens: string[] }>;
    return {
      single: config.single as TemplateItem[],
      pair: config.pair as TemplateItem[],
      specialTokens: new Map(Object.entries(specialTokens)),
    };
  }
  if (config.type === 'BertProcessing') {
    const [clsToken, clsId] = config.cls as [string, number];
    const [sepToken, sepId] = config.sep as [string, number];
    const special = (token: string, typeId: number): TemplateItem => ({ SpecialToken: { id: token, type_id: typeId } });
    const sequence = (id: 'A' | 'B', typeId: number): TemplateItem => ({ Sequence: { id, type_id: typeId } });
    return {
      single: [special(clsToken, 0), sequence('A', 0), special(sepToken, 0)],
      pair: [special(clsToken, 0), sequence('A', 0), special(sepToken, 0), sequence('B', 1), special(sepToken, 1)],
      specialTokens: new Map([[clsToken, { ids: [clsId], tokens: [clsToken] }], [sepToken, { ids: [sepId], tokens: [sepToken] }]]),
    };
  }
  throw new UnsupportedTokenizerError(`Post-processor "${config.type}" is not supported.`);
}

const byteLevelSpace = byteToChar[0x20];
const isSpaceChar = (char: string) => char === byteLevelSpace || /^\p{White_Space}$/u.test(char);

/** Hugging Face's ByteLevel `process_offsets`: offsets skip the spaces a token starts or ends with. */
function trimmer(addPrefixSpace: boolean): (sequence: SequenceTokens) => SequenceTokens {
  return (sequence) => ({
    ...sequence,
    offsets: sequence.offsets.map(([start, end], index): [number, number] => {
      const chars = [...sequence.tokens[index]];
      let leading = chars.findIndex((char) => !isSpaceChar(char));
      leading = leading < 0 ? chars.length : leading;
      let trailing = chars.reverse().findIndex((char) => !isSpaceChar(char));
      trailing = trailing < 0 ? chars.length : trailing;
      const isFirst = index === 0 || start === 0;
      if (leading === 1 && isFirst && addPrefixSpace) leading = 0;
      let trimmedStart = start;
      let trimmedEnd = end;
      if (leading > 0) trimmedStart = Math.min(start + leading, end);
      if (trailing > 0 && end >= trailing) trimmedEnd = Math.max(end - trailing, trimmedStart);
      return [trimmedStart, trimmedEnd];
    }),
  });
}
