/// <reference types="node" />
import {
  AddedToken, BPE, bertNormalizer, bertPreTokenizer, byteLevelPreTokenizer, robertaProcessing, templateProcessing, Tokenizer as RustTokenizer,
  WordPiece, wordPieceDecoder,
} from '@anush008/tokenizers';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithRust, parityInputs } from '../../test/parity/compare';
import { generatedTokenizerPath, readJson } from '../../test/parity/references';
import { bertVocabTxt, casedBertVocabTxt, gpt2MergesTxt, gpt2VocabJson, robertaStyleVocabJson } from '../../test/parity/vocabFiles';
import { checkVocabularyFits, tokenizerFromFiles, tokenizerJsonFromFiles } from './fromFiles';
import { loadTokenizer } from './tokenizer';

const sharedFolder = (name: string) => {
  const folder = join(process.cwd(), '..', 'shared', 'data', 'hf-reference', name);
  try {
    readFileSync(join(folder, 'tokenizer.json'));
    return folder;
  } catch {
    console.log(`[fromFiles] ../shared/data/hf-reference/${name} is absent: comparison with Hugging Face's file skipped`);
    return null;
  }
};
const text = (folder: string, file: string) => readFileSync(join(folder, file), 'utf8');
const json = (folder: string, file: string) => JSON.parse(text(folder, file));
const bertTiniest = sharedFolder('bert-tiniest');
const fakeGpt2 = sharedFolder('fake-gpt2');
const tempDir = mkdtempSync(join(tmpdir(), 'vocab-files-'));

describe('tokenizer.json from vocab files, as transformers converts them', () => {
  it.skipIf(bertTiniest === null)('vocab.txt + tokenizer_config.json + special_tokens_map.json reproduce HF bert-base-uncased\'s tokenizer.json', () => {
    const folder = bertTiniest as string;
    const built = tokenizerJsonFromFiles({
      vocabTxt: text(folder, 'vocab.txt'), tokenizerConfig: json(folder, 'tokenizer_config.json'), specialTokensMap: json(folder, 'special_tokens_map.json'),
    });
    expect(built.json).toEqual(json(folder, 'tokenizer.json'));
    expect(built.builtFrom).toMatch(/BertConverter/);
    expect(built.cleanUpTokenizationSpaces).toBe(true);
  });

  it.skipIf(fakeGpt2 === null)('vocab.json + merges.txt + tokenizer_config.json reproduce HF gpt2\'s tokenizer.json', () => {
    const folder = fakeGpt2 as string;
    const built = tokenizerJsonFromFiles({
      vocabJson: json(folder, 'vocab.json'), mergesTxt: text(folder, 'merges.txt'),
      tokenizerConfig: json(folder, 'tokenizer_config.json'), specialTokensMap: json(folder, 'special_tokens_map.json'),
    });
    expect(built.json).toEqual(json(folder, 'tokenizer.json'));
    expect(built.builtFrom).toMatch(/GPT2Converter/);
  });

  it('with no tokenizer_config.json at all, gives the built-in tokenizers (transformers\' class defaults)', () => {
    expect(tokenizerJsonFromFiles({ vocabTxt: bertVocabTxt() }).json).toEqual(readJson(generatedTokenizerPath('bert-base-uncased')));
    const gpt2 = tokenizerJsonFromFiles({ vocabJson: gpt2VocabJson(), mergesTxt: gpt2MergesTxt() });
    expect(gpt2.json).toEqual(readJson(generatedTokenizerPath('gpt2')));
    expect(gpt2.cleanUpTokenizationSpaces).toBe(false);
  });

  it('builds RoBERTa\'s layout: <s> A </s></s> B </s>, <mask> with lstrip, ids as roberta-base numbers its specials', () => {
    const built = tokenizerJsonFromFiles({ vocabJson: robertaStyleVocabJson(), mergesTxt: gpt2MergesTxt() }, { modelType: 'roberta' });
    expect(built.json.post_processor).toEqual({ type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false });
    expect((built.json.added_tokens as { id: number; content: string; lstrip: boolean; normalized: boolean }[]).map(({ id, content, lstrip, normalized }) => [id, content, lstrip, normalized]))
      .toEqual([[0, '<s>', false, true], [1, '<pad>', false, true], [2, '</s>', false, true], [3, '<unk>', false, true], [50264, '<mask>', true, false]]);
    const tokenizer = loadTokenizer(built.json);
    const pair = tokenizer.encodePair('Hello world', 'The capital is <mask>.');
    expect(pair.tokens).toEqual(['<s>', 'Hello', 'Ġworld', '</s>', '</s>', 'The', 'Ġcapital', 'Ġis', ' <mask>', '.', '</s>']);
    expect(pair.typeIds.every((typeId) => typeId === 0)).toBe(true);
    expect(tokenizer.vocabSize).toBe(50265);
  });

  it('keeps casing for a cased vocab.txt (do_lower_case false), lowercases an uncased one', () => {
    const cased = tokenizerFromFiles({ vocabTxt: casedBertVocabTxt(), tokenizerConfig: { do_lower_case: false } }).tokenizer;
    expect(cased.encode('Hello World from München').tokens).toEqual(['[CLS]', 'Hello', 'World', 'from', 'München', '[SEP]']);
    const uncased = tokenizerFromFiles({ vocabTxt: casedBertVocabTxt() }).tokenizer;
    expect(uncased.encode('Hello World').tokens).toEqual(['[CLS]', 'hello', 'world', '[SEP]']);
  });

  it('says what is missing or wrong, naming the file and the field', () => {
    expect(() => tokenizerJsonFromFiles({ vocabJson: gpt2VocabJson() })).toThrow(/vocab\.json without merges\.txt/);
    expect(() => tokenizerJsonFromFiles({ vocabTxt: 'a\nb\n', tokenizerConfig: { tokenizer_class: 'XLNetTokenizer' } })).toThrow(/tokenizer_class "XLNetTokenizer"/);
    expect(() => tokenizerJsonFromFiles({ vocabTxt: bertVocabTxt(), tokenizerConfig: { do_lower_case: 'yes' } })).toThrow(/tokenizer_config\.json: do_lower_case/);
    expect(() => tokenizerJsonFromFiles({ vocabJson: { a: 0, b: 1e9 }, mergesTxt: '#version: 0.2\n' })).toThrow(/vocab\.json: "b" is 1000000000/);
    expect(() => tokenizerJsonFromFiles({ vocabJson: { a: 0, b: 1 }, mergesTxt: '#version: 0.2\na b\n' })).toThrow(/merges\.txt: line 2/);
  });
});

