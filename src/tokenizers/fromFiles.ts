import { loadTokenizer, type TextTokenizer } from './tokenizer';
import { checkTokenId, isObject, TOKENIZER_LIMITS, TokenizerFileError } from './tokenizerJson';

/**
 * The tokenizer files a Hugging Face model folder may hold, parsed JSON or text. Repos made before tokenizer.json
 * existed have only the "slow" tokenizer's files: vocab.txt (WordPiece) or vocab.json + merges.txt (byte-level BPE).
 */
export interface TokenizerFiles {
  tokenizerJson?: unknown;
  tokenizerConfig?: unknown;
  vocabTxt?: string;
  vocabJson?: unknown;
  mergesTxt?: string;
  specialTokensMap?: unknown;
  addedTokens?: unknown;
}

/** Every file name `tokenizerJsonFromFiles` reads, in the order a loader should look for them. */
export const TOKENIZER_FILE_NAMES = {
  tokenizerJson: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  vocabTxt: 'vocab.txt',
  vocabJson: 'vocab.json',
  mergesTxt: 'merges.txt',
  specialTokensMap: 'special_tokens_map.json',
  addedTokens: 'added_tokens.json',
} as const satisfies Record<keyof TokenizerFiles, string>;

export interface BuiltTokenizerJson {
  json: Record<string, unknown>;
  /** Which files, and how: shown to people and used in error messages. */
  builtFrom: string;
  /** tokenizer_config.json's clean_up_tokenization_spaces, else transformers' default for the tokenizer class. */
  cleanUpTokenizationSpaces: boolean;
  /** tokenizer_config.json's model_max_length when it is a real limit (not transformers' 1e30 "none"). */
  modelMaxLength: number | null;
}

type Converter = 'bert' | 'gpt2' | 'roberta';

const WORDPIECE_CLASSES = ['BertTokenizer', 'DistilBertTokenizer', 'ElectraTokenizer', 'MobileBertTokenizer', 'SqueezeBertTokenizer', 'LayoutLMTokenizer', 'RetriBertTokenizer', 'LxmertTokenizer', 'DPRQuestionEncoderTokenizer', 'DPRContextEncoderTokenizer', 'DPRReaderTokenizer'];
const ROBERTA_CLASSES = ['RobertaTokenizer', 'BartTokenizer', 'LongformerTokenizer', 'MvpTokenizer', 'BlenderbotTokenizer'];
const GPT2_CLASSES = ['GPT2Tokenizer', 'CodeGenTokenizer', 'GPTNeoXTokenizer'];
const ROBERTA_MODEL_TYPES = ['roberta', 'bart', 'longformer', 'mvp'];
const GPT2_MODEL_TYPES = ['gpt2', 'gpt_neo', 'gptj', 'gpt_neox', 'codegen'];

