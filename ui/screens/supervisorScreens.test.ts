import { describe, expect, it } from 'vitest';
import type { Screen } from '../../src/terminal/flow/screenOf.js';
import type { Language } from '../Language.js';
import { MIN_DISPLAY, type ScreenView } from '../ScreenView.js';
import { renderScreen } from './renderScreen.js';

function render(screen: Screen, language: Language = 'zh-CN') {
  return renderScreen(screen, { language, now: 0, size: MIN_DISPLAY });
}

const texts = (view: ScreenView) => view.lines.map((line) => line.text);

describe('supervisor password screen', () => {
  it('shows the password only as stars, with the tries left after a wrong one', () => {
    const view = render({
      id: 'supervisor',
      for: 'void',
      length: 4,
      notice: { code: 'SUPERVISOR_PASSWORD_WRONG', details: { attemptsLeft: 2 } },
    });
    expect(view.title).toBe('撤销');
    expect(texts(view)).toEqual(
      expect.arrayContaining(['请输入主管密码', '* * * * _', '主管密码错误，还可输入 2 次']),
    );
    const withDigits = texts(view).filter((line) => /\d/.test(line));
    expect(withDigits).toEqual(['主管密码错误，还可输入 2 次']);
  });

  it('titles a refund as a refund', () => {
    expect(render({ id: 'supervisor', for: 'refund', length: 0 }, 'en').title).toBe('Refund');
  });
});

describe('void trace screen', () => {
  it('shows the trace keyed and places for the rest of the six digits', () => {
    const view = render(
      { id: 'voidTrace', digits: '123', notice: { code: 'TRANSACTION_NOT_FOUND' } },
      'en',
    );
    expect(texts(view)).toEqual(
      expect.arrayContaining(['Trace number of the sale', '123___', 'No such transaction']),
    );
    expect(view.hints[0]).toBe('OK find');
  });
});

describe('refund reference screen', () => {
  it('shows the reference in groups of four with places for the rest', () => {
    const view = render({ id: 'refundReference', digits: '12345678' });
    expect(texts(view)).toContain('1234 5678 ____');
    expect(view.title).toBe('退货');
  });
});

describe('void confirm screen', () => {
  it('shows the sale to void for the cashier to check', () => {
    const view = render(
      {
        id: 'voidConfirm',
        original: {
          journalId: 1,
          paymentId: 'p',
          trace: '000123',
          amount: { value: 1_250, currency: 'CNY' },
          authCode: '654321',
          reference: '000000012345',
        },
      },
      'en',
    );
    const lines = texts(view);
    expect(lines[0]).toBe('Void this sale?');
    expect(lines.some((line) => /^Trace +000123$/.test(line))).toBe(true);
    expect(lines.some((line) => /^Amount +¥12\.50$/.test(line))).toBe(true);
    expect(lines.some((line) => /^Auth code +654321$/.test(line))).toBe(true);
    expect(lines.some((line) => /^Reference +000000012345$/.test(line))).toBe(true);
    expect(view.hints).toEqual(['OK void', 'CANCEL quit']);
  });
});
