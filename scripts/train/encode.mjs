// Encodes stdin with one of the project's tokenizers (public/tokenizers/<name>/tokenizer.json, Hugging Face's Rust
// tokenizers via npm @anush008/tokenizers) and prints the ids as JSON, without special tokens; with --decode, reads
// a JSON array of ids and prints the decoded text as a JSON string.
//   echo "some text" | node scripts/train/encode.mjs gpt2
//   echo "[464, 2068]" | node scripts/train/encode.mjs gpt2 --decode
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Tokenizer } = createRequire(import.meta.url)('@anush008/tokenizers');

const tokenizer = Tokenizer.fromFile(join(projectRoot, 'public/tokenizers', process.argv[2], 'tokenizer.json'));
const input = readFileSync(0, 'utf8');
if (process.argv[3] === '--decode') {
  console.log(JSON.stringify(await tokenizer.decode(JSON.parse(input), false)));
} else {
  const encoding = await tokenizer.encode(input, null, { addSpecialTokens: false });
  console.log(JSON.stringify(encoding.getIds()));
}
