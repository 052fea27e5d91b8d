import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import { simTexts } from './simTexts.js';

describe('simTexts', () => {
  it('titles the panels in each language', () => {
    const zh = simTexts('zh-CN');
    const en = simTexts('en');
    expect([zh.keymapTitle, zh.inboxTitle, zh.slipsTitle]).toEqual(['键盘', '短信', '小票']);
    expect([en.keymapTitle, en.inboxTitle, en.slipsTitle]).toEqual(['Keys', 'Messages', 'Slips']);
    expect(zh.supervisorHint('2468')).toBe('主管密码: 2468');
    expect(en.supervisorHint('2468')).toBe('Supervisor password: 2468');
    expect(zh.phoneTitle('138****8000')).toContain('138****8000');
    expect(en.phoneTitle('13800138000')).toContain('13800138000');
    expect(zh.phoneOnReader).not.toBe(zh.phoneAway);
    expect(en.phoneOnReader).not.toBe(en.phoneAway);
    expect(zh.emptyInbox).not.toBe(en.emptyInbox);
    expect(zh.noSlips).not.toBe(en.noSlips);
  });

  for (const language of ['zh-CN', 'en'] as const) {
    it(`documents every stand-in key of the PC keyboard in ${language}`, () => {
      const { keymap } = simTexts(language);
      const keyOf = (line: string) => line.split(/\s{2,}/)[0];
      expect(keymap.map(keyOf)).toEqual([
        '0-9',
        'Enter',
        'Backspace',
        'Delete',
        'Esc',
        'F1-F4',
        'T',
        'P',
        'PgUp/PgDn',
        'Ctrl-C',
      ]);
      expect(keymap.find((line) => line.startsWith('Enter'))).toContain('OK');
      expect(keymap.find((line) => line.startsWith('Delete'))).toContain('CLEAR');
      expect(keymap.find((line) => line.startsWith('Esc'))).toContain('CANCEL');
      // The key names line up in one column, and each line fits a 40-column panel.
      const starts = keymap.map(
        (line) => line.length - line.slice(keyOf(line)?.length).trimStart().length,
      );
      expect(new Set(starts).size).toBe(1);
      for (const line of keymap) expect(displayWidth(line)).toBeLessThanOrEqual(38);
    });
  }
});
