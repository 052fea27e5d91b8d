import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../core/PosError.js';
import { Secret } from '../core/Secret.js';
import { decodeBase64Url } from './base64url.js';
import type { PinBlock } from './fields.js';
import { decryptPinBlock, encryptPinBlock, pinBinding, type PinBindingFields } from './pinBlock.js';
import { canonicalRequest, computeSignature, verifySignature } from './signing.js';
import { x25519PublicKey, x25519SharedSecret } from './x25519.js';

// Produced by scripts/protocol-vectors/generate.py, an independent Python implementation.
const vectors = JSON.parse(
  readFileSync(new URL('../../docs/protocol-test-vectors.json', import.meta.url), 'utf8'),
) as {
  signing: {
    name: string;
    terminalKey: string;
    terminalKeyHex: string;
    method: string;
    pathWithQuery: string;
    timestamp: string;
    nonce: string;
    body: string;
    canonical: string;
    signature: string;
  }[];
  pinBlock: {
    name: string;
    hostPrivateKey: string;
    hostPublicKey: string;
    keyId: string;
    ephemeralPrivateKey: string;
    ephemeralPublicKey: string;
    iv: string;
    pin: string;
    binding: PinBindingFields;
    bindingString: string;
    sharedSecretHex: string;
    pinBlock: PinBlock;
  }[];
  pinBlockInvalid: {
    name: string;
    hostPrivateKey: string;
    keyId: string;
    binding: PinBindingFields;
    bindingString: string;
    pinBlock: PinBlock;
    expect: string;
  }[];
};

function bytes(b64url: string): Uint8Array {
  const decoded = decodeBase64Url(b64url);
  if (!decoded) throw new Error(`bad base64url in vectors: ${b64url}`);
  return decoded;
}

describe('published test vectors', () => {
  it('has cases of every kind', () => {
    expect(vectors.signing.length).toBeGreaterThanOrEqual(4);
    expect(vectors.pinBlock.length).toBeGreaterThanOrEqual(3);
    expect(vectors.pinBlockInvalid.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(vectors.signing)('signing: $name', (vector) => {
    const key = bytes(vector.terminalKey);
    const parts = { ...vector, body: Buffer.from(vector.body, 'utf8') };

    it('builds the same canonical string and signature', () => {
      expect(Buffer.from(key).toString('hex')).toBe(vector.terminalKeyHex);
      expect(canonicalRequest(parts)).toBe(vector.canonical);
      expect(computeSignature(key, parts)).toBe(vector.signature);
    });

    it('verifies the published signature', () => {
      expect(verifySignature(key, parts, vector.signature)).toBe(true);
    });
  });

  describe.each(vectors.pinBlock)('PIN block: $name', (vector) => {
    const hostKey = {
      id: vector.keyId,
      privateKey: bytes(vector.hostPrivateKey),
      publicKey: bytes(vector.hostPublicKey),
    };

    it('derives the same keys and binding string', () => {
      expect(x25519PublicKey(hostKey.privateKey)).toEqual(hostKey.publicKey);
      expect(x25519PublicKey(bytes(vector.ephemeralPrivateKey))).toEqual(
        bytes(vector.ephemeralPublicKey),
      );
      const shared = x25519SharedSecret(bytes(vector.ephemeralPrivateKey), hostKey.publicKey);
      expect(Buffer.from(shared).toString('hex')).toBe(vector.sharedSecretHex);
      expect(pinBinding(vector.binding)).toBe(vector.bindingString);
    });

    it('encrypts to exactly the published block', () => {
      const block = encryptPinBlock(new Secret(vector.pin), hostKey, vector.bindingString, {
        ephemeralPrivateKey: bytes(vector.ephemeralPrivateKey),
        iv: bytes(vector.iv),
      });
      expect(block).toEqual(vector.pinBlock);
    });

    it('opens the published block to the PIN', () => {
      const pin = decryptPinBlock(vector.pinBlock, hostKey, vector.bindingString);
      expect(pin.reveal()).toBe(vector.pin);
    });
  });

  describe.each(vectors.pinBlockInvalid)('PIN block refused: $name', (vector) => {
    it('is PIN_BLOCK_INVALID', () => {
      const privateKey = bytes(vector.hostPrivateKey);
      const hostKey = { id: vector.keyId, privateKey, publicKey: x25519PublicKey(privateKey) };
      expect(vector.expect).toBe('PIN_BLOCK_INVALID');
      expect(pinBinding(vector.binding)).toBe(vector.bindingString);
      let caught: unknown;
      try {
        decryptPinBlock(vector.pinBlock, hostKey, vector.bindingString);
      } catch (error) {
        caught = error;
      }
      expect(hasErrorCode(caught, 'PIN_BLOCK_INVALID')).toBe(true);
    });
  });
});
