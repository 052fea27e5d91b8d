import { Secret } from '../../core/Secret.js';
import type { Key } from '../../../drivers/keypad/Keypad.js';

/** Longest supervisor password (digits). */
export const MAX_PASSWORD_DIGITS = 12;
/** PINs and one-time codes are exactly this long. */
export const SECRET_CODE_DIGITS = 6;
/** A trace number is 6 digits, a reference 12. */
export const TRACE_DIGITS = 6;
export const REFERENCE_DIGITS = 12;

/**
 * The digits an amount field accepts: as many as the terminal's limit has, so a cashier can
 * key one amount above the limit (and be told so) but never an endless number.
 */
export function maxAmountDigits(maxAmount: number): number {
  return String(maxAmount).length;
}

/**
 * The amount buffer after `key`, or undefined when the key does not edit it (or would not
 * fit). Digits fill from the right as on a till ("1250" is 12.50); a leading zero is not
 * kept, so the buffer never holds one and an empty buffer is the amount zero.
 */
export function editAmount(digits: string, key: Key, maxDigits: number): string | undefined {
  if (isDigitKey(key)) {
    if (digits === '' && key === '0') return undefined;
    return digits.length < maxDigits ? digits + key : undefined;
  }
  return editCommon(digits, key);
}

/** The buffer of a plain digit field (trace, reference) after `key`, or undefined. */
export function editDigits(digits: string, key: Key, maxDigits: number): string | undefined {
  if (isDigitKey(key)) return digits.length < maxDigits ? digits + key : undefined;
  return editCommon(digits, key);
}

/**
 * The secret buffer (PIN, code, password) after `key`, or undefined when the key does not
 * edit it. The digits stay inside a {@link Secret}, so a snapshot or log of the flow's
 * context shows `[REDACTED]`, never a digit.
 */
export function editSecret(secret: Secret, key: Key, maxDigits: number): Secret | undefined {
  const edited = editDigits(secret.reveal(), key, maxDigits);
  return edited === undefined ? undefined : new Secret(edited);
}

function isDigitKey(key: Key): boolean {
  return key.length === 1;
}

function editCommon(digits: string, key: Key): string | undefined {
  if (key === 'BACKSPACE') return digits === '' ? undefined : digits.slice(0, -1);
  if (key === 'CLEAR') return digits === '' ? undefined : '';
  return undefined;
}

/** How many digits a secret buffer holds: all a screen may show of it (as dots). */
export function secretLength(secret: Secret): number {
  return secret.reveal().length;
}

/** An empty secret buffer. */
export function emptySecret(): Secret {
  return new Secret('');
}
