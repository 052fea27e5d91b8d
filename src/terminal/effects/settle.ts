import { PosError } from '../../core/PosError.js';
import type { Figures, SettlementOutcome } from '../flow/flowTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { recover } from './recover.js';
import { finishPendingSettlement, sendSettlement } from './sendSettlement.js';

/** The `previewSettlement` actor: the terminal's own figures for the open batch. */
export function previewSettlement(deps: EffectDeps): Promise<Figures> {
  return Promise.resolve(deps.journal.batchFigures(deps.session.require().batch, deps.currency));
}

/**
 * The `settle` actor (batch close): first resolves every open entry and sends queued
 * reversals (so both sides count the same transactions), and refuses with `PENDING_WORK`
 * while any stays open (the host unreachable). Then it journals the figures it is about to
 * send, sends them, records the host's verdict and moves to the next batch, and prints the
 * report. An unknown outcome leaves the settlement pending in the journal; it is finished (the
 * same figures sent again, the host replays its verdict) before the next transaction or at the
 * next start. A report that does not print does not undo the settlement.
 */
export async function settle(deps: EffectDeps): Promise<SettlementOutcome> {
  const earlier = await finishPendingSettlement(deps);
  if (earlier) return earlier;
  const recovered = await recover(deps);
  if (recovered.pendingLeft > 0) {
    // Closing the batch now would count a sale the terminal is still reversing, and the
    // reversal would then be refused (BATCH_CLOSED): the customer would stay charged.
    throw new PosError('PENDING_WORK', 'transactions of this batch are still open', {
      details: { pendingLeft: recovered.pendingLeft },
    });
  }
  const batch = deps.session.require().batch;
  const pending = { batch, terminal: deps.journal.batchFigures(batch, deps.currency) };
  deps.journal.beginSettlement(pending);
  return sendSettlement(deps, pending);
}
