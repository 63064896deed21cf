/**
 * GPT-2's byte-to-character table: printable bytes stand for themselves, the others are moved to U+0100 and up, so
 * every byte is one visible character (a space becomes "Ġ", a newline "Ċ").
 */
function buildByteToChar(): string[] {
  const isPrintable = (byte: number) =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  let nextShifted = 0x100;
  return Array.from({ length: 256 }, (_, byte) => String.fromCodePoint(isPrintable(byte) ? byte : nextShifted++));
}

export const byteToChar = buildByteToChar();


const utf8Encoder = new TextEncoder();

/** The byte-level string of a text (" hello" -> "Ġhello"): what a byte-level BPE model reads. */
export function textToByteLevel(text: string): string {
  return Array.from(utf8Encoder.encode(text), (byte) => byteToChar[byte]).join('');
}

/** UTF-8 byte length of one code point. */
export function utf8Length(char: string): number {
  const codePoint = char.codePointAt(0) ?? 0;
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}
