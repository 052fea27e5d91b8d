import type { Kysely } from 'kysely';
import type { Money } from '../../core/money.js';
import type { Secret } from '../../core/Secret.js';
import type { HostContext } from '../HostContext.js';
import { smsText } from '../sms/smsTemplates.js';
import type { Database } from '../store/schema.js';

/**
 * Queues the text carrying a payment's one-time code (merchant, amount, expiry), in the
 * caller's transaction, for the caller to deliver with `ctx.sms.deliverNow` after commit.
 * Returns the message id.
 */
export function queueCodeSms(
  trx: Kysely<Database>,
  ctx: HostContext,
  sms: {
    msisdn: string;
    paymentId: string;
    merchantName: string;
    amount: Money;
    code: Secret;
    expiresAt: Date;
  },
): Promise<string> {
  return ctx.sms.enqueue(trx, {
    msisdn: sms.msisdn,
    kind: 'otp',
    paymentId: sms.paymentId,
    expiresAt: sms.expiresAt,
    driven: true,
    text: smsText(
      {
        kind: 'otp',
        code: sms.code.reveal(),
        merchantName: sms.merchantName,
        amount: sms.amount,
        validMinutes: Math.ceil(ctx.policy.otpTtlSeconds / 60),
        expiresAt: sms.expiresAt,
      },
      ctx.policy.smsLanguage,
      ctx.policy.smsTimeZone,
    ),
  });
}
