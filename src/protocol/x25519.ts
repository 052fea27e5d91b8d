import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

/**
 * X25519 with raw 32-byte keys, as the protocol carries them. Node's KeyObjects want DER, so
 * raw keys are wrapped in the fixed PKCS#8 / SPKI prefixes for the X25519 OID (1.3.101.110).
 */

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export const X25519_KEY_BYTES = 32;

function privateKeyObject(raw: Uint8Array): KeyObject {
  if (raw.length !== X25519_KEY_BYTES) throw new RangeError('X25519 private key must be 32 bytes');
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, raw]),
    format: 'der',
    type: 'pkcs8',
  });
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  if (raw.length !== X25519_KEY_BYTES) throw new RangeError('X25519 public key must be 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawOf(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: key.type === 'private' ? 'pkcs8' : 'spki' });
  return new Uint8Array(der.subarray(der.length - X25519_KEY_BYTES));
}

/** A new random key pair. */
export function generateX25519KeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKey: rawOf(privateKey), publicKey: rawOf(publicKey) };
}

/** The public key that belongs to a private key. */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  return rawOf(createPublicKey(privateKeyObject(privateKey)));
}

/** The shared secret of our private key and their public key (32 bytes). */
export function x25519SharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return new Uint8Array(
    diffieHellman({
      privateKey: privateKeyObject(privateKey),
      publicKey: publicKeyObject(publicKey),
    }),
  );
}

// 2^255 - 19, little-endian: the field prime. A canonical u-coordinate is below it.
const FIELD_PRIME_LE = Uint8Array.from([0xed, ...new Array<number>(30).fill(0xff), 0x7f]);

/**
 * True when a public key is in canonical form: top bit clear and value below the field prime.
 * X25519 itself ignores the top bit, so without this check two different keys on the wire
 * would give the same secret, and a changed byte could go unnoticed.
 */
export function isCanonicalX25519PublicKey(key: Uint8Array): boolean {
  if (key.length !== X25519_KEY_BYTES || (key[31] ?? 0) & 0x80) return false;
  for (let i = X25519_KEY_BYTES - 1; i >= 0; i -= 1) {
    const a = key[i] ?? 0;
    const p = FIELD_PRIME_LE[i] ?? 0;
    if (a !== p) return a < p;
  }
  return false; // equal to the prime
}
