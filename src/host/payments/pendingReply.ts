import type { HostContext } from '../HostContext.js';
import { declineReply } from '../http/replies.js';
import type { StoredReply } from '../store/schema.js';
import { otpInfo } from './paymentViews.js';

/**
 * Settles a sale whose code was queued: with `sent` (the 201 reply) when a transport accepted
 * the SMS, otherwise as declined with `SMS_UNAVAILABLE` (nothing was debited, the queued text
 * is cancelled). Conditional on the reply still being empty, so a late call never overwrites a
 * settled outcome; returns whichever reply the row ends up holding.
 */
export async function settleStaleReply(
  ctx: HostContext,
  paymentId: string,
  sent: StoredReply | undefined,
): Promise<StoredReply> {
  const now = new Date(ctx.clock.now());
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('payments')
      .select(['reply', 'status'])
      .where('id', '=', paymentId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.reply !== null) return row.reply;
    if (sent) {
      await trx
        .updateTable('payments')
        .set({ reply: JSON.stringify(sent), updated_at: now })
        .where('id', '=', paymentId)
        .execute();
      return sent;
    }
    const failed = declineReply(
      'SMS_UNAVAILABLE',
      'the code could not be sent; nothing was debited',
    );
    await trx
      .updateTable('payments')
      .set({
        reply: JSON.stringify(failed),
        status: 'declined',
        decline_code: 'SMS_UNAVAILABLE',
        updated_at: now,
      })
      .where('id', '=', paymentId)
      .execute();
    await ctx.sms.cancel(trx, { paymentId });
    ctx.logger.warn({ paymentId }, 'no SMS transport accepted the code: payment declined');
    return failed;
  });
}

/**
 * The reply of a payment whose first request is still handing its code to the SMS transport:
 * polls until it is stored, and settles it as failed once the budget (plus a margin for the
 * first request's own bookkeeping) has passed, which also covers a host that died meanwhile.
 */
export async function waitForReply(ctx: HostContext, paymentId: string): Promise<StoredReply> {
  const deadline = Date.now() + ctx.policy.smsBudgetMs + 2_000;
  for (;;) {
    const row = await ctx.db
      .selectFrom('payments')
      .select(['reply', 'created_at'])
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
    if (row.reply !== null) return row.reply;
    const ageMs = ctx.clock.now() - row.created_at.getTime();
    if (Date.now() >= deadline || ageMs > ctx.policy.smsBudgetMs + 2_000) {
      return settleStaleReply(ctx, paymentId, await acceptedReply(ctx, paymentId));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** For a payment left without a reply: its 201 reply if the code's SMS was in fact accepted. */
async function acceptedReply(
  ctx: HostContext,
  paymentId: string,
): Promise<StoredReply | undefined> {
  const sms = await ctx.db
    .selectFrom('sms_messages')
    .select('status')
    .where('payment_id', '=', paymentId)
    .where('kind', '=', 'otp')
    .where('status', 'in', ['accepted', 'delivered'])
    .executeTakeFirst();
  if (!sms) return undefined;
  const payment = await ctx.db
    .selectFrom('payments')
    .selectAll()
    .where('id', '=', paymentId)
    .executeTakeFirstOrThrow();
  const account =
    payment.account_id === null
      ? undefined
      : await ctx.db
          .selectFrom('accounts')
          .selectAll()
          .where('id', '=', payment.account_id)
          .executeTakeFirst();
  if (!account) return undefined;
  return {
    status: 201,
    body: { paymentId, status: 'otp_sent', otp: otpInfo(payment, account, ctx.policy) },
  };
}