interface FilesCase {
  label: string;
  pairs: boolean;
  build: () => ReturnType<typeof tokenizerFromFiles>;
  /** The Rust library's own constructors from the same files: an independent route. */
  rust: () => Promise<RustTokenizer>;
}

function writeTemp(name: string, content: string): string {
  const path = join(tempDir, name);
  writeFileSync(path, content);
  return path;
}

async function rustByteLevel(vocab: Record<string, number>, roberta: boolean, addPrefixSpace: boolean): Promise<RustTokenizer> {
  const model = await BPE.fromFile(writeTemp(`vocab-${roberta}.json`, JSON.stringify(vocab)), writeTemp('merges.txt', gpt2MergesTxt()));
  const rust = new RustTokenizer(model);
  rust.setPreTokenizer(byteLevelPreTokenizer(addPrefixSpace, true));
  if (roberta) {
    rust.setPostProcessor(robertaProcessing(['</s>', 2], ['<s>', 0], true, addPrefixSpace));
    rust.addAddedTokens(['<s>', '<pad>', '</s>', '<unk>'].map((token) => new AddedToken(token, true, { normalized: true })));
    rust.addAddedTokens([new AddedToken('<mask>', true, { leftStrip: true, normalized: false })]);
  } else {
    rust.addAddedTokens([new AddedToken('<|endoftext|>', true, { normalized: true })]);
  }
  return rust;
}

async function rustWordPiece(vocabTxt: string, lowercase: boolean): Promise<RustTokenizer> {
  const model = await WordPiece.fromFile(writeTemp(`vocab-${lowercase}.txt`, vocabTxt), { unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 });
  const rust = new RustTokenizer(model);
  rust.setNormalizer(bertNormalizer({ cleanText: true, handleChineseChars: true, lowercase }));
  rust.setPreTokenizer(bertPreTokenizer());
  rust.setPostProcessor(templateProcessing('[CLS]:0 $A:0 [SEP]:0', '[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1', [['[CLS]', 101], ['[SEP]', 102]]));
  rust.setDecoder(wordPieceDecoder('##', true));
  rust.addAddedTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((token) => new AddedToken(token, true, { normalized: false })));
  return rust;
}

