import { describe, expect, it } from 'vitest';
import { money } from '../../core/money.js';
import { smsText, type SmsContent, type SmsLanguage } from './smsTemplates.js';

const expiresAt = new Date(Date.UTC(2026, 10, 23, 6, 35));
const otp: SmsContent = {
  kind: 'otp',
  code: '582037',
  merchantName: '星巴克',
  amount: money(1250, 'CNY'),
  validMinutes: 5,
  expiresAt,
};

describe('customer texts', () => {
  it('name the merchant, the amount, the code and the expiry, in Chinese by default zone', () => {
    const text = smsText(otp, 'zh-CN', 'Asia/Shanghai');
    expect(text).toContain('星巴克');
    expect(text).toContain('¥12.50');
    expect(text).toContain('582037');
    expect(text).toContain('14:35前有效');
    expect(text).toContain('5分钟');
    expect(text.length).toBeLessThanOrEqual(70);
  });

  it('and in English when configured', () => {
    const text = smsText({ ...otp, merchantName: 'Starbucks' }, 'en', 'Asia/Shanghai');
    expect(text).toBe(
      'ComboPay: code 582037 to pay CNY 12.50 at Starbucks. Valid 5 min, until 14:35. Never share it.',
    );
    expect(text.length).toBeLessThanOrEqual(160);
  });

  it('carry the PIN at enrollment and the lock times, in each language', () => {
    expect(smsText({ kind: 'enrollment_pin', pin: '739146' }, 'zh-CN', 'UTC')).toContain('739146');
    expect(smsText({ kind: 'enrollment_pin', pin: '739146' }, 'en', 'UTC')).toContain(
      'PIN is 739146',
    );
    const until = new Date(Date.UTC(2026, 10, 24, 8, 0));
    expect(smsText({ kind: 'lock_started', until }, 'zh-CN', 'Asia/Shanghai')).toContain(
      '2026-11-24 16:00',
    );
    expect(smsText({ kind: 'lock_started', until }, 'en', 'UTC')).toContain(
      'locked until 2026-11-24 08:00',
    );
    expect(smsText({ kind: 'lock_ended' }, 'en', 'UTC')).toContain('unlocked');
  });
});

/** GSM 03.38's default alphabet; the extension table's characters take two septets. */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

/**
 * How a phone network carries `text`: GSM 7-bit when every character is in the alphabet
 * (160 septets in one SMS, 153 per part of a long one), else UCS-2 (70 units, 67 per part).
 */
function smsParts(text: string): { coding: 'gsm7' | 'ucs2'; parts: number } {
  let septets = 0;
  for (const char of text) {
    if (GSM7_BASIC.includes(char)) septets += 1;
    else if (GSM7_EXTENSION.includes(char)) septets += 2;
    else {
      const units = text.length; // UTF-16 code units, as UCS-2 counts them
      return { coding: 'ucs2', parts: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { coding: 'gsm7', parts: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

describe('every customer text with realistic values', () => {
  const until = new Date(Date.UTC(2026, 10, 24, 8, 0));
  const otpWith = (merchantName: string, minor: number): SmsContent => ({
    ...otp,
    merchantName,
    amount: money(minor, 'CNY'),
    validMinutes: 5,
  });
  const typical: Record<SmsLanguage, SmsContent[]> = {
    'zh-CN': [
      { kind: 'enrollment_pin', pin: '739146' },
      otpWith('星巴克', 1250),
      // A branch name of 13 characters and a seven-figure amount still fit.
      otpWith('麦当劳北京王府井大街旗舰店', 99_999_999),
      { kind: 'lock_started', until },
      { kind: 'lock_ended' },
    ],
    en: [
      { kind: 'enrollment_pin', pin: '739146' },
      otpWith('Starbucks', 1250),
      otpWith('Starbucks Reserve Roastery Shanghai', 99_999_999),
      { kind: 'lock_started', until },
      { kind: 'lock_ended' },
    ],
  };

  for (const language of ['zh-CN', 'en'] as const) {
    it(`fits one SMS in ${language}`, () => {
      for (const content of typical[language]) {
        const text = smsText(content, language, 'Asia/Shanghai');
        expect({ kind: content.kind, ...smsParts(text) }).toEqual({
          kind: content.kind,
          coding: language === 'en' ? 'gsm7' : 'ucs2',
          parts: 1,
        });
      }
    });
  }

  it('keeps a code text whole when the merchant’s name pushes it past one SMS', () => {
    // A Latin name in a Chinese text, a Chinese name in an English one (which makes it UCS-2).
    const cases = [
      { language: 'zh-CN', name: 'Starbucks Reserve Roastery Shanghai' },
      { language: 'en', name: '星巴克（国贸三期店）' },
    ] as const;
    for (const { language, name } of cases) {
      const text = smsText(otpWith(name, 1250), language, 'Asia/Shanghai');
      expect(smsParts(text)).toEqual({ coding: 'ucs2', parts: 2 });
      // Nothing is cut to make it fit: the transport splits it into concatenated parts.
      expect(text).toContain(name);
      expect(text).toContain('582037');
      expect(text).toMatch(/Never share it\.$|勿告诉他人。$/);
    }
  });
});
