import { describe, expect, it } from 'vitest';
import { bigDigits, bigDigitsWidth } from './bigDigits.js';
import { decodeBigDigits } from './decodeBigDigits.js';

describe('bigDigits', () => {
  it('draws 12.50 so that it reads back as 12.50', () => {
    expect(decodeBigDigits(bigDigits('12.50'))).toBe('12.50');
  });

  it('draws every digit and the point', () => {
    for (const text of ['0123456789', '9876543210', '0.00', '50000.00', '8.8']) {
      expect(decodeBigDigits(bigDigits(text))).toBe(text);
    }
  });

  it('draws the usual seven-segment shapes, one column apart', () => {
    // The shapes as a till shows them, glyphs run together; the drawing keeps a column between.
    const together = [
      ' _     _  _     _  _  _  _  _ ',
      '| |  | _| _||_||_ |_   ||_||_|',
      '|_|  ||_  _|  | _||_|  ||_| _|',
    ];
    const rows = bigDigits('0123456789');
    const withoutGaps = rows.map((row) =>
      Array.from({ length: 10 }, (_, digit) => row.slice(digit * 4, digit * 4 + 3)).join(''),
    );
    expect(withoutGaps).toEqual(together);
    for (const row of rows) {
      for (let digit = 1; digit < 10; digit += 1) expect(row[digit * 4 - 1]).toBe(' ');
    }
  });

  it('gives all rows the width it announces, in ASCII', () => {
    for (const text of ['1', '12.50', '999999.99']) {
      const rows = bigDigits(text);
      for (const row of rows) {
        expect(row).toHaveLength(bigDigitsWidth(text));
        expect(row).toMatch(/^[ _|.]*$/);
      }
    }
    expect(bigDigitsWidth('12.50')).toBe(17);
    expect(bigDigitsWidth('')).toBe(0);
  });

  it('refuses anything but digits and points', () => {
    for (const text of ['¥1', '1,000', '-5', '1 2']) {
      expect(() => bigDigits(text)).toThrow(RangeError);
    }
  });
});