const filesCases: FilesCase[] = [
  {
    label: 'RoBERTa-style vocab.json + merges.txt (RobertaConverter)',
    pairs: true,
    build: () => tokenizerFromFiles({ vocabJson: robertaStyleVocabJson(), mergesTxt: gpt2MergesTxt(), tokenizerConfig: { tokenizer_class: 'RobertaTokenizer' } }),
    rust: () => rustByteLevel(robertaStyleVocabJson(), true, false),
  },
  {
    label: 'RoBERTa-style with add_prefix_space: true',
    pairs: true,
    build: () => tokenizerFromFiles({ vocabJson: robertaStyleVocabJson(), mergesTxt: gpt2MergesTxt(), tokenizerConfig: { tokenizer_class: 'RobertaTokenizer', add_prefix_space: true } }),
    rust: () => rustByteLevel(robertaStyleVocabJson(), true, true),
  },
  {
    label: 'GPT-2 vocab.json + merges.txt (GPT2Converter)',
    pairs: false,
    build: () => tokenizerFromFiles({ vocabJson: gpt2VocabJson(), mergesTxt: gpt2MergesTxt() }, { modelType: 'gpt2' }),
    rust: () => rustByteLevel(gpt2VocabJson(), false, false),
  },
  {
    label: 'bert-base-uncased vocab.txt (BertConverter)',
    pairs: true,
    build: () => tokenizerFromFiles({ vocabTxt: bertVocabTxt(), tokenizerConfig: { do_lower_case: true } }),
    rust: () => rustWordPiece(bertVocabTxt(), true),
  },
  {
    label: 'bert-base-cased-style vocab.txt, do_lower_case false (BertConverter)',
    pairs: true,
    build: () => tokenizerFromFiles({ vocabTxt: casedBertVocabTxt(), tokenizerConfig: { do_lower_case: false } }),
    rust: () => rustWordPiece(casedBertVocabTxt(), false),
  },
];

describe.each(filesCases)('tokenizers from vocab files equal the Rust tokenizers: $label', ({ label, pairs, build, rust }) => {
  it('(a) Rust loading our converted tokenizer.json, every field and decode', async () => {
    const { json: converted, tokenizer } = build();
    const inputs = parityInputs(pairs);
    const mismatches = await compareWithRust(tokenizer, RustTokenizer.fromString(JSON.stringify(converted)), inputs);
    console.log(`[fromFiles] ${label}, (a) converted JSON: ${inputs.length} inputs checked, ${mismatches.length} mismatches`);
    for (const mismatch of mismatches.slice(0, 3)) console.log(mismatch);
    expect(mismatches.length).toBe(0);
  });

  it('(b) Rust building the tokenizer itself from the same files (BPE / WordPiece fromFile)', async () => {
    const inputs = parityInputs(pairs);
    const mismatches = await compareWithRust(build().tokenizer, await rust(), inputs, { fields: ['ids', 'tokens', 'offsets', 'special', 'typeIds', 'wordIds'] });
    console.log(`[fromFiles] ${label}, (b) Rust's own constructors: ${inputs.length} inputs checked, ${mismatches.length} mismatches`);
    for (const mismatch of mismatches.slice(0, 3)) console.log(mismatch);
    expect(mismatches.length).toBe(0);
  });
});

describe('checkVocabularyFits', () => {
  const sized = (vocabSize: number) => ({ vocabSize });
  it('accepts equal sizes and tables padded past the tokenizer', () => {
    expect(checkVocabularyFits(sized(50257), 50257, 'gpt2 built-in')).toEqual({ paddedRows: 0 });
    expect(checkVocabularyFits(sized(50277), 50304, 'tokenizer.json')).toEqual({ paddedRows: 27 }); // Pythia
    expect(checkVocabularyFits(sized(151665), 151936, 'tokenizer.json')).toEqual({ paddedRows: 271 }); // Qwen2
  });
  it('refuses a tokenizer of another model, naming both sizes', () => {
    expect(() => checkVocabularyFits(sized(30522), 105879, 'bert-base-uncased built-in'))
      .toThrow('the model has 105,879 token embeddings but the tokenizer (bert-base-uncased built-in) has 30,522 entries'.replace(/^t/, 'T'));
    expect(() => checkVocabularyFits(sized(50265), 50257, 'vocab.json + merges.txt')).toThrow(/50,257 token embeddings .* 50,265 entries/);
  });
});
