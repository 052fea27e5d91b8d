import { describe, expect, it } from 'vitest';
import { wrapToWidth } from '../../src/core/displayWidth.js';
import { ERROR_CODES } from '../../src/core/errorCodes.js';
import type { Notice } from '../../src/terminal/flow/flowTypes.js';
import type { Language } from '../Language.js';
import { FLOW_NOTICE_CODES, SAMPLE_DETAILS } from '../screens/sampleScreens.js';
import { messagesFor } from './messagesFor.js';
import { reasonText } from './reasonText.js';

// FLOW_NOTICE_CODES is FLOW_NOTICES written out as a Record over the flow's FlowNoticeCode type:
// a ui test may not import the flow's values (combopay/import-boundaries), and the compiler
// rejects the Record if a code is missing or extra.
const ALL_CODES: readonly string[] = [...ERROR_CODES, ...FLOW_NOTICE_CODES];
const HAN = /\p{Script=Han}/u;
const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];
const UTC = { timeZone: 'UTC' };

const text = (language: Language, notice: Notice) => reasonText(notice, { language, ...UTC });

describe('reasonText: every code has its own words in both languages', () => {
  it('covers the flow notices the flow raises', () => {
    expect(FLOW_NOTICE_CODES).toContain('AMOUNT_OVER_LIMIT');
    expect(FLOW_NOTICE_CODES).toContain('SUPERVISOR_LOCKED_OUT');
    expect(FLOW_NOTICE_CODES.length).toBe(13);
  });

  for (const details of [undefined, SAMPLE_DETAILS]) {
    const withDetails = details === undefined ? 'without details' : 'with every detail';
    for (const code of ALL_CODES) {
      it(`${code} ${withDetails}`, () => {
        const zh = text('zh-CN', { code, details });
        const en = text('en', { code, details });
        // Not the generic sentence for codes the catalogue does not know.
        expect(zh).not.toBe(messagesFor('zh-CN').unknownReason(code));
        expect(en).not.toBe(messagesFor('en').unknownReason(code));
        for (const words of [zh, en]) {
          expect(words).not.toContain(code);
          expect(words).not.toMatch(/undefined|NaN|\[object/);
          expect(words.trim()).not.toBe('');
          // Two lines of a 40-column display with a column of margin each side.
          expect(wrapToWidth(words, 38).length).toBeLessThanOrEqual(2);
        }
        expect(zh).toMatch(HAN);
        expect(en).not.toMatch(HAN);
        expect(zh).not.toBe(en);
      });
    }
  }

  for (const language of LANGUAGES) {
    it(`gives each code a different text in ${language}`, () => {
      for (const details of [undefined, SAMPLE_DETAILS]) {
        const texts = ALL_CODES.map((code) => text(language, { code, details }));
        expect(new Set(texts).size).toBe(ALL_CODES.length);
      }
    });
  }
});

describe('reasonText: details put into words', () => {
  it('says how many tries are left after a wrong PIN, code or password', () => {
    const left = (code: string, attemptsLeft: number) => ({ code, details: { attemptsLeft } });
    expect(text('zh-CN', left('PIN_INCORRECT', 2))).toBe('密码错误，还可输入 2 次');
    expect(text('en', left('PIN_INCORRECT', 2))).toBe('Wrong PIN, 2 tries left');
    expect(text('en', left('PIN_INCORRECT', 1))).toBe('Wrong PIN, 1 try left');
    expect(text('en', left('PIN_INCORRECT', 0))).toBe('Wrong PIN, no tries left');
    expect(text('zh-CN', left('OTP_INCORRECT', 1))).toBe('验证码错误，还可输入 1 次');
    expect(text('en', left('OTP_INCORRECT', 3))).toBe('Wrong code, 3 tries left');
    expect(text('zh-CN', left('SUPERVISOR_PASSWORD_WRONG', 2))).toBe('主管密码错误，还可输入 2 次');
  });

  it('leaves out a count that is missing or not a count', () => {
    expect(text('zh-CN', { code: 'PIN_INCORRECT' })).toBe('密码错误');
    expect(text('en', { code: 'PIN_INCORRECT', details: { attemptsLeft: '2' } })).toBe('Wrong PIN');
    expect(text('en', { code: 'PIN_INCORRECT', details: { attemptsLeft: -1 } })).toBe('Wrong PIN');
    expect(text('en', { code: 'PIN_INCORRECT', details: { attemptsLeft: 1.5 } })).toBe('Wrong PIN');
  });

  it('says when a lock ends, in the given time zone', () => {
    const locked = { code: 'ACCOUNT_LOCKED', details: { lockedUntil: '2026-01-02T03:30:00Z' } };
    expect(reasonText(locked, { language: 'zh-CN', timeZone: 'Asia/Shanghai' })).toBe(
      '账户已锁定，2026年1月2日 11:30 解锁',
    );
    expect(reasonText(locked, { language: 'en', timeZone: 'UTC' })).toBe(
      'Account locked until 2 Jan 2026, 03:30',
    );
    const unreadable = { code: 'ACCOUNT_LOCKED', details: { lockedUntil: 'soon' } };
    expect(text('en', unreadable)).toBe('Account locked. Try again later.');
  });

  it('says how long to wait before another code can be sent', () => {
    const tooSoon = { code: 'RESEND_TOO_SOON', details: { retryAfter: 30 } };
    expect(text('zh-CN', tooSoon)).toBe('请 30 秒后再重发验证码');
    expect(text('en', tooSoon)).toBe('Wait 30 s before asking for a new code');
  });

  it('names the limit an amount went over', () => {
    const over = {
      code: 'AMOUNT_OVER_LIMIT',
      details: { limit: { value: 5_000_000, currency: 'CNY' } },
    };
    expect(text('zh-CN', over)).toBe('金额超过上限 ¥50,000.00');
    expect(text('en', over)).toBe('Amount over the limit of ¥50,000.00');
    const odd = { code: 'AMOUNT_OVER_LIMIT', details: { limit: { value: 5, currency: 'XXX' } } };
    expect(text('en', odd)).toBe('Amount over the limit');
  });

  it('counts the transactions still waiting for the host', () => {
    expect(text('zh-CN', { code: 'PENDING_WORK', details: { pendingLeft: 2 } })).toBe(
      '还有 2 笔交易待主机确认，请稍后再试',
    );
    expect(text('en', { code: 'PENDING_WORK', details: { pendingLeft: 1 } })).toBe(
      '1 transaction waits for the host. Try later.',
    );
  });
});

describe('reasonText: unknown outcomes', () => {
  it('warns not to repeat a void or refund whose outcome is unknown', () => {
    const timeout = { code: 'HOST_TIMEOUT', details: { journalId: 4 } };
    expect(text('zh-CN', timeout)).toContain('请勿重复交易');
    expect(text('en', timeout)).toContain('do not repeat');
  });

  it('says what became of it once the status inquiry settled it', () => {
    const settled = (resolution: string) => ({ code: 'HOST_TIMEOUT', details: { resolution } });
    expect(text('zh-CN', settled('reversed'))).toBe('交易未完成，已撤销，没有扣款');
    expect(text('en', settled('reversed'))).toBe('Not completed: undone, nothing charged');
    expect(text('zh-CN', settled('pending'))).toContain('请勿重复交易');
    expect(text('en', settled('refused'))).toContain('check if the customer was charged');
    expect(text('zh-CN', { code: 'PAYMENT_STATE', details: { resolution: 'refused' } })).toBe(
      '主机拒绝撤销，请核实顾客是否已扣款',
    );
  });

  it('gives a decline found by the inquiry its own reason', () => {
    const declined = { code: 'INSUFFICIENT_FUNDS', details: { resolution: 'declined' } };
    expect(text('zh-CN', declined)).toBe('余额不足');
  });
});

describe('reasonText: codes the catalogue does not know', () => {
  it('still says something, naming the code for support', () => {
    expect(text('zh-CN', { code: 'NEW_HOST_CODE' })).toBe('出错了（代码 NEW_HOST_CODE）');
    expect(text('en', { code: 'NEW_HOST_CODE' })).toBe('Error (code NEW_HOST_CODE)');
    // Inherited object keys are not catalogue entries.
    expect(text('en', { code: 'constructor' })).toBe('Error (code constructor)');
  });
});
