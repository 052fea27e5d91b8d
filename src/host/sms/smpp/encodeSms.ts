import { gsmSeptets } from '../gsm/gsmAlphabet.js';

/** `data_coding` values the transport sends. */
export const DATA_CODING_GSM7 = 0x00;
export const DATA_CODING_UCS2 = 0x08;

/** `esm_class` bit: `short_message` starts with a user data header. */
export const ESM_CLASS_UDHI = 0x40;

/** Septets in one GSM 7-bit SMS, and per part once the 6-octet UDH (7 septets) takes its room. */
const GSM7_SINGLE = 160;
const GSM7_PART = 153;
/** UTF-16 code units in one UCS-2 SMS (140 octets), and per part after the 6-octet UDH. */
const UCS2_SINGLE = 70;
const UCS2_PART = 67;
/** An 8-bit concatenation reference numbers parts in one octet. */
const MAX_PARTS = 255;

/** A text as `submit_sm` PDUs carry it. */
export interface EncodedSms {
  dataCoding: typeof DATA_CODING_GSM7 | typeof DATA_CODING_UCS2;
  /** `ESM_CLASS_UDHI` when the text was split (every part then starts with its UDH), else 0. */
  esmClass: 0 | typeof ESM_CLASS_UDHI;
  /** The `short_message` of each part, in order. */
  parts: Buffer[];
}

/**
 * Encodes `text` for `submit_sm`: GSM 7-bit (`data_coding` 0, one septet per octet) when every
 * character is in the GSM alphabet, UCS-2 (`data_coding` 8, UTF-16BE) otherwise, as Chinese
 * always is. A text longer than one SMS is split into parts that each start with a
 * concatenation UDH (`05 00 03 reference total index`, 8-bit reference): 153 septets or 67
 * UTF-16 units per part, never cutting a GSM escape from its character nor a surrogate pair.
 *
 * UDH concatenation rather than the `sar_*` TLVs or `message_payload`: the UDH travels to the
 * phone untouched through any SMSC, the TLVs are optional in SMPP 3.4 and many SMSCs drop or
 * refuse them, and `message_payload` leaves the split to an SMSC that may not do it.
 *
 * Throws a RangeError when the text needs more than 255 parts.
 */
export function encodeSms(text: string, reference: number): EncodedSms {
  const septets = gsmSeptets(text);
  const dataCoding = septets === undefined ? DATA_CODING_UCS2 : DATA_CODING_GSM7;
  const chunks =
    septets === undefined ? splitUcs2(text) : splitGsm7(septets).map((chunk) => Buffer.from(chunk));
  if (chunks.length > MAX_PARTS) {
    throw new RangeError(`text needs ${chunks.length} parts; at most ${MAX_PARTS} can be joined`);
  }
  if (chunks.length === 1) return { dataCoding, esmClass: 0, parts: chunks };
  const parts = chunks.map((chunk, index) =>
    Buffer.concat([
      Buffer.from([0x05, 0x00, 0x03, reference & 0xff, chunks.length, index + 1]),
      chunk,
    ]),
  );
  return { dataCoding, esmClass: ESM_CLASS_UDHI, parts };
}

function splitGsm7(characters: readonly (readonly number[])[]): number[][] {
  const total = characters.reduce((sum, septets) => sum + septets.length, 0);
  if (total <= GSM7_SINGLE) return [characters.flat()];
  const chunks: number[][] = [];
  let chunk: number[] = [];
  for (const septets of characters) {
    if (chunk.length + septets.length > GSM7_PART) {
      chunks.push(chunk);
      chunk = [];
    }
    chunk.push(...septets);
  }
  chunks.push(chunk);
  return chunks;
}

function splitUcs2(text: string): Buffer[] {
  if (text.length <= UCS2_SINGLE) return [utf16be(text)];
  const chunks: Buffer[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + UCS2_PART, text.length);
    // A high surrogate at the end would leave each part with half a character.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    chunks.push(utf16be(text.slice(start, end)));
    start = end;
  }
  return chunks;
}

/** UTF-16 code units, big-endian, as they are (a lone surrogate included). */
function utf16be(text: string): Buffer {
  const bytes = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) bytes.writeUInt16BE(text.charCodeAt(i), i * 2);
  return bytes;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
