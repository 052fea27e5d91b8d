import { PosError } from '../../core/PosError.js';
import type { ReverseReason } from '../../protocol/index.js';
import type { HostContext } from '../HostContext.js';
import { reply } from '../http/replies.js';
import { returnDebit } from '../ledger/returnDebit.js';
import type { StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from '../terminals/AuthenticatedTerminal.js';
import { requireOpenBatch } from '../terminals/openBatch.js';
import { lockPayment } from './lockPayment.js';
import { hasRefunds } from '../refunds/refundedSoFar.js';

/**
 * `POST /v1/payments/{id}/reverse`: undoes a payment whose outcome the terminal could not
 * complete. An approved sale's debit comes back through a `reversal` ledger entry; a sale
 * awaiting its code is cancelled (its queued text too); a declined, expired or balance
 * payment just becomes `reversed`, nothing having moved. Idempotent: an already reversed
 * payment answers the same, even after its batch closed. Otherwise only while the batch is
 * open (`BATCH_CLOSED`); a voided or partly refunded sale is `PAYMENT_STATE` (its money has
 * already gone back, in whole or part).
 */
export async function reversePayment(
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  paymentId: string,
  reason: ReverseReason,
): Promise<StoredReply> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = new Date(ctx.clock.now());
    const payment = await lockPayment(trx, paymentId, terminal.id);
    const done = reply(200, { paymentId: payment.id, status: 'reversed' });
    if (payment.status === 'reversed') return done;
    await requireOpenBatch(trx, terminal.id, payment.batch);
    if (payment.status === 'voided' || (await hasRefunds(trx, payment.id))) {
      throw new PosError('PAYMENT_STATE', 'the payment was voided or refunded');
    }
    if (payment.status === 'approved') {
      await returnDebit(trx, payment, 'reversal', now);
    }
    await trx
      .updateTable('payments')
      .set({ status: 'reversed', updated_at: now })
      .where('id', '=', payment.id)
      .execute();
    await ctx.sms.cancel(trx, { paymentId: payment.id });
    ctx.logger.info({ paymentId: payment.id, from: payment.status, reason }, 'payment reversed');
    return done;
  });
}