// transformers' SPECIAL_TOKENS_ATTRIBUTES order: the order missing special tokens are added in.
const SPECIAL_ROLES = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'] as const;
type Role = (typeof SPECIAL_ROLES)[number];
const DEFAULT_SPECIALS: Record<Converter, Partial<Record<Role, string>>> = {
  bert: { unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' },
  gpt2: { unk_token: '<|endoftext|>', bos_token: '<|endoftext|>', eos_token: '<|endoftext|>' },
  roberta: { bos_token: '<s>', eos_token: '</s>', sep_token: '</s>', cls_token: '<s>', unk_token: '<unk>', pad_token: '<pad>', mask_token: '<mask>' },
};

interface AddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/**
 * A tokenizer.json for a model folder: its own tokenizer.json, or one built from vocab files exactly as
 * transformers' convert_slow_tokenizer.py (BertConverter, GPT2Converter, RobertaConverter) builds it. Which
 * converter: tokenizer_config.json's tokenizer_class, else the model_type in `hint`, else the files present.
 */
export function tokenizerJsonFromFiles(files: TokenizerFiles, hint: { modelType?: string } = {}): BuiltTokenizerJson {
  const config = optionalObject(files.tokenizerConfig, 'tokenizer_config.json');
  const cleanUp = config.clean_up_tokenization_spaces;
  if (cleanUp !== undefined && typeof cleanUp !== 'boolean') throw fileError('tokenizer_config.json', 'clean_up_tokenization_spaces', 'must be true or false');
  const maxLength = config.model_max_length;
  const modelMaxLength = typeof maxLength === 'number' && Number.isInteger(maxLength) && maxLength > 0 && maxLength < 1e12 ? maxLength : null;
  const tokenizerClass = typeof config.tokenizer_class === 'string' ? config.tokenizer_class.replace(/Fast$/, '') : undefined;

  if (files.tokenizerJson !== undefined) {
    if (!isObject(files.tokenizerJson)) throw new TokenizerFileError('tokenizer.json: not a JSON object.');
    const model = files.tokenizerJson.model;
    const wordPiece = isObject(model) && model.type === 'WordPiece';
    return {
      json: files.tokenizerJson,
      builtFrom: 'tokenizer.json',
      cleanUpTokenizationSpaces: cleanUp ?? defaultCleanUp(tokenizerClass, wordPiece ? 'bert' : 'gpt2'),
      modelMaxLength,
    };
  }
  const converter = chooseConverter(files, tokenizerClass, hint.modelType);
  const specials = specialTokens(files, config, converter);
  const json = converter === 'bert' ? bertJson(config, specials) : byteLevelJson(files, specials, converter);
  const sources = converter === 'bert' ? 'vocab.txt' : 'vocab.json + merges.txt';
  const how = { bert: 'BertConverter', gpt2: 'GPT2Converter', roberta: 'RobertaConverter' }[converter];
  return {
    json,
    builtFrom: `${sources}${files.tokenizerConfig === undefined ? '' : ' + tokenizer_config.json'} (built as transformers' ${how} does)`,
    cleanUpTokenizationSpaces: cleanUp ?? defaultCleanUp(tokenizerClass, converter),
    modelMaxLength,
  };
}

/** The tokenizer for a model folder's files (see tokenizerJsonFromFiles), ready to use. */
export function tokenizerFromFiles(files: TokenizerFiles, hint: { modelType?: string } = {}): BuiltTokenizerJson & { tokenizer: TextTokenizer } {
  const built = tokenizerJsonFromFiles(files, hint);
  const tokenizer = loadTokenizer(built.json, { source: built.builtFrom, cleanUpTokenizationSpaces: built.cleanUpTokenizationSpaces });
  return { ...built, tokenizer };
}

/**
 * Refuses a tokenizer whose ids do not fit the model's embedding table, naming both sizes; never a silent
 * fallback. A table padded past the tokenizer (Pythia: 50,304 rows for 50,277 tokens; Qwen2: 151,936 for
 * 151,665; GPT-J: 50,400 for 50,257) is accepted: at most max(64, 1%) unused rows.
 */
export function checkVocabularyFits(tokenizer: { vocabSize: number }, modelVocabSize: number, where: string): { paddedRows: number } {
  const entries = tokenizer.vocabSize;
  const format = (count: number) => count.toLocaleString('en-US');
  if (!Number.isInteger(modelVocabSize) || modelVocabSize <= 0) throw new RangeError(`The model's vocab_size ${modelVocabSize} is not a positive whole number.`);
  const paddedRows = modelVocabSize - entries;
  if (paddedRows < 0 || paddedRows > Math.max(64, Math.ceil(entries * 0.01))) {
    throw new RangeError(`The model has ${format(modelVocabSize)} token embeddings but the tokenizer (${where}) has ${format(entries)} entries: ` +
      `they do not belong together${paddedRows < 0 ? ' (ids past the embedding table would have no vector)' : ''}. ` +
      'Load the model with its own tokenizer files (tokenizer.json, or vocab.txt / vocab.json + merges.txt).');
  }
  return { paddedRows };
}

/** transformers' decode default: BertTokenizer passes clean_up_tokenization_spaces=True; the base class (v4.45+) False. */
function defaultCleanUp(tokenizerClass: string | undefined, converter: Converter): boolean {
  if (tokenizerClass !== undefined) return WORDPIECE_CLASSES.includes(tokenizerClass);
  return converter === 'bert';
}

function chooseConverter(files: TokenizerFiles, tokenizerClass: string | undefined, modelType: string | undefined): Converter {
  const hasBpe = files.vocabJson !== undefined && files.mergesTxt !== undefined;
  if (files.vocabTxt === undefined && !hasBpe) {
    const partial = files.vocabJson !== undefined ? 'vocab.json without merges.txt' : files.mergesTxt !== undefined ? 'merges.txt without vocab.json' : 'none of them';
    throw new TokenizerFileError(`No tokenizer files: need tokenizer.json, vocab.txt, or vocab.json + merges.txt (found ${partial}).`);
  }
  if (tokenizerClass !== undefined) {
    if (WORDPIECE_CLASSES.includes(tokenizerClass) && files.vocabTxt !== undefined) return 'bert';
    if (ROBERTA_CLASSES.includes(tokenizerClass) && hasBpe) return 'roberta';
    if (GPT2_CLASSES.includes(tokenizerClass) && hasBpe) return 'gpt2';
    throw new TokenizerFileError(`tokenizer_config.json: tokenizer_class "${tokenizerClass}" cannot be built from ${files.vocabTxt !== undefined ? 'vocab.txt' : 'vocab.json + merges.txt'} here ` +
      '(supported: BERT-style WordPiece, GPT-2 and RoBERTa byte-level BPE).');
  }
  if (files.vocabTxt !== undefined) return 'bert';
  if (modelType !== undefined && ROBERTA_MODEL_TYPES.includes(modelType)) return 'roberta';
  if (modelType === undefined || GPT2_MODEL_TYPES.includes(modelType)) return 'gpt2';
  throw new TokenizerFileError(`vocab.json + merges.txt: model_type "${modelType}" names no converter here (GPT-2 and RoBERTa styles are supported).`);
}

const fileError = (file: string, field: string, problem: string) => new TokenizerFileError(`${file}: ${field} ${problem}.`);

function optionalObject(value: unknown, file: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new TokenizerFileError(`${file}: not a JSON object.`);
  return value;
}

const idFail = (file: string) => (field: string, problem: string): never => {
  throw new TokenizerFileError(`${file}: ${field} ${problem}`);
};

/** The model vocabulary: vocab.txt (one token a line, id = line number) or vocab.json. */
function readVocabulary(files: TokenizerFiles, converter: Converter): Map<string, number> {
  const vocab = new Map<string, number>();
  if (converter === 'bert') {
    // load_vocab: readlines(), each stripped of its "\n" only; a later duplicate takes the later line's id.
    const lines = (files.vocabTxt as string).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length > TOKENIZER_LIMITS.vocabularyEntries) throw fileError('vocab.txt', 'has', `${lines.length.toLocaleString('en-US')} lines; at most ${TOKENIZER_LIMITS.vocabularyEntries.toLocaleString('en-US')} are allowed`);
    lines.forEach((token, id) => vocab.set(token, id));
    return vocab;
  }
  const json = files.vocabJson;
  if (!isObject(json)) throw new TokenizerFileError('vocab.json: must be an object of token -> id.');
  let count = 0;
  for (const token in json) {
    if (++count > TOKENIZER_LIMITS.vocabularyEntries) throw fileError('vocab.json', 'has', `more than ${TOKENIZER_LIMITS.vocabularyEntries.toLocaleString('en-US')} entries`);
    vocab.set(token, checkTokenId(json[token], JSON.stringify(token), idFail('vocab.json')));
  }
  return vocab;
}

