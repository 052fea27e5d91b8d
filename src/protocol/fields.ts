import { z } from 'zod';
import { CURRENCY_CODES } from '../core/currencies.js';
import { MAX_MINOR_UNITS } from '../core/money.js';
import { decodeBase64Url } from './base64url.js';

/**
 * Schemas of the protocol's field types, shared by every message. Formats are strict so that
 * both sides agree on one spelling of each value (the PIN block binding and the signature
 * cover exact strings).
 */

/** Identifier of a terminal or merchant: 1–32 of A–Z, a–z, 0–9, `_`, `-`, not starting with `_`/`-`. */
export const identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'must be 1-32 letters, digits, "_" or "-"');

export const terminalId = identifier;
export const merchantId = identifier;

/** Opaque id the host gives a payment, refund or key: 1–64 URL-safe characters. */
export const opaqueId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, "_" or "-"');

export const batchNumber = z.string().regex(/^\d{6}$/, 'must be 6 digits');
export const traceNumber = z.string().regex(/^\d{6}$/, 'must be 6 digits');

/** The card's UID as read by the reader: 4, 7 or 10 bytes in upper-case hex. */
export const cardUid = z
  .string()
  .regex(
    /^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$/,
    'must be a 4, 7 or 10 byte UID in upper-case hex',
  );

/** The account token the phone's payment applet returns: 16–128 base64url characters. */
export const cardToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16-128 base64url characters');

/** A one-time code as keyed: exactly 6 digits. */
export const otpCode = z.string().regex(/^\d{6}$/, 'must be 6 digits');

/** ISO 8601 UTC time with a `Z`, e.g. `2026-11-23T08:30:00.000Z`. */
export const isoTime = z.iso.datetime({ offset: false });

export const currency = z.enum(CURRENCY_CODES);

/** `{ value, currency }`: value in whole minor units, 0 to MAX_MINOR_UNITS. */
export const money = z.strictObject({
  value: z.int().min(0).max(MAX_MINOR_UNITS),
  currency,
});

/** Money that must be more than zero (a sale, a refund). */
export const positiveMoney = z.strictObject({
  value: z.int().min(1, 'must be more than zero').max(MAX_MINOR_UNITS),
  currency,
});

/** A base64url (no padding, canonical) string that decodes to exactly `length` bytes. */
export function base64UrlBytes(length: number, minLength = length) {
  const what = minLength === length ? `${length}` : `${minLength}-${length}`;
  return z.string().refine(
    (text) => {
      const bytes = decodeBase64Url(text);
      return bytes !== undefined && bytes.length >= minLength && bytes.length <= length;
    },
    { message: `must be base64url without padding of ${what} bytes` },
  );
}

/** Masked phone number as shown to the cashier, e.g. `138****8000`. */
export const maskedMsisdn = z
  .string()
  .regex(/^\+?[0-9]{0,8}\*{2,8}[0-9]{0,6}$/, 'must be a masked phone number');

/** Approval code: 6 upper-case letters or digits. */
export const authCode = z.string().regex(/^[0-9A-Z]{6}$/, 'must be 6 upper-case letters or digits');

/** Retrieval reference: 12 digits. */
export const reference = z.string().regex(/^\d{12}$/, 'must be 12 digits');

/** The types of transaction the host authorizes. */
export const paymentType = z.enum(['sale', 'balance']);
export type PaymentType = z.infer<typeof paymentType>;

export const paymentStatus = z.enum([
  'otp_sent',
  'approved',
  'declined',
  'expired',
  'reversed',
  'voided',
  'completed',
]);
export type PaymentStatus = z.infer<typeof paymentStatus>;

/** The encrypted PIN (see pinBlock.ts): an X25519 ephemeral key, the GCM iv, ciphertext and tag. */
export const pinBlock = z.strictObject({
  keyId: opaqueId,
  epk: base64UrlBytes(32),
  iv: base64UrlBytes(12),
  ct: base64UrlBytes(32, 1),
  tag: base64UrlBytes(16),
});
export type PinBlock = z.infer<typeof pinBlock>;

/** What the host says about a one-time code it sent. */
export const otpInfo = z.object({
  sentTo: maskedMsisdn,
  expiresAt: isoTime,
  attemptsLeft: z.int().min(0),
  resendsLeft: z.int().min(0),
});
export type OtpInfo = z.infer<typeof otpInfo>;
