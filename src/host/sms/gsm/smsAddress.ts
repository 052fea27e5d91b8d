/** Type of address: international number, ISDN numbering plan (a `+` number). */
const INTERNATIONAL = 0x91;
/** Type of address: unknown type of number, ISDN numbering plan (a national number). */
const UNKNOWN = 0x81;
/** TS 23.040 §9.1.2.5 allows at most 20 digits in an address. */
const MAX_DIGITS = 20;

/** True when `number` can be put in an SMS address: up to 20 digits, optionally after `+`. */
export function isAddressable(number: string): boolean {
  return new RegExp(`^\\+?\\d{1,${MAX_DIGITS}}$`).test(number);
}

/**
 * TP-DA (TS 23.040 §9.1.2.5): the number of digits, the type of address (`+` → 0x91
 * international, otherwise 0x81 unknown, which the network reads as national), then the
 * digits as swapped semi-octets, padded with F. Throws a RangeError for a number that
 * {@link isAddressable} refuses (the message does not show the number).
 */
export function encodeAddress(number: string): Uint8Array {
  if (!isAddressable(number)) throw new RangeError('not a number an SMS can be addressed to');
  const international = number.startsWith('+');
  const digits = international ? number.slice(1) : number;
  return Uint8Array.of(
    digits.length,
    international ? INTERNATIONAL : UNKNOWN,
    ...semiOctets(digits),
  );
}

/** Digits as swapped semi-octets (`123` → 0x21 0xF3). */
export function semiOctets(digits: string): number[] {
  const padded = digits.length % 2 === 0 ? digits : `${digits}F`;
  const out: number[] = [];
  for (let i = 0; i < padded.length; i += 2) {
    out.push(Number.parseInt(`${padded[i + 1] ?? 'F'}${padded[i] ?? 'F'}`, 16));
  }
  return out;
}

/**
 * Reads an address field at `offset` (length in digits, type, semi-octets): the number with
 * `+` when international; an alphanumeric address (type of number 101) is returned as `''`.
 * Returns the offset after the field as `next`.
 */
export function decodeAddress(bytes: Uint8Array, offset: number): { number: string; next: number } {
  const digitCount = byteAt(bytes, offset);
  const type = byteAt(bytes, offset + 1);
  const octets = Math.ceil(digitCount / 2);
  const next = offset + 2 + octets;
  if (next > bytes.length) throw new RangeError('the address runs past the end of the PDU');
  if ((type & 0x70) === 0x50) return { number: '', next };
  let digits = '';
  for (let i = 0; i < octets; i += 1) {
    const octet = byteAt(bytes, offset + 2 + i);
    digits += (octet & 0x0f).toString(16);
    digits += (octet >> 4).toString(16);
  }
  digits = digits.slice(0, digitCount).toUpperCase();
  return { number: (type & 0x70) === 0x10 ? `+${digits}` : digits, next };
}

/** The octet at `index`; throws a RangeError past the end (a truncated PDU). */
export function byteAt(bytes: Uint8Array, index: number): number {
  const value = bytes[index];
  if (value === undefined) throw new RangeError('the PDU is too short');
  return value;
}
