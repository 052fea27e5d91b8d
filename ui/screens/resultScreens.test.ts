import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errorCodes.js';
import type { Approval, Notice } from '../../src/terminal/flow/flowTypes.js';
import type { Screen } from '../../src/terminal/flow/screenOf.js';
import { messagesFor } from '../i18n/messagesFor.js';
import type { Language } from '../Language.js';
import { MIN_DISPLAY, type ScreenView } from '../ScreenView.js';
import { decodeBigDigits } from './decodeBigDigits.js';
import { renderScreen } from './renderScreen.js';
import { FLOW_NOTICE_CODES } from './sampleScreens.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

function render(screen: Screen, language: Language = 'zh-CN', timeZone = 'Asia/Shanghai') {
  return renderScreen(screen, { language, now: NOW, size: MIN_DISPLAY, timeZone });
}

const texts = (view: ScreenView) => view.lines.map((line) => line.text);
/** The body as one string without spaces: a wrapped sentence reads back whole. */
const joined = (view: ScreenView) => texts(view).join('').replace(/\s+/g, '');
const squeeze = (text: string) => text.replace(/\s+/g, '');

describe('declined screen', () => {
  for (const language of LANGUAGES) {
    it(`shows the catalogue's words for every code in ${language}`, () => {
      const { reasons } = messagesFor(language);
      for (const code of [...ERROR_CODES, ...FLOW_NOTICE_CODES]) {
        const entry = reasons[code];
        const expected = typeof entry === 'string' ? entry : entry({});
        const view = render({ id: 'declined', outcome: { code } }, language);
        expect(joined(view), code).toContain(squeeze(expected));
      }
    });
  }

  it('shows a refusal in red under "declined"', () => {
    const view = render({ id: 'declined', outcome: { code: 'INSUFFICIENT_FUNDS' } });
    expect(view.title).toBe('交易失败');
    expect(view.lines.find((line) => line.text === '余额不足')?.color).toBe('red');
    expect(view.tone).toBe('error');
  });

  it('says "outcome unknown" in yellow when nobody knows whether money moved', () => {
    const unknown: Notice[] = [
      { code: 'HOST_TIMEOUT', details: { journalId: 3 } },
      { code: 'HOST_TIMEOUT', details: { resolution: 'pending' } },
      { code: 'PAYMENT_STATE', details: { resolution: 'refused' } },
    ];
    for (const outcome of unknown) {
      const view = render({ id: 'declined', outcome }, 'en');
      expect(view.title).toBe('Outcome unknown');
      expect(view.lines.some((line) => line.color === 'yellow')).toBe(true);
    }
    const undone = render(
      { id: 'declined', outcome: { code: 'HOST_TIMEOUT', details: { resolution: 'reversed' } } },
      'en',
    );
    expect(undone.title).toBe('Declined');
    expect(texts(undone)).toContain('Not completed: undone, nothing charged');
  });

  it('has words even without a reason', () => {
    expect(texts(render({ id: 'declined' }, 'en'))).toContain('The transaction did not go through');
  });
});

describe('locked screen', () => {
  it('shows when the lock ends, in the display time zone', () => {
    const locked: Screen = { id: 'locked', lockedUntil: '2026-01-02T03:30:00.000Z' };
    expect(texts(render(locked))).toContain('2026年1月2日 11:30');
    expect(texts(render(locked, 'en', 'UTC'))).toContain('2 Jan 2026, 03:30');
    expect(texts(render(locked, 'en', 'UTC'))).toContain('Unlocks at');
    const view = render(locked);
    expect(view.title).toBe('账户已锁定');
    expect(view.lines.some((line) => line.color === 'red')).toBe(true);
  });

  it('says to try later when the end is not known or not readable', () => {
    expect(texts(render({ id: 'locked' }, 'en'))).toContain('Please try again later');
    expect(texts(render({ id: 'locked' }, 'en'))).not.toContain('Unlocks at');
    expect(texts(render({ id: 'locked', lockedUntil: 'later' }, 'en'))).toContain(
      'Please try again later',
    );
  });
});

describe('approved screen', () => {
  const approval: Approval = {
    journalId: 1,
    type: 'sale',
    amount: { value: 1_250, currency: 'CNY' },
    trace: '000123',
    authCode: '654321',
    reference: '000000012345',
  };

  it('shows the amount in large green digits and the slip references', () => {
    const view = render({ id: 'approved', approval, printing: false }, 'en');
    expect(view.title).toBe('Sale approved');
    expect(view.tone).toBe('success');
    const lines = texts(view);
    expect(decodeBigDigits(lines.slice(0, 3))).toBe('12.50');
    expect(view.lines.slice(0, 4).every((line) => line.color === 'green')).toBe(true);
    expect(lines.some((line) => /^Trace +000123$/.test(line))).toBe(true);
    expect(lines.some((line) => /^Auth code +654321$/.test(line))).toBe(true);
    expect(lines.some((line) => /^Reference +000000012345$/.test(line))).toBe(true);
    expect(view.hints).toEqual(['OK done']);
  });

  it('says the slip is printing, with no key to press', () => {
    const view = render({ id: 'approved', approval, printing: true });
    expect(texts(view)).toContain('正在打印小票...');
    expect(view.hints).toEqual([]);
  });

  it('says why the slip did not print, and offers to print it again', () => {
    const view = render({
      id: 'approved',
      approval,
      printing: false,
      printError: 'PRINTER_PAPER_OUT',
    });
    expect(texts(view)).toContain('打印机缺纸，请装纸');
    expect(view.lines.find((line) => line.text === '打印机缺纸，请装纸')?.color).toBe('yellow');
    expect(view.hints).toEqual(['OK 重新打印', 'CANCEL 稍后重打']);
    expect(texts(view)).not.toContain('正在打印小票...');
  });

  it('titles voids and refunds, and leaves out references they lack', () => {
    const voided = render(
      {
        id: 'approved',
        approval: { ...approval, type: 'void', authCode: undefined },
        printing: false,
      },
      'en',
    );
    expect(voided.title).toBe('Void approved');
    expect(texts(voided).some((line) => line.startsWith('Auth code'))).toBe(false);
    expect(
      render({ id: 'approved', approval: { ...approval, type: 'refund' }, printing: false }).title,
    ).toBe('退货成功');
  });
});

describe('balance, cancelled and notice screens', () => {
  it('shows the balance in large digits', () => {
    const view = render({ id: 'balance', balance: { value: 12_345_678, currency: 'CNY' } }, 'en');
    expect(decodeBigDigits(texts(view).slice(2, 5))).toBe('123456.78');
    expect(texts(view)).toContain('CNY ¥123,456.78');
  });

  it('says why a transaction was cancelled', () => {
    expect(texts(render({ id: 'cancelled', outcome: { code: 'CODE_TIMED_OUT' } }))).toContain(
      '验证码超时未输入，交易已取消',
    );
    expect(texts(render({ id: 'cancelled', outcome: { code: 'TIMED_OUT' } }, 'en'))).toContain(
      'No key for a while: cancelled',
    );
    expect(texts(render({ id: 'cancelled' }, 'en'))).toContain('The transaction was cancelled');
  });

  it('shows a notice in yellow words', () => {
    const view = render({ id: 'notice', outcome: { code: 'NOTHING_TO_REPRINT' } });
    expect(view.lines.find((line) => line.text === '还没有可以重打的小票')?.color).toBe('yellow');
  });
});
