import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Money } from '../core/money.js';
import { PosError } from '../core/PosError.js';
import { Secret } from '../core/Secret.js';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import type { PaymentType, PinBlock } from './fields.js';
import {
  generateX25519KeyPair,
  isCanonicalX25519PublicKey,
  x25519PublicKey,
  x25519SharedSecret,
} from './x25519.js';

/** HKDF `info` of protocol v1. */
export const PIN_BLOCK_INFO = 'pos-pin-v1';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const PIN_PATTERN = /^\d{6}$/;

/** The host's PIN key as terminals know it (from sign-in). */
export interface PinPublicKey {
  id: string;
  publicKey: Uint8Array;
}

/** The host's PIN key pair. The private half never leaves the host. */
export interface PinKeyPair extends PinPublicKey {
  privateKey: Uint8Array;
}

/** A new PIN key pair with the given id. */
export function generatePinKeyPair(id: string): PinKeyPair {
  return { id, ...generateX25519KeyPair() };
}

/** The transaction a PIN block is bound to. `amount` is absent for a balance inquiry. */
export interface PinBindingFields {
  terminalId: string;
  batch: string;
  trace: string;
  type: PaymentType;
  amount?: Money | undefined;
  cardUid: string;
}

/**
 * `terminalId|batch|trace|type|amountValue|currency|cardUid`, with amount and currency empty
 * for a balance inquiry. The GCM additional data: a block opens only for this transaction.
 */
export function pinBinding(fields: PinBindingFields): string {
  const amount = fields.type === 'sale' ? fields.amount : undefined;
  if (fields.type === 'sale' && amount === undefined) {
    throw new PosError('VALIDATION_FAILED', 'a sale binds its amount');
  }
  const parts = [
    fields.terminalId,
    fields.batch,
    fields.trace,
    fields.type,
    amount === undefined ? '' : String(amount.value),
    amount?.currency ?? '',
    fields.cardUid,
  ];
  if (parts.some((part) => part.includes('|') || part.includes('\n'))) {
    throw new PosError('VALIDATION_FAILED', 'binding fields may not contain "|" or a newline');
  }
  return parts.join('|');
}

function deriveKey(shared: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, new Uint8Array(0), PIN_BLOCK_INFO, 32));
}

/** Fixed randomness, for reproducing published test vectors only. */
export interface PinBlockFixedRandom {
  ephemeralPrivateKey: Uint8Array;
  iv: Uint8Array;
}

/**
 * Encrypts a 6-digit PIN to the host's key, bound to one transaction (see {@link pinBinding}).
 * A fresh ephemeral key and iv are drawn for every block. Throws `VALIDATION_FAILED` (without
 * the PIN) if the PIN is not 6 digits.
 */
export function encryptPinBlock(
  pin: Secret,
  hostKey: PinPublicKey,
  binding: string,
  fixed?: PinBlockFixedRandom,
): PinBlock {
  const digits = pin.reveal();
  if (!PIN_PATTERN.test(digits)) throw new PosError('VALIDATION_FAILED', 'a PIN is 6 digits');
  const ephemeralPrivate = fixed?.ephemeralPrivateKey ?? generateX25519KeyPair().privateKey;
  const iv = fixed?.iv ?? randomBytes(IV_BYTES);
  const key = deriveKey(x25519SharedSecret(ephemeralPrivate, hostKey.publicKey));
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const ct = Buffer.concat([cipher.update(digits, 'ascii'), cipher.final()]);
  key.fill(0);
  return {
    keyId: hostKey.id,
    epk: encodeBase64Url(x25519PublicKey(ephemeralPrivate)),
    iv: encodeBase64Url(iv),
    ct: encodeBase64Url(ct),
    tag: encodeBase64Url(cipher.getAuthTag()),
  };
}

/** Why a block was refused; kept in the error's details for the operator, never the PIN. */
export type PinBlockFault =
  'unknown_key' | 'malformed' | 'weak_key' | 'not_authentic' | 'not_a_pin';

function invalid(fault: PinBlockFault): PosError<'PIN_BLOCK_INVALID'> {
  return new PosError('PIN_BLOCK_INVALID', 'PIN block cannot be opened for this transaction', {
    details: { fault },
  });
}

/**
 * Opens a PIN block with the host's key pair and checks it was made for `binding` (the
 * binding string rebuilt from the request it came in). Returns the PIN as a Secret.
 *
 * Throws `PIN_BLOCK_INVALID`, which counts as no PIN attempt, when the key id is not this
 * key's, a field does not decode, the ephemeral key is non-canonical or weak, the tag does not
 * verify (tampered, or bound to another transaction), or the plaintext is not 6 digits.
 */
export function decryptPinBlock(block: PinBlock, hostKey: PinKeyPair, binding: string): Secret {
  if (block.keyId !== hostKey.id) throw invalid('unknown_key');
  const epk = decodeBase64Url(block.epk);
  const iv = decodeBase64Url(block.iv);
  const ct = decodeBase64Url(block.ct);
  const tag = decodeBase64Url(block.tag);
  if (epk?.length !== 32 || iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !ct) {
    throw invalid('malformed');
  }
  if (!isCanonicalX25519PublicKey(epk)) throw invalid('weak_key');
  let shared: Uint8Array;
  try {
    shared = x25519SharedSecret(hostKey.privateKey, epk);
  } catch {
    throw invalid('weak_key'); // OpenSSL refuses low-order points (an all-zero secret)
  }
  if (shared.every((byte) => byte === 0)) throw invalid('weak_key');
  const key = deriveKey(shared);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(binding, 'utf8'));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    throw invalid('not_authentic');
  } finally {
    key.fill(0);
  }
  const digits = plaintext.toString('latin1');
  plaintext.fill(0);
  if (!PIN_PATTERN.test(digits)) throw invalid('not_a_pin');
  return new Secret(digits);
}
