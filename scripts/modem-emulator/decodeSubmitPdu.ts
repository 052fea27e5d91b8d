/**
 * The modem side's own reading of an SMS-SUBMIT PDU as AT+CMGS carries it in PDU mode
 * (3GPP TS 27.005 §3.5.1; TPDU of TS 23.040 §9.2.2.2; alphabets of TS 23.038), written from the
 * specifications for the emulator and the tests. It shares no code with the host's encoder
 * (src/host/sms/gsm), so a test that decodes what the emulator received checks that encoder
 * against a second, independent reading.
 */

/** A user data header's concatenation element (IEI 00, 8-bit reference, or 08, 16-bit). */
export interface Concatenation {
  readonly reference: number;
  readonly total: number;
  readonly sequence: number;
}

export interface DecodedSubmit {
  /** Octets after the SMSC part: what AT+CMGS=<length> must say. */
  readonly tpduLength: number;
  readonly firstOctet: number;
  /** TP-SRR: a status report was asked for. */
  readonly statusReport: boolean;
  readonly messageReference: number;
  /** TP-DA, with `+` when the type of number is international. */
  readonly to: string;
  readonly addressType: number;
  readonly protocolId: number;
  readonly dataCoding: number;
  /** TP-VP when relative (one octet); `undefined` when absent. */
  readonly validity: number | undefined;
  readonly userDataLength: number;
  readonly concat: Concatenation | undefined;
  readonly text: string;
}

