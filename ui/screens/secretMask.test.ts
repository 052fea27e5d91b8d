import { describe, expect, it } from 'vitest';
import { digitEntry, passwordMask, secretMask } from './secretMask.js';

describe('secretMask', () => {
  it('shows a star per digit keyed and a place for each still to key', () => {
    expect(secretMask(0)).toBe('_ _ _ _ _ _');
    expect(secretMask(3)).toBe('* * * _ _ _');
    expect(secretMask(6)).toBe('* * * * * *');
  });

  it('shows every digit keyed even past the size, never fewer', () => {
    expect(secretMask(7)).toBe('* * * * * * *');
  });
});

describe('passwordMask', () => {
  it('shows its length and where the next digit goes', () => {
    expect(passwordMask(0)).toBe('_');
    expect(passwordMask(4)).toBe('* * * * _');
    expect(passwordMask(12)).toBe('* * * * * * * * * * * *');
  });
});

describe('digitEntry', () => {
  it('shows the digits keyed and places for the rest', () => {
    expect(digitEntry('123', 6)).toBe('123___');
    expect(digitEntry('', 6)).toBe('______');
  });

  it('groups a long number for reading back', () => {
    expect(digitEntry('12345678', 12, 4)).toBe('1234 5678 ____');
    expect(digitEntry('123456789012', 12, 4)).toBe('1234 5678 9012');
  });
});