interface Specials {
  vocab: Map<string, number>;
  added: AddedToken[];
  byRole: Partial<Record<Role, AddedToken>>;
  addBosToken: boolean;
  addPrefixSpace: boolean;
}

/**
 * The special and added tokens as transformers assembles them: tokenizer_config.json's added_tokens_decoder
 * (ids and flags as saved), special_tokens_map.json over tokenizer_config.json over the class defaults, then
 * added_tokens.json; a special token missing from the vocabulary gets the next free id.
 */
function specialTokens(files: TokenizerFiles, config: Record<string, unknown>, converter: Converter): Specials {
  const vocab = readVocabulary(files, converter);
  const map = optionalObject(files.specialTokensMap, 'special_tokens_map.json');
  const added = new Map<string, AddedToken>();
  const decoder = config.added_tokens_decoder;
  if (decoder !== undefined) {
    if (!isObject(decoder)) throw fileError('tokenizer_config.json', 'added_tokens_decoder', 'must be an object of id -> token');
    for (const key of Object.keys(decoder)) {
      const value = decoder[key];
      const id = checkTokenId(Number(key), `added_tokens_decoder["${key}"]`, idFail('tokenizer_config.json'));
      if (!isObject(value) || typeof value.content !== 'string' || value.content.length === 0) {
        throw fileError('tokenizer_config.json', `added_tokens_decoder["${key}"].content`, 'must be a non-empty string');
      }
      added.set(value.content, addedToken(id, value.content, value, { special: false, normalized: true, lstrip: false }));
    }
  }
  let largestId = vocab.size - 1;
  for (const id of vocab.values()) largestId = Math.max(largestId, id);
  const nextId = () => {
    for (const token of added.values()) largestId = Math.max(largestId, token.id);
    return largestId + 1;
  };
  const idFor = (content: string) => added.get(content)?.id ?? vocab.get(content) ?? nextId();
  const byRole: Partial<Record<Role, AddedToken>> = {};
  for (const role of SPECIAL_ROLES) {
    const value = role in map ? map[role] : role in config ? config[role] : DEFAULT_SPECIALS[converter][role];
    if (value === undefined || value === null) continue;
    const content = isObject(value) ? value.content : value;
    if (typeof content !== 'string' || content.length === 0) throw fileError(role in map ? 'special_tokens_map.json' : 'tokenizer_config.json', role, 'must be a token (a string or {"content": …})');
    // BERT's special tokens are never normalized; GPT-2 / RoBERTa's are AddedToken(x, lstrip=False, rstrip=False),
    // normalized, except RoBERTa's mask: AddedToken("<mask>", lstrip=True, normalized=False).
    const defaults = converter === 'bert'
      ? { special: true, normalized: false, lstrip: false }
      : role === 'mask_token' ? { special: true, normalized: false, lstrip: true } : { special: true, normalized: true, lstrip: false };
    const existing = added.get(content);
    const token = existing ? { ...existing, special: true } : addedToken(idFor(content), content, isObject(value) ? value : {}, defaults);
    added.set(content, token);
    byRole[role] = token;
  }
  const extra = files.addedTokens === undefined ? {} : optionalObject(files.addedTokens, 'added_tokens.json');
  for (const content of Object.keys(extra)) {
    if (added.has(content)) continue;
    const id = checkTokenId(extra[content], JSON.stringify(content), idFail('added_tokens.json'));
    added.set(content, addedToken(id, content, {}, { special: false, normalized: true, lstrip: false }));
  }
  if (added.size > TOKENIZER_LIMITS.addedTokens) throw fileError('tokenizer_config.json', 'added tokens', `number more than ${TOKENIZER_LIMITS.addedTokens.toLocaleString('en-US')}`);
  const flag = (name: string) => {
    const value = config[name] ?? false;
    if (typeof value !== 'boolean') throw fileError('tokenizer_config.json', name, 'must be true or false');
    return value;
  };
  return {
    vocab,
    added: [...added.values()].sort((a, b) => a.id - b.id),
    byRole,
    addBosToken: flag('add_bos_token'),
    addPrefixSpace: flag('add_prefix_space'),
  };
}