/** The default alphabet in rows of 16, as TS 23.038 §6.2.1 lays it out by septet value. */
const DEFAULT_ALPHABET: readonly string[] = [
  ['@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å'],
  ['Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '', 'Æ', 'æ', 'ß', 'É'],
  [' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/'],
  ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?'],
  ['¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O'],
  ['P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§'],
  ['¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o'],
  ['p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à'],
].flat();

/** §6.2.1.1: the characters after an escape (0x1B). */
const EXTENSION: Readonly<Record<number, string>> = {
  0x0a: '\f',
  0x14: '^',
  0x28: '{',
  0x29: '}',
  0x2f: '\\',
  0x3c: '[',
  0x3d: '~',
  0x3e: ']',
  0x40: '|',
  0x65: '€',
};

/** Decodes one SMS-SUBMIT PDU (hex, SMSC part first); throws an Error when it is not one. */
export function decodeSubmitPdu(hex: string): DecodedSubmit {
  if (!/^(?:[0-9A-F]{2})+$/i.test(hex)) throw new Error('a PDU is hex octets');
  const bytes = [...Buffer.from(hex, 'hex')];
  const at = (index: number): number => {
    const value = bytes[index];
    if (value === undefined) throw new Error('the PDU ends early');
    return value;
  };
  const smscLength = at(0);
  let i = 1 + smscLength;
  const tpduStart = i;
  const firstOctet = at(i++);
  if ((firstOctet & 0x03) !== 0x01) throw new Error('not an SMS-SUBMIT');
  const messageReference = at(i++);
  const digitCount = at(i++);
  const addressType = at(i++);
  let digits = '';
  for (let k = 0; k < Math.ceil(digitCount / 2); k += 1) {
    const octet = at(i++);
    digits += String(octet & 0x0f) + String(octet >> 4);
  }
  digits = digits.slice(0, digitCount);
  if (!/^\d*$/.test(digits)) throw new Error('the destination is not digits');
  const to = ((addressType >> 4) & 0x07) === 1 ? `+${digits}` : digits;
  const protocolId = at(i++);
  const dataCoding = at(i++);
  const validityFormat = (firstOctet >> 3) & 0x03;
  let validity: number | undefined;
  if (validityFormat === 2) validity = at(i++);
  else if (validityFormat !== 0) i += 7;
  const userDataLength = at(i++);
  const userData = bytes.slice(i);
  const hasHeader = (firstOctet & 0x40) !== 0;
  const headerLength = hasHeader ? at(i) + 1 : 0;
  const concat = hasHeader ? readConcatenation(userData.slice(1, headerLength)) : undefined;

  let text: string;
  let used: number;
  if (dataCoding === 0x00) {
    const skipSeptets = Math.ceil((headerLength * 8) / 7);
    const septets = readSeptets(userData, skipSeptets * 7, userDataLength - skipSeptets);
    text = septetsToText(septets);
    used = Math.ceil((userDataLength * 7) / 8);
  } else if (dataCoding === 0x08) {
    const units: number[] = [];
    for (let k = headerLength; k + 1 < userDataLength; k += 2) {
      units.push(((userData[k] ?? 0) << 8) | (userData[k + 1] ?? 0));
    }
    text = String.fromCharCode(...units);
    used = userDataLength;
  } else {
    throw new Error(`data coding ${dataCoding} is not one the emulator reads`);
  }
  if (used !== userData.length) throw new Error('the user data length does not match the PDU');
  return {
    tpduLength: bytes.length - tpduStart,
    firstOctet,
    statusReport: (firstOctet & 0x20) !== 0,
    messageReference,
    to,
    addressType,
    protocolId,
    dataCoding,
    validity,
    userDataLength,
    concat,
    text,
  };
}

/**
 * Joins decoded parts into whole messages, in the order their first part arrived: parts with
 * the same destination and concatenation reference, ordered by sequence number. A message
 * whose parts have not all arrived is left out.
 */
export function joinParts(
  parts: readonly DecodedSubmit[],
): { to: string; text: string; parts: number }[] {
  const groups = new Map<string, DecodedSubmit[]>();
  parts.forEach((part, index) => {
    const key = part.concat
      ? `${part.to}|${part.concat.reference}|${part.concat.total}`
      : `single|${index}`;
    const group = groups.get(key) ?? [];
    group.push(part);
    groups.set(key, group);
  });
  const messages: { to: string; text: string; parts: number }[] = [];
  for (const group of groups.values()) {
    const [first] = group;
    if (!first) continue;
    const total = first.concat?.total ?? 1;
    const bySequence = [...group].sort(
      (a, b) => (a.concat?.sequence ?? 1) - (b.concat?.sequence ?? 1),
    );
    const complete = bySequence.every((part, index) => (part.concat?.sequence ?? 1) === index + 1);
    if (group.length !== total || !complete) continue;
    messages.push({ to: first.to, text: bySequence.map((p) => p.text).join(''), parts: total });
  }
  return messages;
}

function readConcatenation(header: readonly number[]): Concatenation | undefined {
  for (let k = 0; k + 1 < header.length;) {
    const iei = header[k] ?? 0;
    const length = header[k + 1] ?? 0;
    const data = header.slice(k + 2, k + 2 + length);
    if (iei === 0x00 && length === 3) {
      return { reference: data[0] ?? 0, total: data[1] ?? 0, sequence: data[2] ?? 0 };
    }
    if (iei === 0x08 && length === 4) {
      return {
        reference: ((data[0] ?? 0) << 8) | (data[1] ?? 0),
        total: data[2] ?? 0,
        sequence: data[3] ?? 0,
      };
    }
    k += 2 + length;
  }
  return undefined;
}

/** `count` septets starting `startBit` bits into `octets`, least significant bit first. */
function readSeptets(octets: readonly number[], startBit: number, count: number): number[] {
  const septets: number[] = [];
  for (let n = 0; n < count; n += 1) {
    let value = 0;
    for (let bit = 0; bit < 7; bit += 1) {
      const position = startBit + n * 7 + bit;
      const octet = octets[Math.floor(position / 8)] ?? 0;
      value |= ((octet >> (position % 8)) & 1) << bit;
    }
    septets.push(value);
  }
  return septets;
}

function septetsToText(septets: readonly number[]): string {
  let text = '';
  for (let k = 0; k < septets.length; k += 1) {
    const septet = septets[k] ?? 0;
    if (septet !== 0x1b) {
      text += DEFAULT_ALPHABET[septet] ?? '';
      continue;
    }
    k += 1;
    const extended = EXTENSION[septets[k] ?? -1];
    if (extended === undefined) throw new Error('an escape without an extension character');
    text += extended;
  }
  return text;
}
