import { money } from '../../core/money.js';
import { PosError } from '../../core/PosError.js';
import { lockedUntil } from '../accounts/lockout.js';
import type { HostContext } from '../HostContext.js';
import { reply } from '../http/replies.js';
import type { Payment, StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from '../terminals/AuthenticatedTerminal.js';
import { lockAccount, lockPayment } from './lockPayment.js';
import { otpInfo } from './paymentViews.js';
import { queueCodeSms } from './queueCodeSms.js';

/**
 * `POST /v1/payments/{id}/resend-otp`: a new code replaces the old one, keeping the failures
 * so far. At most `maxResends` per payment, `resendCooldownSeconds` apart (`RESEND_LIMIT`,
 * `RESEND_TOO_SOON` with `retryAfter`). A retried resend whose reply was lost lands inside the
 * cooldown and sends nothing more.
 *
 * If no transport accepts the new code within the budget, the old code is put back (it is
 * the one the customer has) and the reply is `SMS_UNAVAILABLE`; the resend is not used up.
 */
export async function resendOtp(
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  paymentId: string,
): Promise<StoredReply> {
  const prepared = await ctx.db.transaction().execute(async (trx) => {
    const now = new Date(ctx.clock.now());
    const payment = await lockPayment(trx, paymentId, terminal.id);
    if (payment.type !== 'sale')
      throw new PosError('PAYMENT_STATE', 'a balance inquiry takes no code');
    const account = await lockAccount(trx, payment.account_id);
    const until = lockedUntil(account, now);
    if (until) {
      throw new PosError('ACCOUNT_LOCKED', 'the account is locked', {
        details: { lockedUntil: until.toISOString() },
      });
    }
    if (payment.status !== 'otp_sent' || (payment.otp_expires_at ?? now) <= now) {
      throw new PosError('PAYMENT_STATE', 'the payment is not awaiting a code');
    }
    if (payment.otp_resends >= ctx.policy.maxResends) {
      throw new PosError('RESEND_LIMIT', 'no more resends for this payment');
    }
    const waitMs =
      (payment.otp_sent_at?.getTime() ?? 0) +
      ctx.policy.resendCooldownSeconds * 1000 -
      now.getTime();
    if (waitMs > 0) {
      throw new PosError('RESEND_TOO_SOON', 'the code was sent moments ago', {
        details: { retryAfter: Math.ceil(waitMs / 1000) },
      });
    }
    const generation = payment.otp_resends + 1;
    const code = ctx.random.otp();
    const expiresAt = new Date(now.getTime() + ctx.policy.otpTtlSeconds * 1000);
    const updated = await trx
      .updateTable('payments')
      .set({
        otp_hash: ctx.crypto.hashOtp(payment.id, generation, code),
        otp_expires_at: expiresAt,
        otp_sent_at: now,
        otp_resends: generation,
        otp_wrong_hashes: [],
        updated_at: now,
      })
      .where('id', '=', payment.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await ctx.sms.cancel(trx, { paymentId: payment.id });
    const smsId = await queueCodeSms(trx, ctx, {
      msisdn: account.msisdn,
      paymentId: payment.id,
      merchantName: terminal.merchantName,
      amount: money(payment.amount_value ?? 0, payment.currency ?? ''),
      code,
      expiresAt,
    });
    return { before: payment, after: updated, smsId, info: otpInfo(updated, account, ctx.policy) };
  });
  if (await ctx.sms.deliverNow(prepared.smsId, ctx.policy.smsBudgetMs)) {
    return reply(200, { paymentId, otp: prepared.info });
  }
  await restoreCode(ctx, prepared.before, prepared.after);
  await ctx.sms.cancel(ctx.db, { id: prepared.smsId });
  throw new PosError(
    'SMS_UNAVAILABLE',
    'the new code could not be sent; the last code still stands',
  );
}

/** Puts the previous code back, unless something changed the payment meanwhile. */
async function restoreCode(ctx: HostContext, before: Payment, after: Payment): Promise<void> {
  await ctx.db
    .updateTable('payments')
    .set({
      otp_hash: before.otp_hash,
      otp_expires_at: before.otp_expires_at,
      otp_sent_at: before.otp_sent_at,
      otp_resends: before.otp_resends,
      otp_wrong_hashes: before.otp_wrong_hashes,
      updated_at: new Date(ctx.clock.now()),
    })
    .where('id', '=', before.id)
    .where('otp_hash', '=', after.otp_hash)
    .execute();
}
