import { PosError } from '../../core/PosError.js';
import type { HostContext } from '../HostContext.js';
import { reply } from '../http/replies.js';
import { returnDebit } from '../ledger/returnDebit.js';
import type { StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from '../terminals/AuthenticatedTerminal.js';
import { requireOpenBatch } from '../terminals/openBatch.js';
import { hasRefunds } from '../refunds/refundedSoFar.js';
import { lockPayment } from './lockPayment.js';

/**
 * `POST /v1/payments/{id}/void`: the cashier cancels an approved sale of the open batch (the
 * terminal asked for the supervisor password). The debit comes back through a `void` ledger
 * entry. Idempotent: a voided sale answers the same. A sale with refunds, or anything not an
 * approved sale, is `PAYMENT_STATE`; a sale of a closed batch is `BATCH_CLOSED` (refund it).
 */
export async function voidPayment(
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  paymentId: string,
): Promise<StoredReply> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = new Date(ctx.clock.now());
    const payment = await lockPayment(trx, paymentId, terminal.id);
    const done = reply(200, { paymentId: payment.id, status: 'voided' });
    if (payment.status === 'voided') return done;
    if (payment.type !== 'sale' || payment.status !== 'approved') {
      throw new PosError('PAYMENT_STATE', `a ${payment.status} payment cannot be voided`);
    }
    await requireOpenBatch(trx, terminal.id, payment.batch);
    if (await hasRefunds(trx, payment.id)) {
      throw new PosError('PAYMENT_STATE', 'the sale has refunds and cannot be voided');
    }
    await returnDebit(trx, payment, 'void', now);
    await trx
      .updateTable('payments')
      .set({ status: 'voided', updated_at: now })
      .where('id', '=', payment.id)
      .execute();
    ctx.logger.info({ paymentId: payment.id }, 'payment voided');
    return done;
  });
}
