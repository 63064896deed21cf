/**
 * A seeded corpus of hard strings for tokenizer parity: accents and combining marks, CJK, emoji with skin tones and
 * ZWJ sequences, flags, control characters, zero-width and non-breaking spaces, whitespace runs, numbers and
 * currency, URLs, code, very long words, literal special tokens and empty strings.
 */

/** mulberry32: a tiny, well-mixed 32-bit PRNG; the same seed always gives the same corpus. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fragments: Record<string, string[]> = {
  words: ['the', 'Transformer', 'learning', "don't", "we'll", "I'M", 'naïve', 'café', 'Straße', 'ΟΔΟΣ', 'Σίσυφος',
    'İstanbul', 'Ǆemal', 'fiancée', 'coöperate', 'München', 'Ångström', 'Привет', 'мир', 'שלום', 'مرحبا', 'नमस्ते', 'ﬁne'],
  accents: ['e\u0301', 'a\u0308\u0301', 'n\u0303', 'o\u0316\u0301', 'Z\u0335\u0321\u0334', 'ǅ', 'ℌ', 'Å', 'ﬀ', 'ẞ'],
  cjk: ['中文', '日本語のテキスト', '한국어 문장', '漢字かな交じり', '𠀋𡈽', '㐀', '豈', '，。！'],
  emoji: ['😀', '👍🏽', '👩‍👩‍👧‍👦', '🧑🏿‍🚀', '❤️', '🏳️‍🌈', '🇫🇷', '🇯🇵', '🫠', '1️⃣', '👨‍💻'],
  controls: ['\u0000', '\u0001', '\u0007', '\u001b[0m', '\u007f', '\u0085', '\u009f', '\uFFFD', '\uFEFF', '\u200b',
    '\u200c', '\u200d', '\u2060', '\u00ad', '\u202e', '\uE000'],
  spaces: [' ', '  ', '   ', '\t', '\t\t', '\n', '\n\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\u2028', '\u2029',
    '\u000b', '\u000c', ' \n \t '],
  numbers: ['42', '3.14159', '-0.5', '1,000,000', '$19.99', '€5', '£3', '¥1000', '₹250', '2024-05-01', '½', '²',
    '٣٤٥', '１２３', '1e-9', '0x1F'],
  urls: ['https://huggingface.co/bert-base-uncased?x=1&y=%20', 'http://127.0.0.1:5173/', 'mailto:a.b@example.org',
    'www.example.com/a_b-c'],
  code: ['const x = (a, b) => a ** b;', 'def f(x):\n    return x[::-1]', '#include <stdio.h>', '{"key": [1, 2]}',
    'a != b && c <= d', 'x_1 = y__2', '</div>', '#!/bin/sh'],
  specials: ['[CLS]', '[SEP]', '[MASK]', '[PAD]', '[UNK]', '<|endoftext|>', '[cls]', '[MASK ]', '<|endoftext', '##ing',
    '<mask>', ' <mask>', '<s>', '</s>', '<unk>', '<pad>', '<|padding|>', '<0x41>', '▁', '▁the'],
  punctuation: ['.', ',', '!?', '...', '—', '–', '«»', '“quoted”', "'s", "'ll", '(', ')', '¿', '¡', '•', '™', '@', '#'],
};

function longWord(random: () => number): string {
  const alphabet = ['a', 'b', 'é', 'z', 'ß', 'x', 'ö', '中', '😀', 'q'];
  const length = 90 + Math.floor(random() * 40);
  return Array.from({ length }, () => alphabet[Math.floor(random() * (random() < 0.8 ? 4 : alphabet.length))]).join('');
}

/** `count` strings (at least 2,000 by default), deterministic for a given seed. */
export function generateParityCorpus(count = 2400, seed = 20240501): string[] {
  const random = createRandom(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const categories = Object.keys(fragments);
  const corpus = ['', ' ', '\n', 'I love learning about transformers.', longWord(random), '[CLS][SEP]', '<|endoftext|>',
    '<s>Hello', 'The capital of France is <mask>.', '  leading spaces', 'café naïve 東京 🙂'];
  while (corpus.length < count) {
    if (random() < 0.05) {
      corpus.push(longWord(random));
      continue;
    }
    const parts: string[] = [];
    const length = 1 + Math.floor(random() * 12);
    for (let index = 0; index < length; index++) {
      parts.push(pick(fragments[pick(categories)]));
      if (random() < 0.7) parts.push(random() < 0.85 ? ' ' : pick(fragments.spaces));
    }
    corpus.push(parts.join(''));
  }
  return corpus;
}