function addedToken(id: number, content: string, flags: Record<string, unknown>, defaults: { special: boolean; normalized: boolean; lstrip: boolean }): AddedToken {
  const flag = (name: string, fallback: boolean) => (typeof flags[name] === 'boolean' ? (flags[name] as boolean) : fallback);
  return {
    id,
    content,
    single_word: flag('single_word', false),
    lstrip: flag('lstrip', defaults.lstrip),
    rstrip: flag('rstrip', false),
    normalized: flag('normalized', defaults.normalized),
    special: flag('special', defaults.special),
  };
}

function requireRole(specials: Specials, role: Role, converter: string): AddedToken {
  const token = specials.byRole[role];
  if (!token) throw new TokenizerFileError(`${converter} needs a ${role}; neither tokenizer_config.json nor special_tokens_map.json names one.`);
  return token;
}

const vocabObject = (vocab: Map<string, number>) => Object.fromEntries([...vocab].sort((a, b) => a[1] - b[1]));

/** BertConverter: BertNormalizer from do_lower_case / strip_accents / tokenize_chinese_chars, [CLS] $A [SEP]. */
function bertJson(config: Record<string, unknown>, specials: Specials): Record<string, unknown> {
  const setting = <T>(name: string, fallback: T, valid: (value: unknown) => boolean): T => {
    const value = config[name] ?? fallback;
    if (!valid(value)) throw fileError('tokenizer_config.json', name, `has the value ${JSON.stringify(value)}, which is not allowed here`);
    return value as T;
  };
  const isBoolean = (value: unknown) => typeof value === 'boolean';
  const lowercase = setting('do_lower_case', true, isBoolean);
  const stripAccents = setting<boolean | null>('strip_accents', null, (value) => value === null || isBoolean(value));
  const chinese = setting('tokenize_chinese_chars', true, isBoolean);
  const cls = requireRole(specials, 'cls_token', 'BertConverter');
  const sep = requireRole(specials, 'sep_token', 'BertConverter');
  const unk = requireRole(specials, 'unk_token', 'BertConverter');
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.added,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: chinese, strip_accents: stripAccents, lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(cls.content, 0), sequence('A', 0), special(sep.content, 0)],
      pair: [special(cls.content, 0), sequence('A', 0), special(sep.content, 0), sequence('B', 1), special(sep.content, 1)],
      special_tokens: Object.fromEntries([cls, sep].map((token) => [token.content, { id: token.content, ids: [token.id], tokens: [token.content] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: unk.content, continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: vocabObject(specials.vocab) },
  };
}

/** GPT2Converter / RobertaConverter: ByteLevel pre-tokenizer and decoder, BPE with merges.txt's merges. */
function byteLevelJson(files: TokenizerFiles, specials: Specials, converter: 'gpt2' | 'roberta'): Record<string, unknown> {
  const byteLevel = (addPrefixSpace: boolean, trimOffsets: boolean) => ({ type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: true });
  let postProcessor: Record<string, unknown>;
  if (converter === 'roberta') {
    const sep = requireRole(specials, 'sep_token', 'RobertaConverter');
    const cls = requireRole(specials, 'cls_token', 'RobertaConverter');
    postProcessor = { type: 'RobertaProcessing', sep: [sep.content, sep.id], cls: [cls.content, cls.id], trim_offsets: true, add_prefix_space: specials.addPrefixSpace };
  } else if (specials.addBosToken) {
    const bos = requireRole(specials, 'bos_token', 'GPT2Converter (add_bos_token)');
    postProcessor = {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: bos.content, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: bos.content, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { [bos.content]: { id: bos.content, ids: [bos.id], tokens: [bos.content] } },
    };
  } else {
    postProcessor = byteLevel(true, false);
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.added,
    normalizer: null,
    pre_tokenizer: byteLevel(specials.addPrefixSpace, true),
    post_processor: postProcessor,
    decoder: byteLevel(true, true),
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false,
      vocab: vocabObject(specials.vocab),
      merges: readMerges(files.mergesTxt as string, specials.vocab),
    },
  };
}

