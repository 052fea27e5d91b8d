/**
 * The GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1), indexed by septet value. Written
 * with escapes where a look-alike would be easy to type by mistake (the Greek capitals are
 * U+0394…, not the mathematical ∆ or the ohm sign). 0x1B is the escape to the extension table
 * and never stands for a character of the text.
 */
const BASIC_TABLE =
  '@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5' +
  '\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u001b\u00c6\u00e6\u00df\u00c9' +
  ' !"#\u00a4%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '\u00a1ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7' +
  '\u00bfabcdefghijklmno' +
  'pqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0';

/** ESC: the next septet is read in the extension table. */
export const GSM_ESCAPE = 0x1b;

/** The default alphabet extension table (§6.2.1.1): character → septet after ESC. */
const EXTENSION_TABLE: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['\u20ac', 0x65],
]);

const BASIC: ReadonlyMap<string, number> = new Map(
  Array.from(BASIC_TABLE, (character, septet) => [character, septet] as const).filter(
    ([, septet]) => septet !== GSM_ESCAPE,
  ),
);

/**
 * The septets of each character of `text` in the default alphabet: one septet, or two (ESC and
 * the extension septet) for `€ [ ] { } ^ ~ | \` and form feed. Kept per character so a
 * message is never split between an ESC and its septet. `undefined` when any character is
 * outside the alphabet (Chinese, most accented letters, emoji): the text then goes as UCS-2.
 */
export function gsmSeptets(text: string): (readonly number[])[] | undefined {
  const out: (readonly number[])[] = [];
  for (const character of text) {
    const basic = BASIC.get(character);
    if (basic !== undefined) {
      out.push([basic]);
      continue;
    }
    const extension = EXTENSION_TABLE.get(character);
    if (extension === undefined) return undefined;
    out.push([GSM_ESCAPE, extension]);
  }
  return out;
}

/**
 * GSM 7-bit user data (TS 23.040 §9.2.3.24): the user data header's octets first, then fill
 * bits up to the next septet boundary, then the septets packed least significant bit first.
 * `length` is the TP-UDL: septets, the header counted in septets too.
 */
export function packSeptets(
  header: Uint8Array,
  septets: readonly number[],
): { octets: Uint8Array; length: number } {
  const headerSeptets = Math.ceil((header.length * 8) / 7);
  const firstBit = headerSeptets * 7;
  const octets = new Uint8Array(Math.ceil((firstBit + septets.length * 7) / 8));
  octets.set(header);
  septets.forEach((septet, index) => {
    const at = firstBit + index * 7;
    for (let bit = 0; bit < 7; bit += 1) {
      if (((septet >> bit) & 1) === 0) continue;
      const position = at + bit;
      const octet = position >> 3;
      octets[octet] = (octets[octet] ?? 0) | (1 << (position & 7));
    }
  });
  return { octets, length: headerSeptets + septets.length };
}
