import { describe, expect, it } from 'vitest';
import { charWidth, displayWidth, wrapToWidth } from './displayWidth.js';

describe('displayWidth', () => {
  it.each([
    ['', 0],
    ['CNY 12.50', 9],
    ['金额', 4],
    ['金额 CNY 12.50', 14],
    ['密码+短信验证码确认', 19],
    ['ＡＢ', 4], // fullwidth Latin
    ['，。', 4], // CJK punctuation
    ['\u3000', 2], // ideographic space
    ['ｶ', 1], // halfwidth katakana
    ['カナ', 4],
    ['한국', 4],
    ['𠀀', 2], // CJK extension B, a surrogate pair
    ['😀', 2],
    ['e\u0301', 1], // e + combining acute
    ['a\u200bb', 2], // zero-width space
    ['\u0007', 0],
    ['¥12', 3], // the yen sign is narrow (its fullwidth form ￥ is not)
    ['￥', 2],
    ['Ä→×', 3], // narrow and ambiguous characters count 1
  ])('gives %j %d columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it('counts the edges of the wide ranges right', () => {
    expect(charWidth('\u10ff')).toBe(1);
    expect(charWidth('\u1100')).toBe(2);
    expect(charWidth('\u115f')).toBe(2);
    expect(charWidth('\u1160')).toBe(1);
    expect(charWidth('\u2e7f')).toBe(1);
    expect(charWidth('\u2e80')).toBe(2);
    expect(charWidth('\u303e')).toBe(2);
    expect(charWidth('\u303f')).toBe(1);
    expect(charWidth('\u4e00')).toBe(2);
    expect(charWidth('\u9fff')).toBe(2);
    expect(charWidth('\ud7a3')).toBe(2);
    expect(charWidth('\ud7a4')).toBe(1);
    expect(charWidth('\uff60')).toBe(2);
    expect(charWidth('\uff61')).toBe(1);
  });
});

describe('wrapToWidth', () => {
  it('keeps a text that fits on one line, without surrounding spaces', () => {
    expect(wrapToWidth('  Lucky Noodle  ', 32)).toEqual(['Lucky Noodle']);
  });

  it('gives no lines for an empty or blank text', () => {
    expect(wrapToWidth('', 32)).toEqual([]);
    expect(wrapToWidth('   ', 32)).toEqual([]);
  });

  it('breaks English at spaces', () => {
    expect(wrapToWidth('Lucky Noodle House People Square', 12)).toEqual([
      'Lucky Noodle',
      'House People',
      'Square',
    ]);
  });

  it('breaks Chinese between any two characters, by columns', () => {
    expect(wrapToWidth('上海幸运面馆有限公司', 8)).toEqual(['上海幸运', '面馆有限', '公司']);
    // 7 columns hold three Chinese characters, never half of a fourth.
    expect(wrapToWidth('上海幸运面馆', 7)).toEqual(['上海幸', '运面馆']);
  });

  it('fills a line with Chinese after English and keeps the space between them', () => {
    expect(wrapToWidth('Lucky 幸运面馆', 10)).toEqual(['Lucky 幸运', '面馆']);
  });

  it('cuts a word longer than a line', () => {
    expect(wrapToWidth('ab 1234567890123', 6)).toEqual(['ab', '123456', '789012', '3']);
  });

  it('keeps a combining mark with its letter', () => {
    expect(wrapToWidth('cafe\u0301 cafe\u0301', 4)).toEqual(['cafe\u0301', 'cafe\u0301']);
    expect(wrapToWidth('abcd\u0301efgh', 4)).toEqual(['abcd\u0301', 'efgh']);
  });

  it('refuses a width a wide character cannot fit in', () => {
    expect(() => wrapToWidth('上', 1)).toThrow(RangeError);
    expect(() => wrapToWidth('a', 2.5)).toThrow(RangeError);
  });
});
