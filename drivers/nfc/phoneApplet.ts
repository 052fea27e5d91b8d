/**
 * The phone's ComboPay payment applet, as the terminal talks to it: command APDUs, status words
 * and the account token check. Pure code, no I/O. The protocol is in docs/phone-applet.md.
 */

/** The applet's AID: `F0` (proprietary) then ASCII "PAYCOMBO". */
export const COMBOPAY_AID: Readonly<Uint8Array> = Uint8Array.of(
  0xf0,
  0x50,
  0x41,
  0x59,
  0x43,
  0x4f,
  0x4d,
  0x42,
  0x4f,
);

/** SELECT by AID, first or only occurrence, FCI requested: `00 A4 04 00 09 <AID> 00`. */
export const SELECT_APPLET: Readonly<Uint8Array> = Uint8Array.of(
  0x00,
  0xa4,
  0x04,
  0x00,
  COMBOPAY_AID.length,
  ...COMBOPAY_AID,
  0x00,
);

/** READ ACCOUNT (proprietary class 80, GET DATA instruction): `80 CA 00 00 00`. */
export const READ_ACCOUNT: Readonly<Uint8Array> = Uint8Array.of(0x80, 0xca, 0x00, 0x00, 0x00);

/**
 * GET DATA for the UID, the PC/SC part 3 pseudo-APDU `FF CA 00 00 00`: the contactless reader
 * answers it itself (the card's anticollision UID); vpcd passes it on to the virtual card.
 */
export const GET_UID: Readonly<Uint8Array> = Uint8Array.of(0xff, 0xca, 0x00, 0x00, 0x00);

/** Status words the protocol names. */
export const SW = {
  OK: 0x9000,
  /** Security status not satisfied: the phone is locked or the user has not confirmed. */
  SECURITY_NOT_SATISFIED: 0x6982,
  /** Conditions of use not satisfied: READ ACCOUNT before a successful SELECT. */
  CONDITIONS_NOT_SATISFIED: 0x6985,
  /** Wrong P1/P2 or function not supported (also a reader refusing GET UID). */
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  /** File or application not found: no applet with this AID. */
  APPLET_NOT_FOUND: 0x6a82,
  /** Referenced data not found: the applet has no account enrolled. */
  NO_ACCOUNT: 0x6a88,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  UNKNOWN_ERROR: 0x6f00,
} as const;

/** A response APDU split into its data and status word. */
export interface ResponseApdu {
  readonly data: Uint8Array;
  /** The two status bytes as one number, `0x9000` for success. */
  readonly sw: number;
}

/**
 * What a status word means to the terminal, in the driver's error codes; `ok` for `90 00`.
 * - `CARD_NOT_SUPPORTED`: the card answered, but it is not a phone with the ComboPay applet
 *   (or the applet has no account); tapping again will not help;
 * - `CARD_UNREADABLE`: anything else: the customer may unlock the phone and tap again.
 */
export type StatusMeaning = 'ok' | 'CARD_NOT_SUPPORTED' | 'CARD_UNREADABLE';

/** Splits a response APDU; undefined when it is shorter than a status word. */
export function parseResponse(bytes: Uint8Array): ResponseApdu | undefined {
  if (bytes.length < 2) return undefined;
  const end = bytes.length - 2;
  return {
    data: bytes.slice(0, end),
    sw: ((bytes[end] ?? 0) << 8) | (bytes[end + 1] ?? 0),
  };
}

/** The meaning of status word `sw` (see {@link StatusMeaning}). */
export function statusMeaning(sw: number): StatusMeaning {
  switch (sw) {
    case SW.OK:
      return 'ok';
    case SW.APPLET_NOT_FOUND:
    case SW.NO_ACCOUNT:
    case SW.INS_NOT_SUPPORTED:
    case SW.CLA_NOT_SUPPORTED:
    case SW.FUNCTION_NOT_SUPPORTED:
      return 'CARD_NOT_SUPPORTED';
    default:
      return 'CARD_UNREADABLE';
  }
}

/** `0x6A82` as `6A82`, for messages and logs. */
export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

/** An account token: 16–128 base64url characters (RFC 4648 §5, no padding). */
export const ACCOUNT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function isAccountToken(value: string): boolean {
  return ACCOUNT_TOKEN_PATTERN.test(value);
}

/**
 * The account token in the data of a READ ACCOUNT reply (ASCII bytes), or undefined when the
 * data is not a token. Bytes outside ASCII never decode to a token.
 */
