// Gives the tiny fixture models (vocabulary 1000) tokenizers whose ids fit, cut from the real ones, so the page can
// type text into them in end-to-end tests:
// - tiny-gpt2: GPT-2's byte-level BPE restricted to its 256 byte tokens and first 744 merges (GPT-2's vocabulary
//   lists the bytes, then each merge's result in merge order, so ids 0..999 stay exactly GPT-2's);
// - tiny-bert: bert-base-uncased's WordPiece with ids 0..103 unchanged ([PAD], [UNK], [CLS], [SEP], [MASK]) and
//   104..999 refilled with its single characters (also as ## continuations) and most frequent words.
// Run after `npm install` (it reads public/tokenizers): node scripts/reference/make-fixture-tokenizers.mjs
import { readFileSync, writeFileSync } from 'node:fs';

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

write('test/fixtures/models/tiny-gpt2/tokenizer.json', tinyGpt2());
write('test/fixtures/models/tiny-bert/tokenizer.json', tinyBert());
write('test/fixtures/models/tiny-bert-cls/tokenizer.json', tinyBert());
console.log('wrote tokenizer.json for tiny-gpt2, tiny-bert and tiny-bert-cls');
