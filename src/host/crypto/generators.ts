import { randomBytes, randomInt } from 'node:crypto';
import { Secret } from '../../core/Secret.js';

/**
 * Where the host's random values come from. The default uses the operating system's secure
 * generator; tests pass fixed sequences to make logs and SMS texts checkable.
 */
export interface HostRandom {
  /** A fresh original password: 6 digits, never a trivial one (see {@link isTrivialPin}). */
  pin(): Secret;
  /** A fresh one-time code: 6 digits. */
  otp(): Secret;
}

/** Six decimal digits from the secure generator, leading zeros kept. */
export function secureDigits(count = 6): string {
  let text = '';
  for (let index = 0; index < count; index += 1) text += String(randomInt(10));
  return text;
}

/**
 * True for PINs a person would guess first: one digit repeated (`000000`), a run up or down
 * (`123456`, `987654`, also wrapping `890123`), a repeated pair or triple (`121212`, `123123`),
 * or a palindrome of three digits (`123321`).
 */
export function isTrivialPin(pin: string): boolean {
  const digits = Array.from(pin, Number);
  const steps = digits.slice(1).map((digit, index) => (digit - (digits[index] ?? 0) + 10) % 10);
  const constantStep = steps.every((step) => step === steps[0]);
  if (constantStep && (steps[0] === 0 || steps[0] === 1 || steps[0] === 9)) return true;
  if (pin === pin.slice(0, 2).repeat(3) || pin === pin.slice(0, 3).repeat(2)) return true;
  return pin === Array.from(pin).reverse().join('');
}

export const secureRandom: HostRandom = {
  pin: () => {
    for (;;) {
      const pin = secureDigits();
      if (!isTrivialPin(pin)) return new Secret(pin);
    }
  },
  otp: () => new Secret(secureDigits()),
};

const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A random identifier: `prefix` then 20 Crockford base-32 characters (100 bits), e.g.
 * `P0X3…`. Fits the protocol's opaque id format.
 */
export function newId(prefix: string): string {
  const bytes = randomBytes(20);
  let text = prefix;
  for (const byte of bytes) text += ID_ALPHABET.charAt(byte % 32);
  return text;
}

/** An approval code: 6 upper-case letters or digits. */
export function newAuthCode(): string {
  const bytes = randomBytes(6);
  let code = '';
  for (const byte of bytes) code += ID_ALPHABET.charAt(byte % 32);
  return code;
}

/** A fresh account token for the phone's payment applet: 32 random bytes, base64url (43 chars). */
export function newCardToken(): string {
  return randomBytes(32).toString('base64url');
}
