import { describe, expect, it } from 'vitest';
import { displayWidth } from '../src/core/displayWidth.js';
import { composeRows, hintsRow, padToWidth } from './TerminalDisplay.js';

const SIZE = { columns: 40, rows: 16 };

describe('padToWidth', () => {
  it('pads by display columns, so Chinese lines end where English ones do', () => {
    expect(padToWidth('请轻触手机', 14, 'center')).toBe('  请轻触手机  ');
    expect(padToWidth('Tap', 7, 'right')).toBe('    Tap');
    expect(padToWidth('金额', 6, 'left')).toBe('金额  ');
  });

  it('cuts a line too wide at a whole character', () => {
    const cut = padToWidth('消费金额确认', 7, 'left');
    expect(displayWidth(cut)).toBe(7);
    expect(cut).toBe('消费金 ');
  });
});

describe('hintsRow', () => {
  it('keeps the hints that fit, in order, and drops the rest whole', () => {
    expect(hintsRow(['OK 确认', 'CANCEL 取消', 'F1 重发验证码'], 24)).toBe('OK 确认  CANCEL 取消');
    expect(hintsRow(['OK confirm'], 5)).toBe('');
  });
});

describe('composeRows', () => {
  it('fills the display exactly: status, title, body rows, hints; each row full width', () => {
    const rows = composeRows(
      {
        title: '消费',
        tone: 'input',
        lines: [
          { text: '请输入金额', align: 'center', bold: true },
          { text: '¥12.50 {red-fg}', align: 'right', color: 'red' },
        ],
        hints: ['OK 确认', 'CANCEL 取消'],
      },
      '信号###.. 主机OK',
      SIZE,
    );
    expect(rows).toHaveLength(SIZE.rows);
    const plain = rows.map((row) => row.text);
    for (const row of plain) expect(displayWidth(row)).toBe(SIZE.columns);
    expect(plain[0]?.startsWith('信号###.. 主机OK')).toBe(true);
    expect(plain[1]?.trim()).toBe('消费');
    expect(plain[2]?.trim()).toBe('请输入金额');
    // Text that looks like a blessed tag is shown as typed, not obeyed.
    expect(rows[3]?.tagged).toContain('{open}red-fg{close}');
    expect(rows[3]?.tagged.startsWith('{red-fg}')).toBe(true);
    expect(plain[SIZE.rows - 1]?.trimEnd()).toBe('OK 确认  CANCEL 取消');
    expect(rows[1]?.tagged).toContain('{blue-bg}');
  });
});
