import { formatMoney, type Money } from '../../core/money.js';

/** Languages customers' texts are written in. */
export type SmsLanguage = 'zh-CN' | 'en';

/** What each text needs. Secrets are plain strings here: the texts exist to carry them. */
export type SmsContent =
  | { kind: 'enrollment_pin'; pin: string }
  | {
      kind: 'otp';
      code: string;
      merchantName: string;
      amount: Money;
      validMinutes: number;
      expiresAt: Date;
    }
  | { kind: 'lock_started'; until: Date }
  | { kind: 'lock_ended' };

/**
 * The text sent to the customer's phone. Short enough for one SMS in either language (70
 * UCS-2 characters for Chinese, 160 GSM characters for English) with a merchant name of
 * typical length; the transport splits longer ones.
 */
export function smsText(content: SmsContent, language: SmsLanguage, timeZone: string): string {
  const zh = language === 'zh-CN';
  switch (content.kind) {
    case 'enrollment_pin':
      return zh
        ? `【ComboPay】您的支付密码是${content.pin}，请牢记并妥善保管，切勿告诉他人。`
        : `ComboPay: your payment PIN is ${content.pin}. Keep it secret; never share it.`;
    case 'otp': {
      const amount = formatMoney(content.amount, { style: zh ? 'symbol' : 'code' });
      const until = clockTime(content.expiresAt, timeZone);
      return zh
        ? `【ComboPay】您在${content.merchantName}消费${amount}，动态密码${content.code}，${until}前有效（${content.validMinutes}分钟）。勿告诉他人。`
        : `ComboPay: code ${content.code} to pay ${amount} at ${content.merchantName}. Valid ${content.validMinutes} min, until ${until}. Never share it.`;
    }
    case 'lock_started': {
      const until = dateTime(content.until, timeZone);
      return zh
        ? `【ComboPay】密码连续输错，您的支付账户已锁定至${until}。`
        : `ComboPay: too many wrong tries. Your payment account is locked until ${until}.`;
    }
    case 'lock_ended':
      return zh
        ? '【ComboPay】您的支付账户已解锁，可以正常使用。'
        : 'ComboPay: your payment account is unlocked and ready to use.';
  }
}

function parts(date: Date, timeZone: string): Record<string, string> {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
}

/** `14:35` in the given zone. */
function clockTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.hour ?? ''}:${p.minute ?? ''}`;
}

/** `2026-11-24 14:35` in the given zone. */
function dateTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.year ?? ''}-${p.month ?? ''}-${p.day ?? ''} ${clockTime(date, timeZone)}`;
}
