import { hasErrorCode, isPosError } from '../../core/PosError.js';
import type { JournalTxn } from '../journal/journalTypes.js';
import type { EffectDeps } from './EffectDeps.js';

/**
 * What became of a queued reversal: the host `acknowledged` it (or there was nothing to
 * reverse); it is still `pending` (the host could not be reached; it goes again later); or the
 * host `refused` it for good (the batch closed, the sale was voided): an operator must look,
 * since the customer may have been charged for a sale they were told failed.
 */
export type ReversalResult = 'acknowledged' | 'pending' | 'refused';

/**
 * Store and forward: sends every reversal the journal holds until the host acknowledges it.
 * Returns how many are still waiting. Never throws for a host failure: a reversal that cannot
 * go now goes before the next transaction, and settlement waits for it.
 */
export async function sendPendingReversals(deps: EffectDeps): Promise<number> {
  let left = 0;
  for (const entry of deps.journal.openTransactions()) {
    if (entry.state !== 'reversal_pending') continue;
    if ((await sendReversal(deps, entry)) === 'pending') left += 1;
  }
  return left;
}

/** Sends one queued reversal (see {@link ReversalResult}). */
export async function sendReversal(deps: EffectDeps, entry: JournalTxn): Promise<ReversalResult> {
  const reason = entry.reversalReason ?? 'terminal_error';
  try {
    let paymentId = entry.paymentId;
    if (paymentId === undefined) {
      // The reply to the payment request was lost: find the payment by its trace.
      try {
        paymentId = (await deps.host.findPayment(entry.batch, entry.trace)).paymentId;
      } catch (error) {
        if (!hasErrorCode(error, 'PAYMENT_NOT_FOUND')) throw error;
        deps.journal.update(entry.id, { state: 'reversed' });
        deps.logger.info(
          { trace: entry.trace },
          'the host never saw this payment: nothing to reverse',
        );
        return 'acknowledged';
      }
    }
    await deps.host.reverse(paymentId, reason);
    deps.journal.update(entry.id, { state: 'reversed', paymentId });
    deps.logger.info({ trace: entry.trace, reason }, 'reversal acknowledged');
    return 'acknowledged';
  } catch (error) {
    if (isPosError(error) && (error.group === 'state' || error.group === 'input')) {
      // The host will never accept it. Out of the queue, so it does not block every
      // transaction, but reported: the recovery screen and the log name it.
      deps.journal.update(entry.id, { state: 'declined', errorCode: error.code });
      deps.logger.error(
        { trace: entry.trace, batch: entry.batch, code: error.code },
        'reversal refused by the host: an operator must check this payment',
      );
      return 'refused';
    }
    deps.logger.warn({ trace: entry.trace, error }, 'reversal not sent; will retry');
    return 'pending';
  }
}
