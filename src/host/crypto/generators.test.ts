import { describe, expect, it } from 'vitest';
import { isTrivialPin, newAuthCode, newCardToken, newId, secureRandom } from './generators.js';

describe('original passwords', () => {
  it.each(['000000', '999999', '123456', '654321', '890123', '121212', '123123', '123321'])(
    'refuses the guessable %s',
    (pin) => {
      expect(isTrivialPin(pin)).toBe(true);
    },
  );

  it.each(['739146', '582037', '102938', '120000'])('accepts %s', (pin) => {
    expect(isTrivialPin(pin)).toBe(false);
  });

  it('generates 6 digits, never a trivial one, spread over every digit', () => {
    const pins = Array.from({ length: 2_000 }, () => secureRandom.pin().reveal());
    for (const pin of pins) {
      expect(pin).toMatch(/^\d{6}$/);
      expect(isTrivialPin(pin)).toBe(false);
    }
    expect(new Set(pins.join('')).size).toBe(10);
    expect(new Set(pins).size).toBeGreaterThan(1_990);
  });
});

describe('other random values', () => {
  it('makes codes of 6 digits, ids in the protocol format, auth codes and card tokens', () => {
    expect(secureRandom.otp().reveal()).toMatch(/^\d{6}$/);
    expect(newId('P')).toMatch(/^P[0-9A-Z]{20}$/);
    expect(newAuthCode()).toMatch(/^[0-9A-Z]{6}$/);
    expect(newCardToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newId('P')).not.toBe(newId('P'));
  });
});
