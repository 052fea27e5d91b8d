import { describe, expect, it } from 'vitest';
import type { RecoveryItem } from '../../src/terminal/flow/flowTypes.js';
import type { Screen } from '../../src/terminal/flow/screenOf.js';
import type { Language } from '../Language.js';
import { FRAME_ROWS, MIN_DISPLAY, type DisplaySize, type ScreenView } from '../ScreenView.js';
import { renderScreen } from './renderScreen.js';

function render(screen: Screen, language: Language = 'zh-CN', size: DisplaySize = MIN_DISPLAY) {
  return renderScreen(screen, { language, now: 0, size });
}

const texts = (view: ScreenView) => view.lines.map((line) => line.text);

describe('idle screen', () => {
  const idle: Screen = { id: 'idle', merchant: '示例便利店', batch: '000001', pendingLeft: 2 };

  it('invites a tap and says OK opens the menu', () => {
    const zh = render(idle);
    expect(texts(zh)).toContain('请轻触手机');
    expect(zh.hints).toEqual(['OK 菜单']);
    const en = render(idle, 'en');
    expect(texts(en)).toContain('Tap your phone');
    expect(en.hints).toEqual(['OK menu']);
  });

  it('shows the merchant and the batch', () => {
    expect(texts(render(idle))).toEqual(expect.arrayContaining(['示例便利店', '批次号 000001']));
    expect(texts(render(idle, 'en'))).toContain('Batch 000001');
  });

  it('counts the transactions waiting for the host, in yellow, only when there are any', () => {
    const view = render(idle);
    expect(view.lines.find((line) => line.text === '2 笔交易待主机确认')?.color).toBe('yellow');
    expect(texts(render({ ...idle, pendingLeft: 1 }, 'en'))).toContain(
      '1 transaction waits for the host',
    );
    const none = texts(render({ ...idle, pendingLeft: 0 }));
    expect(none.some((line) => line.includes('待主机确认'))).toBe(false);
  });

  it('does without a merchant or batch before sign-in', () => {
    const lines = texts(render({ id: 'idle', pendingLeft: 0 }, 'en'));
    expect(lines.some((line) => line.startsWith('Batch'))).toBe(false);
    expect(lines).toContain('Tap your phone');
  });
});

describe('sign-in retry screen', () => {
  it('says why, how many times, and that OK retries now', () => {
    const view = render({ id: 'signInRetry', outcome: { code: 'HOST_UNREACHABLE' }, failures: 3 });
    expect(texts(view)).toEqual(
      expect.arrayContaining(['连不上主机，请检查网络后重试', '已失败 3 次，稍后自动重试']),
    );
    expect(view.hints).toEqual(['OK 立即重试']);
    expect(texts(render({ id: 'signInRetry', failures: 1 }, 'en'))).toContain(
      'Failed once; retrying soon',
    );
  });
});

describe('recovery report screen', () => {
  const items: RecoveryItem[] = [
    {
      type: 'sale',
      batch: '1',
      trace: '000101',
      amount: { value: 1_250, currency: 'CNY' },
      outcome: 'printed',
    },
    {
      type: 'void',
      batch: '1',
      trace: '000104',
      amount: { value: 800, currency: 'CNY' },
      outcome: 'refused',
    },
    { type: 'balance', batch: '1', trace: '000105', outcome: 'pending' },
  ];

  it('shows each transaction with its trace, amount and outcome in words', () => {
    const view = render({ id: 'recoveryReport', items, pendingLeft: 1 }, 'en');
    const lines = texts(view);
    expect(lines[0]).toMatch(/^Sale 000101 ¥12\.50 +slip printed$/);
    expect(lines[1]).toMatch(/^Void 000104 ¥8\.00 +undo refused: check$/);
    expect(lines[2]).toMatch(/^Balance 000105 +waits for host$/);
    expect(lines).toContain('1 still waits for the host');
  });

  it('marks an undo the host refused in red and the screen as an error', () => {
    const view = render({ id: 'recoveryReport', items, pendingLeft: 1 });
    expect(view.lines[1]?.color).toBe('red');
    expect(view.lines[2]?.color).toBe('yellow');
    expect(view.tone).toBe('error');
    expect(render({ id: 'recoveryReport', items: items.slice(0, 1), pendingLeft: 0 }).tone).toBe(
      'info',
    );
  });

  it('says how many more there are when they do not all fit', () => {
    const many: RecoveryItem[] = Array.from({ length: 25 }, (_, index) => ({
      type: 'sale',
      batch: '1',
      trace: String(index).padStart(6, '0'),
      amount: { value: 100, currency: 'CNY' },
      outcome: 'printed',
    }));
    const view = render({ id: 'recoveryReport', items: many, pendingLeft: 2 });
    const body = MIN_DISPLAY.rows - FRAME_ROWS;
    expect(view.lines).toHaveLength(body);
    // 13 rows: the pending line, the "more" line, and 11 transactions.
    expect(texts(view).slice(-2)).toEqual(['另有 14 笔未显示', '仍有 2 笔待主机确认']);
    expect(texts(view).filter((line) => line.startsWith('消费'))).toHaveLength(11);
  });

  it('shows them all on a display tall enough', () => {
    const five = Array.from({ length: 5 }, (_, index): RecoveryItem => ({
      type: 'refund',
      batch: '1',
      trace: `00000${index}`,
      outcome: 'declined',
    }));
    const view = render({ id: 'recoveryReport', items: five, pendingLeft: 0 }, 'en');
    expect(texts(view).filter((line) => line.startsWith('Refund'))).toHaveLength(5);
    expect(texts(view).some((line) => line.includes('more not shown'))).toBe(false);
  });
});
