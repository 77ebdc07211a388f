/**
 * GPT-2's byte-level alphabet, as Hugging Face's ByteLevel pre-tokenizer and decoder use it:
 * each byte is one printable character (printable Latin-1 bytes stand for themselves, the rest
 * are U+0100 onwards in byte order), so a token's bytes are a string in tokenizer.json.
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const chars: string[] = [];
  let next = 0x100;
  for (let b = 0; b < 256; b++) chars.push(String.fromCharCode(printable(b) ? b : next++));
  return chars;
})();

const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((ch, b) => [ch, b]));

/** A token's bytes as their byte-level string. */
export function byteLevelString(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += BYTE_TO_CHAR[b];
  return text;
}

/** A byte-level string's bytes, or null if a character is not in the alphabet. */
export function byteLevelBytes(text: string): Uint8Array | null {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const b = CHAR_TO_BYTE.get(text[i]!);
    if (b === undefined) return null;
    bytes[i] = b;
  }
  return bytes;
}
