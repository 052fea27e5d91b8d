import { PosError } from '../../core/PosError.js';
import type { HostContext } from '../HostContext.js';
import { reply } from '../http/replies.js';
import type { StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from '../terminals/AuthenticatedTerminal.js';
import { paymentStatusView } from './paymentViews.js';

/**
 * `GET /v1/payments/{id}` and `GET /v1/payments?batch=…&trace=…`: the status inquiry a
 * terminal makes when it does not know an outcome. Only the terminal that made the payment
 * sees it; for any other it is `PAYMENT_NOT_FOUND`. Reads only.
 */
export async function paymentStatus(
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  key: { paymentId: string } | { batch: string; trace: string },
): Promise<StoredReply> {
  let query = ctx.db.selectFrom('payments').selectAll().where('terminal_id', '=', terminal.id);
  query =
    'paymentId' in key
      ? query.where('id', '=', key.paymentId)
      : query.where('batch', '=', key.batch).where('trace', '=', key.trace);
  const payment = await query.executeTakeFirst();
  if (!payment || payment.status === 'pending') {
    throw new PosError('PAYMENT_NOT_FOUND', 'no such payment for this terminal');
  }
  return reply(200, { ...paymentStatusView(payment, new Date(ctx.clock.now())) });
}