export function parseAccountToken(data: Uint8Array): string | undefined {
  if (data.length < 16 || data.length > 128) return undefined;
  let token = '';
  for (const byte of data) token += String.fromCharCode(byte);
  return isAccountToken(token) ? token : undefined;
}

/** The UID in the data of a GET UID reply as upper-case hex, or undefined unless 4, 7 or 10 bytes. */
export function parseUid(data: Uint8Array): string | undefined {
  if (data.length !== 4 && data.length !== 7 && data.length !== 10) return undefined;
  return toHex(data);
}

/** Upper-case hex with no separators. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).toUpperCase().padStart(2, '0');
  return hex;
}

/** Bytes from hex, with or without spaces; throws `TypeError` on anything else. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (!/^(?:[0-9A-Fa-f]{2})*$/.test(clean)) throw new TypeError(`not hex bytes: ${hex}`);
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Sends one command APDU and gives its raw response. */
export type Transmit = (command: Uint8Array, maxResponseLength: number) => Promise<Uint8Array>;

/** Upper bound of any response the terminal asks for: 256 data bytes + SW. */
export const MAX_RESPONSE_LENGTH = 258;

/**
 * Sends `command` and follows the ISO 7816-4 transport status words: `61 XX` (more data:
 * GET RESPONSE `00 C0 00 00 XX`, repeated) and `6C XX` (wrong Le: resend once with Le = XX).
 * Returns undefined when a reply is shorter than a status word.
 */
export async function exchangeApdu(
  transmit: Transmit,
  command: Uint8Array,
): Promise<ResponseApdu | undefined> {
  let reply = parseResponse(await transmit(command, MAX_RESPONSE_LENGTH));
  if (reply && reply.sw >> 8 === 0x6c && command.length >= 5) {
    const again = Uint8Array.from(command);
    again[again.length - 1] = reply.sw & 0xff;
    reply = parseResponse(await transmit(again, MAX_RESPONSE_LENGTH));
  }
  const chunks: Uint8Array[] = [];
  // A phone's token fits one reply; the bound stops a card that never stops saying 61 XX.
  for (let round = 0; reply && reply.sw >> 8 === 0x61 && round < 8; round += 1) {
    chunks.push(reply.data);
    const getResponse = Uint8Array.of(0x00, 0xc0, 0x00, 0x00, reply.sw & 0xff);
    reply = parseResponse(await transmit(getResponse, MAX_RESPONSE_LENGTH));
  }
  if (!reply || chunks.length === 0) return reply;
  return { data: concat([...chunks, reply.data]), sw: reply.sw };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * What the terminal concluded from one SELECT + READ ACCOUNT exchange: the token, or the
 * driver's error code with a reason safe to log (never the token).
 */
export type AccountOutcome =
  | { readonly ok: true; readonly token: string }
  | {
      readonly ok: false;
      readonly code: 'CARD_NOT_SUPPORTED' | 'CARD_UNREADABLE';
      readonly reason: string;
    };

/**
 * Runs SELECT then READ ACCOUNT through `transmit` and maps the replies to an outcome.
 * Transmission errors (the card gone, a timeout) are not caught: they are the caller's to map.
 */
export async function readPhoneAccount(transmit: Transmit): Promise<AccountOutcome> {
  const select = await exchangeApdu(transmit, Uint8Array.from(SELECT_APPLET));
  const selectFailure = failure('SELECT', select);
  if (selectFailure) return selectFailure;
  const read = await exchangeApdu(transmit, Uint8Array.from(READ_ACCOUNT));
  const readFailure = failure('READ ACCOUNT', read);
  if (readFailure) return readFailure;
  const token = read ? parseAccountToken(read.data) : undefined;
  if (token === undefined) {
    return {
      ok: false,
      code: 'CARD_NOT_SUPPORTED',
      reason: `READ ACCOUNT returned ${String(read?.data.length)} bytes that are not an account token`,
    };
  }
  return { ok: true, token };
}

function failure(
  command: string,
  reply: ResponseApdu | undefined,
): Extract<AccountOutcome, { ok: false }> | undefined {
  if (!reply) {
    return { ok: false, code: 'CARD_UNREADABLE', reason: `${command}: reply without status word` };
  }
  const meaning = statusMeaning(reply.sw);
  if (meaning === 'ok') return undefined;
  return { ok: false, code: meaning, reason: `${command} answered ${swHex(reply.sw)}` };
}
