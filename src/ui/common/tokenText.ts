// How a token is shown: raw (the vocabulary string: `##ing`, `Ġlove`, `▁the`, `<0x0A>`) or decoded (the text it
// stands for, with whitespace made visible and the bytes of a character split across tokens shown as hex). The
// Tokenize tab's chips and the attention views' labels share it.

const byteLevelToByte = buildByteLevelDecoder();

/** GPT-2's byte-to-unicode table, inverted: the printable stand-in character -> the byte it encodes. */
function buildByteLevelDecoder(): Map<string, number> {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const decoder = new Map<string, number>();
  let extra = 0;
  for (let byte = 0; byte < 256; byte++) {
    const codePoint = printable.includes(byte) ? byte : 256 + extra++;
    decoder.set(String.fromCodePoint(codePoint), byte);
  }
  return decoder;
}

/** The bytes a byte-level BPE token stands for, or undefined when the token is not byte-level. */
export function byteLevelBytes(token: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const char of token) {
    const byte = byteLevelToByte.get(char);
    if (byte === undefined) return undefined;
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function showWhitespace(text: string): string {
  return text.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥');
}

export interface DisplayedToken {
  text: string;
  /** A WordPiece continuation (`##`): drawn attached to the previous token. */
  continuation: boolean;
  /** Part of a character whose UTF-8 bytes are split across several tokens. */
  partialBytes: boolean;
}

const hex = (bytes: Iterable<number>) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** A SentencePiece byte-fallback token (`<0x0A>`): its byte, or undefined. */
function fallbackByte(token: string): number | undefined {
  const match = /^<0x([0-9A-Fa-f]{2})>$/.exec(token);
  return match ? parseInt(match[1], 16) : undefined;
}

export function displayToken(token: string, special: boolean, byteLevel: boolean, decoded: boolean): DisplayedToken {
  if (!decoded || special) return { text: token, continuation: false, partialBytes: false };
  if (token.startsWith('##') && token.length > 2) {
    return { text: token.slice(2), continuation: true, partialBytes: false };
  }
  if (byteLevel) {
    const bytes = byteLevelBytes(token);
    if (bytes) {
      try {
        return { text: showWhitespace(strictUtf8.decode(bytes)), continuation: false, partialBytes: false };
      } catch {
        return { text: `⟨${hex(bytes)}⟩`, continuation: false, partialBytes: true };
      }
    }
  }
  const byte = fallbackByte(token);
  if (byte !== undefined) {
    return byte < 0x80 ? { text: showWhitespace(String.fromCharCode(byte)), continuation: false, partialBytes: false } : { text: `⟨${hex([byte])}⟩`, continuation: false, partialBytes: true };
  }
  // SentencePiece marks a word's leading space with ▁.
  return { text: showWhitespace(token.replace(/\u2581/g, ' ')), continuation: false, partialBytes: false };
}

/** A token as a one-line label: decoded (the default of the attention views) or the vocabulary's own string. */
export function tokenLabel(token: string, special: boolean, byteLevel: boolean, decoded: boolean): string {
  const shown = displayToken(token, special, byteLevel, decoded);
  return shown.continuation ? `··${shown.text}` : shown.text;
}
