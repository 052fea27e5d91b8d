import { describe, expect, it } from 'vitest';
import { amountDigits, moneyText } from './moneyText.js';

describe('moneyText', () => {
  it('shows yuan with the yen sign and thousands separators', () => {
    expect(moneyText({ value: 123_450, currency: 'CNY' })).toBe('¥1,234.50');
    expect(moneyText({ value: 5, currency: 'CNY' })).toBe('¥0.05');
    expect(moneyText({ value: 123_450, currency: 'CNY' }, false)).toBe('¥1234.50');
  });

  it('keeps an ASCII symbol', () => {
    expect(moneyText({ value: 1_200, currency: 'HKD' })).toBe('HK$12.00');
  });

  it('uses the code for a symbol of ambiguous width', () => {
    // `€` is one column in a Western console and two in a Chinese one.
    expect(moneyText({ value: 123_450, currency: 'EUR' })).toBe('EUR 1,234.50');
  });
});

describe('amountDigits', () => {
  it('gives the number only, exactly, for the large digits', () => {
    expect(amountDigits({ value: 1_250, currency: 'CNY' })).toBe('12.50');
    expect(amountDigits({ value: 0, currency: 'CNY' })).toBe('0.00');
    expect(amountDigits({ value: 999_999_999_999, currency: 'HKD' })).toBe('9999999999.99');
  });
});
