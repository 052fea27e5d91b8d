import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money } from '../core/money.js';
import { hasErrorCode } from '../core/PosError.js';
import { Secret } from '../core/Secret.js';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import type { PinBlock } from './fields.js';
import { pinBlock as pinBlockSchema } from './fields.js';
import {
  decryptPinBlock,
  encryptPinBlock,
  generatePinKeyPair,
  pinBinding,
  type PinBindingFields,
  type PinBlockFault,
} from './pinBlock.js';

const hostKey = generatePinKeyPair('pk-test');
const otherHostKey = generatePinKeyPair('pk-test');

const sale: PinBindingFields = {
  terminalId: 'T0000001',
  batch: '000001',
  trace: '000123',
  type: 'sale',
  amount: money(1250, 'CNY'),
  cardUid: '04A1B2C3D4E5F6',
};

function faultOf(action: () => unknown): PinBlockFault | 'opened' | 'other' {
  try {
    action();
    return 'opened';
  } catch (error) {
    return hasErrorCode(error, 'PIN_BLOCK_INVALID')
      ? (error.details.fault as PinBlockFault)
      : 'other';
  }
}

const pinArb = fc.stringMatching(/^\d{6}$/);
const digits6 = fc.stringMatching(/^\d{6}$/);
const bindingArb: fc.Arbitrary<PinBindingFields> = fc.record({
  terminalId: fc.stringMatching(/^T\d{7}$/),
  batch: digits6,
  trace: digits6,
  type: fc.constantFrom('sale' as const, 'balance' as const),
  amount: fc.integer({ min: 1, max: 10_000_000 }).map((value) => money(value, 'CNY')),
  cardUid: fc.stringMatching(/^[0-9A-F]{14}$/),
});

describe('pinBinding', () => {
  it('joins the transaction fields, leaving amount and currency empty for a balance inquiry', () => {
    expect(pinBinding(sale)).toBe('T0000001|000001|000123|sale|1250|CNY|04A1B2C3D4E5F6');
    expect(pinBinding({ ...sale, type: 'balance', amount: undefined })).toBe(
      'T0000001|000001|000123|balance|||04A1B2C3D4E5F6',
    );
    // A balance inquiry ignores an amount given by mistake rather than binding to it.
    expect(pinBinding({ ...sale, type: 'balance' })).toBe(
      'T0000001|000001|000123|balance|||04A1B2C3D4E5F6',
    );
  });

  it('refuses fields that would make two transactions bind alike', () => {
    expect(() => pinBinding({ ...sale, terminalId: 'T1|000002' })).toThrow();
    expect(() => pinBinding({ ...sale, amount: undefined })).toThrow();
  });
});

