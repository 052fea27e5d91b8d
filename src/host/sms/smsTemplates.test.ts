import { describe, expect, it } from 'vitest';
import { money } from '../../core/money.js';
import { smsText, type SmsContent } from './smsTemplates.js';

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
