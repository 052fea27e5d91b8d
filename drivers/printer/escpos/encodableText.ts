let gbkCharacters: ReadonlySet<string> | undefined;

/** Every non-ASCII character GBK encodes in two bytes, read once from the WHATWG GBK decoder. */
function gbk(): ReadonlySet<string> {
  if (gbkCharacters) return gbkCharacters;
  const pairs: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) pairs.push(lead, trail);
  }
  const characters = new Set(new TextDecoder('gbk').decode(Uint8Array.from(pairs)));
  characters.delete('\ufffd');
  gbkCharacters = characters;
  return characters;
}

/** Whether any character of `text` is outside printable ASCII. */
export function needsMultiByte(text: string): boolean {
  return /[^\x20-\x7e]/.test(text);
}

/**
 * `text` with every character the printer's character set cannot print replaced by `?`:
 * printable ASCII only for `ascii`, printable ASCII and GBK's two-byte characters for `gbk`
 * (the part of GB18030 that Chinese printers' fonts carry).
 *
 * Done before encoding so the encoder never goes hunting through other code pages.
 */
export function encodableText(text: string, charset: 'ascii' | 'gbk'): string {
  let out = '';
  for (const char of text) {
    const ascii = char >= ' ' && char <= '~';
    out += ascii || (charset === 'gbk' && gbk().has(char)) ? char : '?';
  }
  return out;
}
