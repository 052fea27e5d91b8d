import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { PosError } from '../../core/PosError.js';
import type { Secret } from '../../core/Secret.js';

/** Length of the host's master secret in bytes. */
export const MASTER_KEY_BYTES = 32;

const SEAL_PREFIX = 'v1.';

/**
 * The host's keyed hashing and at-rest sealing, all derived (HKDF-SHA256) from one master
 * secret that lives outside the database (`masterKey.ts`). A copy of the database alone
 * therefore reveals no PIN, code, card token, terminal key or SMS text, and cannot be used to
 * test PIN guesses offline.
 *
 * Hashes are HMAC-SHA256 in hex over length-prefixed parts, so `("ab","c")` and `("a","bc")`
 * differ. Compare them with {@link hashesEqual} (constant time).
 */
export class HostCrypto {
  readonly #pinKey: Buffer;
  readonly #otpKey: Buffer;
  readonly #tokenKey: Buffer;
  readonly #sealKey: Buffer;

  constructor(masterKey: Uint8Array) {
    if (masterKey.length !== MASTER_KEY_BYTES) {
      throw new PosError('CONFIG_INVALID', `the host master key must be ${MASTER_KEY_BYTES} bytes`);
    }
    const derive = (label: string) =>
      Buffer.from(hkdfSync('sha256', masterKey, new Uint8Array(0), `combopay-host/${label}`, 32));
    this.#pinKey = derive('pin-hash');
    this.#otpKey = derive('otp-hash');
    this.#tokenKey = derive('card-token-hash');
    this.#sealKey = derive('seal');
  }

  /** The stored form of an account's original password: HMAC(pinKey, salt, pin). */
  hashPin(salt: string, pin: Secret): string {
    return keyedHash(this.#pinKey, [salt, pin.reveal()]);
  }

  /**
   * The stored form of a one-time code. Bound to the payment (and the code's generation, so a
   * resend starts a fresh list of wrong tries): the same digits sent for another payment give
   * another hash, so a code can only ever confirm the payment it was sent for.
   */
  hashOtp(paymentId: string, generation: number, code: Secret): string {
    return keyedHash(this.#otpKey, [paymentId, String(generation), code.reveal()]);
  }

  /** The stored form of the account token the phone's payment applet holds. */
  hashCardToken(token: string): string {
    return keyedHash(this.#tokenKey, [token]);
  }

  /** Encrypts `text` (AES-256-GCM, random iv) into a printable box for a database column. */
  seal(text: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#sealKey, iv);
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return SEAL_PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** Opens a box made by {@link seal}; `INTERNAL` if it was altered or sealed with another key. */
  open(box: string): string {
    const bytes = Buffer.from(box.slice(SEAL_PREFIX.length), 'base64url');
    if (!box.startsWith(SEAL_PREFIX) || bytes.length < 28) {
      throw new PosError('INTERNAL', 'sealed value is malformed');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#sealKey, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const body = bytes.subarray(12, bytes.length - 16);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new PosError('INTERNAL', 'sealed value does not open with this host key', {
        cause: error,
      });
    }
  }
}

function keyedHash(key: Buffer, parts: readonly string[]): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length).update(bytes);
  }
  return hmac.digest('hex');
}

/** Constant-time comparison of two hex hashes made by {@link HostCrypto}. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
