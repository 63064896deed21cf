// Tokenizers for the rotary decoder fixtures (test/fixtures/models/tiny-gpt-neox and tiny-llama, vocabulary 512), so
// the page can type text into them in end-to-end tests; the goldens use ids and do not depend on them.
// - tiny-gpt-neox: GPT-NeoX's layout (Pythia's tokenizer.json: NFC normalizer, byte-level BPE, no post-processor,
//   <|endoftext|> 0 and <|padding|> 1 first) with GPT-2's 256 byte tokens and first 254 merges in GPT-2's order as
//   ids 2..511 (the checkpoint's bos = eos = 0 is <|endoftext|>);
// - tiny-llama: the llama-style fixture (test/fixtures/tokenizers/llama-style, SentencePiece-converted BPE with
//   byte fallback; <unk> 0, <s> 1, </s> 2 as the checkpoint's bos 1 and eos 2) cut to its first 512 ids, keeping
//   the merges whose parts and result stay inside them.
// Run after `npm install` (it reads public/tokenizers): node scripts/reference/make-decoder-fixture-tokenizers.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const VOCAB = 512;
const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const write = (path, json) => writeFileSync(path, `${JSON.stringify(json)}\n`);
const added = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });

function tinyGptNeox() {
  const gpt2 = read('public/tokenizers/gpt2/tokenizer.json');
  const specials = ['<|endoftext|>', '<|padding|>'];
  const kept = VOCAB - specials.length;
  const byId = Object.entries(gpt2.model.vocab).sort((a, b) => a[1] - b[1]).slice(0, kept).map(([token]) => token);
  const merges = gpt2.model.merges.slice(0, kept - 256);
  merges.forEach((merge, i) => {
    if (byId[256 + i] !== merge.replace(' ', '')) throw new Error(`GPT-2 id ${256 + i} is ${byId[256 + i]}, not merge ${i} (${merge})`);
  });
  const tokens = [...specials, ...byId];
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => added(id, content)),
    normalizer: { type: 'NFC' },
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false,
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
      merges,
    },
  };
}

function tinyLlama() {
  const json = read('test/fixtures/tokenizers/llama-style/tokenizer.json');
  const vocab = Object.fromEntries(Object.entries(json.model.vocab).filter(([, id]) => id < VOCAB));
  if (Object.keys(vocab).length !== VOCAB) throw new Error(`the llama-style vocabulary has holes below ${VOCAB}`);
  const merges = json.model.merges.filter((merge) => {
    const [left, right] = merge.split(' ');
    return left in vocab && right in vocab && left + right in vocab;
  });
  return { ...json, model: { ...json.model, vocab, merges } };
}

write('test/fixtures/models/tiny-gpt-neox/tokenizer.json', tinyGptNeox());
write('test/fixtures/models/tiny-llama/tokenizer.json', tinyLlama());
console.log('wrote tokenizer.json for tiny-gpt-neox and tiny-llama');
