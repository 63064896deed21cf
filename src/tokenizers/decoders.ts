import { byteToChar } from './byteLevel';
import { compilePattern } from './patterns';
import { flattenStages, type StageConfig, stageField, UnsupportedTokenizerError } from './tokenizerJson';

/** Tokens -> text, one decoder step at a time, with Hugging Face's (Rust) semantics. */
export type Decoder = (tokens: string[]) => string;

type Step = (tokens: string[]) => string[];

export function createDecoder(config: StageConfig | null): Decoder {
  if (config === null) return (tokens) => tokens.join(' ');
  const steps = flattenStages(config, 'decoders').map(createStep);
  return (tokens) => steps.reduce((current, step) => step(current), tokens).join('');
}

const byteOfChar = new Map(byteToChar.map((char, byte) => [char, byte]));
const utf8 = new TextEncoder();
// Like Rust's String::from_utf8_lossy: each invalid sequence becomes U+FFFD.
const lossyUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The cleanup of Rust's WordPiece decoder (decoders/wordpiece.rs), applied to each token. */
export function wordPieceCleanup(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/**
 * transformers' `clean_up_tokenization` (tokenization_utils_base.py), applied to the whole decoded text when
 * `clean_up_tokenization_spaces` is on: these replacements, in this order.
 */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

function createStep(config: StageConfig): Step {
  switch (config.type) {
    case 'ByteLevel':
      // Every token's characters as bytes (a token holding a character outside the table counts as its UTF-8).
      return (tokens) => {
        const bytes: number[] = [];
        for (const token of tokens) {
          const chars = [...token];
          if (chars.every((char) => byteOfChar.has(char))) for (const char of chars) bytes.push(byteOfChar.get(char) as number);
          else bytes.push(...utf8.encode(token));
        }
        return [lossyUtf8.decode(Uint8Array.from(bytes))];
      };
    case 'WordPiece': {
      const prefix = stageField(config, 'prefix', 'string', '##');
      const cleanup = stageField(config, 'cleanup', 'boolean', true);
      return (tokens) => tokens.map((token, index) => {
        let text = token;
        if (index > 0) text = prefix && token.startsWith(prefix) ? token.slice(prefix.length) : ` ${token}`;
        return cleanup ? wordPieceCleanup(text) : text;
      });
    }
    case 'Metaspace': {
      const replacement = stageField(config, 'replacement', 'string', '\u2581');
      const legacy = stageField<boolean | null>(config, 'add_prefix_space', 'boolean', null as unknown as boolean);
      const scheme = stageField<string>(config, 'prepend_scheme', 'string', legacy === false ? 'never' : 'always');
      return (tokens) => tokens.map((token, index) =>
        [...token].map((char) => (char === replacement ? (index === 0 && scheme !== 'never' ? '' : ' ') : char)).join(''));
    }
    case 'Replace': {
      const pattern = compilePattern(config.pattern, 'decoder Replace.pattern');
      const content = stageField(config, 'content', 'string', '');
      return (tokens) => tokens.map((token) => token.replace(pattern, () => content));
    }
    case 'ByteFallback':
      return byteFallback;
    case 'Fuse':
      return (tokens) => [tokens.join('')];
    case 'Strip': {
      const content = stageField<string>(config, 'content', 'string');
      const start = stageField(config, 'start', 'number', 0);
      const stop = stageField(config, 'stop', 'number', 0);
      return (tokens) => tokens.map((token) => {
        const chars = [...token];
        let first = 0;
        while (first < Math.min(start, chars.length) && chars[first] === content) first++;
        let last = chars.length;
        for (let i = 0; i < stop && last > first && chars[last - 1] === content; i++) last--;
        return chars.slice(first, last).join('');
      });
    }
    case 'BPEDecoder': {
      const suffix = stageField(config, 'suffix', 'string', '</w>');
      return (tokens) => tokens.map((token, index) => token.replaceAll(suffix, index === tokens.length - 1 ? '' : ' '));
    }
    default:
      throw new UnsupportedTokenizerError(`Decoder "${config.type}" is not supported.`);
  }
}

const byteToken = /^<0x([0-9A-Fa-f]{2})>$/;

/** `<0xE4><0xB8><0x96>` -> "世"; bytes that are not valid UTF-8 become one U+FFFD each (decoders/byte_fallback.rs). */
function byteFallback(tokens: string[]): string[] {
  const output: string[] = [];
  let pending: number[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    try {
      output.push(strictUtf8.decode(Uint8Array.from(pending)));
    } catch {
      for (let i = 0; i < pending.length; i++) output.push('\uFFFD');
    }
    pending = [];
  };
  for (const token of tokens) {
    const match = byteToken.exec(token);
    if (match) {
      pending.push(parseInt(match[1], 16));
      continue;
    }
    flush();
    output.push(token);
  }
  flush();
  return output;
}
