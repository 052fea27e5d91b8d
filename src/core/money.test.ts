import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownCode } from '../testing/thrownCode.js';
import {
  addMoney,
  formatMoney,
  MAX_MINOR_UNITS,
  money,
  parseKeypadDigits,
  subtractMoney,
  sumMoney,
} from './money.js';

describe('money', () => {
  it('accepts whole, non-negative minor units up to the maximum', () => {
    expect(money(0, 'CNY')).toEqual({ value: 0, currency: 'CNY' });
    expect(money(MAX_MINOR_UNITS, 'CNY').value).toBe(MAX_MINOR_UNITS);
  });

  it.each([
    [-1, 'CNY', 'MONEY_INVALID'],
    [12.5, 'CNY', 'MONEY_INVALID'],
    [Number.NaN, 'CNY', 'MONEY_INVALID'],
    [Number.POSITIVE_INFINITY, 'CNY', 'MONEY_INVALID'],
    [MAX_MINOR_UNITS + 1, 'CNY', 'MONEY_OVERFLOW'],
    [100, 'XXX', 'MONEY_INVALID'],
    [100, 'cny', 'MONEY_INVALID'],
  ])('rejects %s %s with %s', (value, currency, code) => {
    expect(thrownCode(() => money(value, currency))).toBe(code);
  });
});

describe('parseKeypadDigits', () => {
  it.each([
    ['1250', 1250],
    ['5', 5],
    ['', 0],
    ['0000', 0],
    ['000125', 125],
    ['999999999999', 999_999_999_999],
  ])('reads %j as %d minor units', (digits, value) => {
    expect(parseKeypadDigits(digits, 'CNY')).toEqual({ value, currency: 'CNY' });
  });

  it.each([
    ['12.50', 'MONEY_INVALID'],
    ['-5', 'MONEY_INVALID'],
    ['1e3', 'MONEY_INVALID'],
    [' 12', 'MONEY_INVALID'],
    ['١٢', 'MONEY_INVALID'],
    ['1000000000000', 'MONEY_OVERFLOW'],
    ['9'.repeat(400), 'MONEY_OVERFLOW'],
  ])('rejects %j with %s', (digits, code) => {
    expect(thrownCode(() => parseKeypadDigits(digits, 'CNY'))).toBe(code);
  });

  it('refuses a limit that is not a whole amount rather than ignore it', () => {
    for (const limit of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY]) {
      expect(() => parseKeypadDigits('999999999999', 'CNY', limit)).toThrow(RangeError);
    }
  });

  it('applies a terminal limit', () => {
    expect(parseKeypadDigits('500000', 'CNY', 500000).value).toBe(500000);
    expect(thrownCode(() => parseKeypadDigits('500001', 'CNY', 500000))).toBe('MONEY_OVERFLOW');
  });

  it('round-trips every amount through its digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MINOR_UNITS }), (value) => {
        expect(parseKeypadDigits(String(value), 'CNY').value).toBe(value);
      }),
    );
  });
});

describe('formatMoney', () => {
  it.each([
    [1250, 'CNY', '¥12.50', 'CNY 12.50'],
    [5, 'CNY', '¥0.05', 'CNY 0.05'],
    [0, 'CNY', '¥0.00', 'CNY 0.00'],
    [100, 'HKD', 'HK$1.00', 'HKD 1.00'],
    [123456789, 'CNY', '¥1234567.89', 'CNY 1234567.89'],
  ] as const)('%d %s', (value, currency, symbol, code) => {
    const amount = money(value, currency);
    expect(formatMoney(amount)).toBe(symbol);
    expect(formatMoney(amount, { style: 'code' })).toBe(code);
  });

  it('groups thousands on request', () => {
    expect(formatMoney(money(123456789, 'CNY'), { grouping: true })).toBe('¥1,234,567.89');
    expect(formatMoney(money(99999, 'CNY'), { grouping: true })).toBe('¥999.99');
  });

  it('is exact for every representable amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MINOR_UNITS }), (value) => {
        const text = formatMoney(money(value, 'CNY'), { style: 'code' });
        expect(text).toMatch(/^CNY \d+\.\d{2}$/);
        expect(Number(text.slice(4).replace('.', ''))).toBe(value);
      }),
    );
  });
});

describe('arithmetic', () => {
  it('adds and subtracts exactly within one currency', () => {
    expect(addMoney(money(1, 'CNY'), money(2, 'CNY')).value).toBe(3);
    expect(subtractMoney(money(5, 'CNY'), money(5, 'CNY')).value).toBe(0);
    expect(sumMoney([money(10, 'CNY'), money(20, 'CNY')], 'CNY').value).toBe(30);
    expect(sumMoney([], 'CNY')).toEqual({ value: 0, currency: 'CNY' });
  });

  it('refuses to mix currencies, go negative or overflow', () => {
    expect(thrownCode(() => addMoney(money(1, 'CNY'), money(1, 'HKD')))).toBe('CURRENCY_MISMATCH');
    expect(thrownCode(() => subtractMoney(money(1, 'CNY'), money(2, 'CNY')))).toBe('MONEY_INVALID');
    expect(thrownCode(() => addMoney(money(MAX_MINOR_UNITS, 'CNY'), money(1, 'CNY')))).toBe(
      'MONEY_OVERFLOW',
    );
  });
});
