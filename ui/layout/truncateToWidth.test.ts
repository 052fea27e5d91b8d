import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import { truncateToWidth } from './truncateToWidth.js';

describe('truncateToWidth', () => {
  it('keeps text that fits', () => {
    expect(truncateToWidth('消费成功', 8)).toBe('消费成功');
  });

  it('cuts by display columns and ends with the marker', () => {
    expect(truncateToWidth('Settlement result', 10)).toBe('Settlem...');
    expect(truncateToWidth('未完成交易的处理结果', 10)).toBe('未完成...');
  });

  it('never cuts a Chinese character in half', () => {
    // 6 columns: 3 for "..." leaves 3, room for one two-column character only.
    const cut = truncateToWidth('账户已锁定', 6);
    expect(cut).toBe('账...');
    expect(displayWidth(cut)).toBe(5);
    expect(truncateToWidth('账户', 3, '')).toBe('账');
    expect(truncateToWidth('账户', 1, '')).toBe('');
  });

  it('drops a marker that does not fit', () => {
    expect(truncateToWidth('abcdef', 2)).toBe('ab');
  });

  it('keeps a zero-width mark with its character', () => {
    expect(truncateToWidth('e\u0301e\u0301e\u0301', 2, '')).toBe('e\u0301e\u0301');
  });
});
