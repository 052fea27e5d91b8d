/**
 * The GSM 03.38 default alphabet (3GPP TS 23.038) as SMPP carries it with `data_coding` 0:
 * one septet value (0–127) per octet, unpacked; the SMSC packs them for the air.
 */

/** The basic table, indexed by septet value; 0x1B is the escape to the extension table. */
const BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The extension table: each of these takes two septets, 0x1B then this value. */
const EXTENSION_TABLE: Readonly<Record<string, number>> = {
  '\f': 0x0a,
  '^': 0x14,
  '{': 0x28,
  '}': 0x29,
  '\\': 0x2f,
  '[': 0x3c,
  '~': 0x3d,
  ']': 0x3e,
  '|': 0x40,
  '€': 0x65,
};

const ESCAPE = 0x1b;

const SEPTETS = new Map<string, readonly number[]>();
for (let value = 0; value < BASIC_TABLE.length; value++) {
  if (value !== ESCAPE) SEPTETS.set(BASIC_TABLE.charAt(value), [value]);
}
for (const [char, value] of Object.entries(EXTENSION_TABLE)) SEPTETS.set(char, [ESCAPE, value]);

/**
 * The septets of each character of `text` (one or two per character, so a caller splitting a
 * long text never cuts an escape from its character), or undefined when a character is not in
 * the GSM alphabet and the text needs UCS-2.
 */
export function gsm7Septets(text: string): (readonly number[])[] | undefined {
  const out: (readonly number[])[] = [];
  for (const char of text) {
    const septets = SEPTETS.get(char);
    if (septets === undefined) return undefined;
    out.push(septets);
  }
  return out;
}
