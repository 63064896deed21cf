// How a token is shown: raw (the vocabulary string: `##ing`, `Ġlove`) or decoded (the text it stands for, with
// whitespace made visible and the bytes of a character split across byte-level tokens shown as hex).

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
        const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
        return { text: `⟨${hex}⟩`, continuation: false, partialBytes: true };
      }
    }
  }
  return { text: showWhitespace(token), continuation: false, partialBytes: false };
}
