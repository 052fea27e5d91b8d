import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import { fitLines, MORE_MARKER, type BodyLine } from './fitLines.js';

const SPACER: BodyLine = { spacer: true };

describe('fitLines', () => {
  it('keeps lines that fit as written, spaces and style included', () => {
    const lines: BodyLine[] = [
      { text: ' _   _ ', align: 'center', bold: true },
      { text: '| | |_|' },
    ];
    expect(fitLines(lines, 10, 5)).toEqual([
      { text: ' _   _ ', align: 'center', bold: true },
      { text: '| | |_|' },
    ]);
  });

  it('wraps a Chinese line by display width, each piece keeping the style', () => {
    const fitted = fitLines([{ text: '主机拒绝撤销，请核实顾客是否已扣款', color: 'red' }], 20, 5);
    expect(fitted.map((line) => line.text)).toEqual(['主机拒绝撤销，请核实', '顾客是否已扣款']);
    for (const line of fitted) {
      expect(line.color).toBe('red');
      expect(displayWidth(line.text)).toBeLessThanOrEqual(20);
    }
  });

  it('turns spacers into blank lines when there is room', () => {
    expect(fitLines([{ text: 'a' }, SPACER, { text: 'b' }], 10, 3)).toEqual([
      { text: 'a' },
      { text: '' },
      { text: 'b' },
    ]);
  });

  it('gives up spacers from the bottom first when rows are short', () => {
    const lines: BodyLine[] = [{ text: 'a' }, SPACER, { text: 'b' }, SPACER, { text: 'c' }];
    expect(fitLines(lines, 10, 4).map((line) => line.text)).toEqual(['a', '', 'b', 'c']);
    expect(fitLines(lines, 10, 3).map((line) => line.text)).toEqual(['a', 'b', 'c']);
  });

  it('cuts a body still too tall and says there is more', () => {
    const lines: BodyLine[] = ['1', '2', '3', '4', '5'].map((text) => ({ text }));
    expect(fitLines(lines, 10, 3).map((line) => line.text)).toEqual(['1', '2', MORE_MARKER]);
  });

  it('fits any width and height, even absurd ones', () => {
    const lines: BodyLine[] = [{ text: '消费' }, { text: 'abc' }];
    expect(fitLines(lines, 1, 5).every((line) => displayWidth(line.text) <= 1)).toBe(true);
    expect(fitLines(lines, 10, 0)).toEqual([]);
  });
});
