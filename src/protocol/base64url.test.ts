import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';

describe('base64url', () => {
  it('round-trips any bytes without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = encodeBase64Url(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeBase64Url(text)).toEqual(bytes);
      }),
    );
  });

  it.each([
    ['padding', 'AA=='],
    ['standard alphabet', 'a+b/'],
    ['a stray character', 'AA.A'],
    ['whitespace', 'AA AA'],
    ['an impossible length', 'AAAAA'],
    ['unused bits set (same bytes as "AA")', 'AB'],
    ['unused bits set (same bytes as "AAA")', 'AAB'],
  ])('refuses %s', (_what, text) => {
    expect(decodeBase64Url(text)).toBeUndefined();
  });

  it('decodes the empty string to no bytes', () => {
    expect(decodeBase64Url('')).toEqual(new Uint8Array());
  });
});
