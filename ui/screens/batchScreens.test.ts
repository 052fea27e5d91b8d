import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import type { Figures } from '../../src/terminal/flow/flowTypes.js';
import type { Screen } from '../../src/terminal/flow/screenOf.js';
import type { Language } from '../Language.js';
import { MIN_DISPLAY, type ScreenView } from '../ScreenView.js';
import { renderScreen } from './renderScreen.js';

function render(screen: Screen, language: Language = 'zh-CN') {
  return renderScreen(screen, { language, now: 0, size: MIN_DISPLAY });
}

const texts = (view: ScreenView) => view.lines.map((line) => line.text);
const cny = (value: number) => ({ value, currency: 'CNY' as const });

const MINE: Figures = {
  counts: { sale: 3, void: 1, refund: 1 },
  totals: { sale: cny(3_600), refund: cny(500) },
};
const THEIRS: Figures = {
  counts: { sale: 4, void: 1, refund: 1 },
  totals: { sale: cny(4_850), refund: cny(500) },
};

describe('settle confirm screen', () => {
  it('shows the counts and totals of the batch to settle', () => {
    const view = render({ id: 'settleConfirm', batch: '000001', figures: MINE });
    const lines = texts(view);
    expect(lines[0]).toBe('批次号 000001');
    expect(lines.some((line) => /^消费 3 笔 +¥36\.00$/.test(line))).toBe(true);
    expect(lines.some((line) => /^撤销 1 笔 *$/.test(line))).toBe(true);
    expect(lines.some((line) => /^退货 1 笔 +¥5\.00$/.test(line))).toBe(true);
    expect(lines).toContain('确认结算本批次？');
    expect(view.hints).toEqual(['OK 结算', 'CANCEL 返回']);
    const en = texts(render({ id: 'settleConfirm', figures: MINE }, 'en'));
    expect(en.some((line) => /^3 sales +¥36\.00$/.test(line))).toBe(true);
    expect(en.some((line) => /^1 void *$/.test(line))).toBe(true);
  });
});

describe('settlement result screen', () => {
  const result = (terminal: Figures, host: Figures): Screen => ({
    id: 'settlementResult',
    settlement: {
      batch: '000001',
      result: terminal === host ? 'balanced' : 'out_of_balance',
      terminal,
      host,
      nextBatch: '000002',
    },
  });

  it('says balanced in green, with the agreed figures and the next batch', () => {
    const view = render(result(MINE, MINE), 'en');
    expect(view.lines.find((line) => line.text === 'Balanced')?.color).toBe('green');
    const lines = texts(view);
    expect(lines.some((line) => /^Sales total +¥36\.00$/.test(line))).toBe(true);
    expect(lines.some((line) => /^Refund total +¥5\.00$/.test(line))).toBe(true);
    expect(lines).toContain('Next batch 000002');
    expect(view.tone).toBe('success');
  });

  it('shows both sides when out of balance, marking in words and colour the rows that differ', () => {
    const view = render(result(MINE, THEIRS));
    expect(view.lines.find((line) => line.text === '对账不平')?.color).toBe('yellow');
    expect(view.tone).toBe('error');
    const lines = texts(view);
    const header = lines.find((line) => /^ +终端 +主机 *$/.test(line));
    const sales = view.lines.find((line) => line.text.includes('消费金额'));
    // Header and rows are one block: same width, the column titles over the figures' ends.
    expect(displayWidth(header ?? '')).toBe(displayWidth(sales?.text ?? ''));
    expect(displayWidth(header?.trimEnd() ?? '')).toBe(displayWidth(sales?.text.trimEnd() ?? ''));
    expect(sales?.text).toMatch(/^!消费金额 +¥36\.00 +¥48\.50$/);
    expect(sales?.color).toBe('yellow');
    const refunds = view.lines.find((line) => line.text.includes('退货金额'));
    expect(refunds?.text).toMatch(/^ 退货金额 +¥5\.00 +¥5\.00 *$/);
    expect(refunds?.color).toBeUndefined();
  });

  it('keeps both sides readable when the amounts are too wide for columns', () => {
    const huge: Figures = { ...MINE, totals: { sale: cny(999_999_999_999), refund: cny(0) } };
    const view = render(result(huge, THEIRS), 'en');
    const sales = texts(view).find((line) => line.includes('Sales total'));
    expect(sales).toMatch(/^!Sales total +¥9,999,999,999\.99 \/ ¥48\.50$/);
    expect(texts(view)).toContain('Next batch 000002');
  });
});
