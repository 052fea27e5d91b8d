import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import { padBlock, spreadLine } from './spreadLine.js';

describe('spreadLine', () => {
  it('puts the value flush right by display width', () => {
    const line = spreadLine('金额', '¥12.50', 20);
    expect(line).toBe(`金额${' '.repeat(10)}¥12.50`);
    expect(displayWidth(line)).toBe(20);
  });

  it('joins with one space when both do not fit', () => {
    expect(spreadLine('Reference', '000000012345', 15)).toBe('Reference 000000012345');
  });
});

describe('padBlock', () => {
  it('pads every line to the widest by display width', () => {
    expect(padBlock(['1 消费', '2 余额查询', '6 Reprint'])).toEqual([
      '1 消费    ',
      '2 余额查询',
      '6 Reprint ',
    ]);
  });
});
