import { hasErrorCode, isPosError } from '../../core/PosError.js';
import type { JournalTxn } from '../journal/journalTypes.js';
import type { EffectDeps } from './EffectDeps.js';

/**
 * Store and forward: sends every reversal the journal holds until the host acknowledges it.
 * Returns how many are still waiting (the host could not be reached). Never throws for a host
 * failure: a reversal that cannot go now goes before the next transaction.
 */
export async function sendPendingReversals(deps: EffectDeps): Promise<number> {
  let left = 0;
  for (const entry of deps.journal.openTransactions()) {
    if (entry.state !== 'reversal_pending') continue;
    if (!(await sendReversal(deps, entry))) left += 1;
  }
  return left;
}

/**
 * Sends one queued reversal. True when the host acknowledged it (or there was nothing to
 * reverse); false when it must be tried again later.
 */
export async function sendReversal(deps: EffectDeps, entry: JournalTxn): Promise<boolean> {
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
        return true;
      }
    }
    await deps.host.reverse(paymentId, reason);
    deps.journal.update(entry.id, { state: 'reversed', paymentId });
    deps.logger.info({ trace: entry.trace, reason }, 'reversal acknowledged');
    return true;
  } catch (error) {
    if (isPosError(error) && (error.group === 'state' || error.group === 'input')) {
      // The host will never accept it (batch closed, or not reversible): an operator must
      // look; keep it out of the queue so it does not block every transaction.
      deps.journal.update(entry.id, { state: 'declined', errorCode: error.code });
      deps.logger.error(
        { trace: entry.trace, code: error.code },
        'reversal refused by the host: needs an operator',
      );
      return true;
    }
    deps.logger.warn({ trace: entry.trace, error }, 'reversal not sent; will retry');
    return false;
  }
}