describe('encryptPinBlock / decryptPinBlock', () => {
  it('round-trips any 6-digit PIN and never repeats a block', () => {
    fc.assert(
      fc.property(pinArb, bindingArb, (pin, fields) => {
        const binding = pinBinding(fields);
        const a = encryptPinBlock(new Secret(pin), hostKey, binding);
        const b = encryptPinBlock(new Secret(pin), hostKey, binding);
        expect(pinBlockSchema.safeParse(a).success).toBe(true);
        expect(a.epk).not.toBe(b.epk);
        expect(a.iv).not.toBe(b.iv);
        expect(decryptPinBlock(a, hostKey, binding).reveal()).toBe(pin);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses to encrypt anything but 6 digits, without echoing it', () => {
    for (const pin of ['12345', '1234567', '12345a', '', '１２３４５６']) {
      let message = '';
      try {
        encryptPinBlock(new Secret(pin), hostKey, pinBinding(sale));
      } catch (error) {
        expect(hasErrorCode(error, 'VALIDATION_FAILED')).toBe(true);
        message = String(error);
      }
      expect(message).not.toBe('');
      if (pin !== '') expect(message).not.toContain(pin);
    }
  });

  it('a block bound to one transaction never opens for another', () => {
    fc.assert(
      fc.property(pinArb, bindingArb, bindingArb, (pin, fields, other) => {
        const binding = pinBinding(fields);
        const otherBinding = pinBinding(other);
        fc.pre(binding !== otherBinding);
        const block = encryptPinBlock(new Secret(pin), hostKey, binding);
        expect(faultOf(() => decryptPinBlock(block, hostKey, otherBinding))).toBe('not_authentic');
      }),
      { numRuns: 100 },
    );
  });

  describe('flipping bytes of the block', () => {
    const binding = pinBinding(sale);
    const block = encryptPinBlock(new Secret('482915'), hostKey, binding);
    const fields = ['epk', 'iv', 'ct', 'tag'] as const;

    function flipped(field: (typeof fields)[number], index: number, mask: number): PinBlock {
      const altered = Uint8Array.from(decodeBase64Url(block[field]) ?? []);
      altered[index] = (altered[index] ?? 0) ^ mask;
      return { ...block, [field]: encodeBase64Url(altered) };
    }

    it('every single-bit flip of every byte makes it fail', () => {
      let tried = 0;
      for (const field of fields) {
        const length = decodeBase64Url(block[field])?.length ?? 0;
        for (let index = 0; index < length; index += 1) {
          for (let bit = 0; bit < 8; bit += 1) {
            const fault = faultOf(() =>
              decryptPinBlock(flipped(field, index, 1 << bit), hostKey, binding),
            );
            expect(fault, `${field}[${index}] bit ${bit}`).not.toBe('opened');
            tried += 1;
          }
        }
      }
      expect(tried).toBe((32 + 12 + 6 + 16) * 8);
    });

    it('any change to any byte makes it fail', () => {
      const target = fc.constantFrom(...fields).chain((field) =>
        fc.record({
          field: fc.constant(field),
          index: fc.nat({ max: (decodeBase64Url(block[field])?.length ?? 1) - 1 }),
          mask: fc.integer({ min: 1, max: 255 }),
        }),
      );
      fc.assert(
        fc.property(target, ({ field, index, mask }) => {
          expect(
            faultOf(() => decryptPinBlock(flipped(field, index, mask), hostKey, binding)),
          ).not.toBe('opened');
        }),
        { numRuns: 500 },
      );
    });
  });

  it('changing any character of the block as sent on the wire makes it fail', () => {
    const binding = pinBinding(sale);
    const block = encryptPinBlock(new Secret('482915'), hostKey, binding);
    const wire = JSON.stringify(block);
    fc.assert(
      fc.property(
        fc.nat({ max: wire.length - 1 }),
        fc.integer({ min: 1, max: 127 }),
        (at, mask) => {
          const code = wire.charCodeAt(at) ^ mask;
          const changed = wire.slice(0, at) + String.fromCharCode(code) + wire.slice(at + 1);
          let parsed: unknown;
          try {
            parsed = JSON.parse(changed);
          } catch {
            return; // no longer JSON: the host rejects it as VALIDATION_FAILED
          }
          const checked = pinBlockSchema.safeParse(parsed);
          if (!checked.success) return; // rejected as VALIDATION_FAILED
          expect(faultOf(() => decryptPinBlock(checked.data, hostKey, binding))).not.toBe('opened');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('needs the host key it was made for', () => {
    const binding = pinBinding(sale);
    const block = encryptPinBlock(new Secret('482915'), hostKey, binding);
    expect(faultOf(() => decryptPinBlock(block, otherHostKey, binding))).toBe('not_authentic');
    expect(faultOf(() => decryptPinBlock({ ...block, keyId: 'pk-old' }, hostKey, binding))).toBe(
      'unknown_key',
    );
  });

  it('refuses non-canonical and low-order ephemeral keys', () => {
    const binding = pinBinding(sale);
    const block = encryptPinBlock(new Secret('482915'), hostKey, binding);
    const epk = Uint8Array.from(decodeBase64Url(block.epk) ?? []);
    epk[31] = (epk[31] ?? 0) | 0x80; // same secret under plain X25519
    expect(
      faultOf(() => decryptPinBlock({ ...block, epk: encodeBase64Url(epk) }, hostKey, binding)),
    ).toBe('weak_key');
    const lowOrder = [new Uint8Array(32), Uint8Array.from([1, ...new Array<number>(31).fill(0)])];
    for (const point of lowOrder) {
      expect(
        faultOf(() => decryptPinBlock({ ...block, epk: encodeBase64Url(point) }, hostKey, binding)),
      ).toBe('weak_key');
    }
    const prime = Uint8Array.from([0xed, ...new Array<number>(30).fill(0xff), 0x7f]);
    expect(
      faultOf(() => decryptPinBlock({ ...block, epk: encodeBase64Url(prime) }, hostKey, binding)),
    ).toBe('weak_key');
  });

  it('says nothing of the PIN when it refuses a block', () => {
    const binding = pinBinding(sale);
    const block = encryptPinBlock(new Secret('482915'), hostKey, binding);
    try {
      decryptPinBlock(block, hostKey, pinBinding({ ...sale, trace: '000124' }));
    } catch (error) {
      expect(JSON.stringify(error) + String(error)).not.toContain('482915');
      return;
    }
    throw new Error('expected a refusal');
  });
});
