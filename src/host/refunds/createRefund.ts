import { PosError } from '../../core/PosError.js';
import type { RefundRequest } from '../../protocol/index.js';
import { newId } from '../crypto/generators.js';
import type { HostContext } from '../HostContext.js';
import { reply, requestHash } from '../http/replies.js';
import { nextReference } from '../ledger/nextReference.js';
import { postEntry } from '../ledger/postEntry.js';
import { lockAccount } from '../payments/lockPayment.js';
import { retryOnUniqueViolation } from '../store/retryOnUniqueViolation.js';
import type { StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from '../terminals/AuthenticatedTerminal.js';
import { requireOpenBatch } from '../terminals/openBatch.js';
import { refundedSoFar } from './refundedSoFar.js';

/**
 * `POST /v1/refunds`: returns money from an approved sale of the same merchant (any batch,
 * any of its terminals), in part or whole, through a `refund` ledger entry. The refunds of
 * one sale never add up to more than its amount (`PAYMENT_STATE` with `refundable`).
 * Idempotent on `(terminal, batch, trace)`: the same request replays the first reply, other
 * content is `IDEMPOTENCY_CONFLICT`. The sale's row lock serialises refunds of one sale.
 */
export async function createRefund(
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  request: RefundRequest,
): Promise<StoredReply> {
  const hash = requestHash(request);
  return retryOnUniqueViolation(() =>
    ctx.db.transaction().execute(async (trx) => {
      const now = new Date(ctx.clock.now());
      const replay = async (): Promise<StoredReply | undefined> => {
        const existing = await trx
          .selectFrom('refunds')
          .select(['request_hash', 'reply'])
          .where('terminal_id', '=', terminal.id)
          .where('batch', '=', request.batch)
          .where('trace', '=', request.trace)
          .executeTakeFirst();
        if (existing && existing.request_hash !== hash) {
          throw new PosError(
            'IDEMPOTENCY_CONFLICT',
            'this batch and trace were used for another request',
          );
        }
        return existing?.reply;
      };
      const first = await replay();
      if (first) return first;
      await requireOpenBatch(trx, terminal.id, request.batch);
      const sale = await trx
        .selectFrom('payments')
        .selectAll()
        .where('reference', '=', request.originalReference)
        .where('merchant_id', '=', terminal.merchantId)
        .forUpdate()
        .executeTakeFirst();
      if (!sale)
        throw new PosError('PAYMENT_NOT_FOUND', 'no sale with that reference for this merchant');
      // A copy of this request may have committed while this one waited for the sale's lock.
      const raced = await replay();
      if (raced) return raced;
      if (sale.type !== 'sale' || sale.status !== 'approved') {
        throw new PosError('PAYMENT_STATE', `a ${sale.status} payment cannot be refunded`);
      }
      if (request.amount.currency !== sale.currency) {
        throw new PosError('VALIDATION_FAILED', 'the refund is not in the sale currency', {
          details: {
            details: [{ field: 'amount.currency', problem: `must be ${sale.currency ?? ''}` }],
          },
        });
      }
      const refundable = (sale.amount_value ?? 0) - (await refundedSoFar(trx, sale.id));
      if (request.amount.value > refundable) {
        throw new PosError('PAYMENT_STATE', 'the refund is more than is left of the sale', {
          details: { refundable: { value: refundable, currency: sale.currency } },
        });
      }
      const account = await lockAccount(trx, sale.account_id);
      const refundId = newId('R');
      const reference = await nextReference(trx);
      const result = reply(201, { refundId, status: 'refunded', reference });
      await trx
        .insertInto('refunds')
        .values({
          id: refundId,
          terminal_id: terminal.id,
          merchant_id: terminal.merchantId,
          batch: request.batch,
          trace: request.trace,
          request_hash: hash,
          payment_id: sale.id,
          amount_value: request.amount.value,
          currency: request.amount.currency,
          reference,
          reply: JSON.stringify(result),
          created_at: now,
        })
        .execute();
      await postEntry(trx, {
        accountId: account.id,
        balanceBefore: account.balance,
        kind: 'refund',
        amount: request.amount.value,
        refundId,
        at: now,
      });
      ctx.logger.info(
        { refundId, paymentId: sale.id, amount: request.amount.value },
        'refund made',
      );
      return result;
    }),
  );
}