/**
 * merges.txt as GPT2Tokenizer reads it: split("\n")[1:-1] (the "#version" line and the text after the last
 * newline are skipped), each line split on whitespace; a repeated merge keeps its first place.
 */
function readMerges(text: string, vocab: Map<string, number>): string[] {
  const lines = text.split('\n').slice(1, -1);
  if (lines.length > TOKENIZER_LIMITS.merges) throw fileError('merges.txt', 'has', `${lines.length.toLocaleString('en-US')} merges; at most ${TOKENIZER_LIMITS.merges.toLocaleString('en-US')} are allowed`);
  const seen = new Set<string>();
  const merges: string[] = [];
  lines.forEach((line, index) => {
    const parts = line.split(/\s+/u).filter(Boolean);
    if (parts.length !== 2) throw fileError('merges.txt', `line ${index + 2}`, `must be two tokens separated by a space, not ${JSON.stringify(line.slice(0, 60))}`);
    const merge = `${parts[0]} ${parts[1]}`;
    if (!vocab.has(parts[0]) || !vocab.has(parts[1]) || !vocab.has(parts[0] + parts[1])) {
      throw fileError('merges.txt', `line ${index + 2}`, `(${JSON.stringify(merge)}) uses a token that vocab.json lacks`);
    }
    if (seen.has(merge)) return;
    seen.add(merge);
    merges.push(merge);
  });
  return merges;
}
