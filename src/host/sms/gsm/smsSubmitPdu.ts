import { gsmSeptets, packSeptets } from './gsmAlphabet.js';
import { encodeAddress } from './smsAddress.js';

/** One SMS-SUBMIT as `AT+CMGS=<tpduLength>` sends it in PDU mode (`AT+CMGF=0`). */
export interface SubmitPdu {
  /** The PDU in upper-case hex: SMSC length `00` (the SIM's SMSC), then the TPDU. */
  readonly hex: string;
  /** Octets of the TPDU, without the SMSC part: the `<length>` of AT+CMGS. */
  readonly tpduLength: number;
}

export interface SubmitOptions {
  /** TP-SRR: ask the network for a status report of each part. */
  readonly statusReport: boolean;
  /** TP-VP, relative format (see {@link validityPeriodOctet}; 0xAA is four days). */
  readonly validity: number;
  /** The concatenation reference shared by a long text's parts (0–255; ignored for one part). */
  readonly concatReference: number;
}

/** Septets in one unsplit 7-bit message, and in each part of a split one (UDH takes 7). */
export const SINGLE_SEPTETS = 160;
export const PART_SEPTETS = 153;
/** UCS-2 code units in one unsplit message, and in each part of a split one (UDH takes 6 octets). */
export const SINGLE_UCS2_UNITS = 70;
export const PART_UCS2_UNITS = 67;
/** The 8-bit concatenation header counts parts in one octet. */
export const MAX_PARTS = 255;

const MTI_SUBMIT = 0x01;
const VPF_RELATIVE = 0x10;
const SRR = 0x20;
const UDHI = 0x40;
const DCS_GSM7 = 0x00;
const DCS_UCS2 = 0x08;

/**
 * Encodes `text` to `to` as SMS-SUBMIT PDUs (3GPP TS 23.040 §9.2.2.2): one when it fits (160
 * GSM septets or 70 UCS-2 code units), otherwise concatenated parts of 153 septets or 67 code
 * units, each with the 8-bit reference header `05 00 03 <ref> <total> <seq>` (§9.2.3.24.1).
 *
 * GSM 7-bit (TP-DCS 00) when every character is in the default alphabet or its extension table
 * (ESC pairs count two septets and stay in one part); otherwise UCS-2 (TP-DCS 08), where a
 * character outside the BMP is a surrogate pair that also stays in one part. TP-MR is 00 (the
 * modem numbers the message), TP-PID 00, TP-VP relative.
 *
 * Throws a RangeError for a number that cannot be addressed or a text of more than 255 parts;
 * the message shows neither.
 */
export function encodeSubmitPdus(to: string, text: string, options: SubmitOptions): SubmitPdu[] {
  const address = encodeAddress(to);
  const septets = gsmSeptets(text);
  const parts = septets
    ? splitUnits(septets, SINGLE_SEPTETS, PART_SEPTETS)
    : splitUnits(ucs2Units(text), SINGLE_UCS2_UNITS, PART_UCS2_UNITS);
  if (parts.length > MAX_PARTS) throw new RangeError(`the text needs more than ${MAX_PARTS} parts`);
  return parts.map((units, index) => {
    const header =
      parts.length === 1
        ? new Uint8Array(0)
        : Uint8Array.of(0x05, 0x00, 0x03, options.concatReference & 0xff, parts.length, index + 1);
    const flat = units.flat();
    const userData = septets ? packSeptets(header, flat) : ucs2UserData(header, flat);
    const firstOctet =
      MTI_SUBMIT | VPF_RELATIVE | (options.statusReport ? SRR : 0) | (header.length > 0 ? UDHI : 0);
    const tpdu = Uint8Array.of(
      firstOctet,
      0x00,
      ...address,
      0x00,
      septets ? DCS_GSM7 : DCS_UCS2,
      options.validity & 0xff,
      userData.length,
      ...userData.octets,
    );
    return { hex: `00${toHex(tpdu)}`, tpduLength: tpdu.length };
  });
}

/**
 * The relative TP-VP octet (TS 23.040 §9.2.3.12.1) for at least `minutes`: 5-minute steps up to
 * 12 hours, 30-minute steps up to a day, days up to 30, then weeks up to 63.
 */
export function validityPeriodOctet(minutes: number): number {
  if (minutes <= 720) return Math.max(0, Math.ceil(minutes / 5) - 1);
  if (minutes <= 1440) return 143 + Math.ceil((minutes - 720) / 30);
  if (minutes <= 30 * 1440) return Math.max(168, 166 + Math.ceil(minutes / 1440));
  return Math.min(255, 192 + Math.ceil(minutes / 10_080));
}

/** UTF-16 code units per character: a surrogate pair is one unit of two. */
function ucs2Units(text: string): (readonly number[])[] {
  return Array.from(text, (character) =>
    Array.from({ length: character.length }, (_, i) => character.charCodeAt(i)),
  );
}

/** Whole characters into one message of `single`, or into parts of at most `part` each. */
function splitUnits(
  units: readonly (readonly number[])[],
  single: number,
  part: number,
): (readonly number[])[][] {
  const total = units.reduce((sum, unit) => sum + unit.length, 0);
  if (total <= single) return [[...units]];
  const parts: (readonly number[])[][] = [];
  let current: (readonly number[])[] = [];
  let size = 0;
  for (const unit of units) {
    if (size + unit.length > part) {
      parts.push(current);
      current = [];
      size = 0;
    }
    current.push(unit);
    size += unit.length;
  }
  parts.push(current);
  return parts;
}

function ucs2UserData(
  header: Uint8Array,
  codeUnits: readonly number[],
): { octets: Uint8Array; length: number } {
  const octets = new Uint8Array(header.length + codeUnits.length * 2);
  octets.set(header);
  codeUnits.forEach((unit, index) => {
    octets[header.length + index * 2] = unit >> 8;
    octets[header.length + index * 2 + 1] = unit & 0xff;
  });
  return { octets, length: octets.length };
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
