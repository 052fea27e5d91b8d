import { isoNow } from '../../core/clock.js';
import { isPosError, PosError } from '../../core/PosError.js';
import type { Figures, SettlementOutcome } from '../flow/flowTypes.js';
import type { PendingSettlement } from '../journal/journalTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { toMoney } from './toMoney.js';

/**
 * Finishes a settlement sent earlier whose verdict never arrived (a lost reply, a crash): the
 * same figures go again, and the host replays its verdict. Returns it, or undefined when none
 * was pending. A host that cannot be reached leaves it pending (`PENDING_WORK` is thrown, so
 * nothing new starts in a batch that may be closed); a refusal for good drops it (logged: an
 * operator settles that batch on the host).
 */
export async function finishPendingSettlement(
  deps: EffectDeps,
): Promise<SettlementOutcome | undefined> {
  const pending = deps.journal.pendingSettlement();
  if (!pending) return undefined;
  try {
    return await sendSettlement(deps, pending);
  } catch (error) {
    if (isPosError(error) && (error.group === 'state' || error.group === 'input')) {
      deps.journal.dropPendingSettlement();
      deps.logger.error(
        { batch: pending.batch, code: error.code },
        'a pending settlement was refused by the host: settle this batch on the host',
      );
      return undefined;
    }
    throw new PosError('PENDING_WORK', `the settlement of batch ${pending.batch} is unanswered`, {
      details: { batch: pending.batch },
      cause: error,
    });
  }
}

/** Sends the journalled figures, records the verdict, moves to the next batch, prints. */
export async function sendSettlement(
  deps: EffectDeps,
  pending: PendingSettlement,
): Promise<SettlementOutcome> {
  const { batch, terminal } = pending;
  const reply = await deps.host.settle(batch, {
    counts: terminal.counts,
    totals: {
      sale: { value: terminal.totals.sale.value, currency: terminal.totals.sale.currency },
      refund: { value: terminal.totals.refund.value, currency: terminal.totals.refund.currency },
    },
  });
  const host: Figures = {
    counts: reply.host.counts,
    totals: { sale: toMoney(reply.host.totals.sale), refund: toMoney(reply.host.totals.refund) },
  };
  deps.journal.recordSettlement({
    batch,
    result: reply.result,
    terminal,
    host,
    nextBatch: reply.nextBatch,
  });
  deps.session.useBatch(reply.nextBatch);
  deps.logger.info({ batch, result: reply.result, nextBatch: reply.nextBatch }, 'batch settled');
  const outcome = { batch, result: reply.result, terminal, host, nextBatch: reply.nextBatch };
  await printReport(deps, outcome);
  return outcome;
}

async function printReport(deps: EffectDeps, outcome: SettlementOutcome): Promise<void> {
  const session = deps.session.require();
  try {
    await deps.printer.print({
      kind: 'settlement-report',
      language: deps.language,
      merchant: session.merchant,
      terminalId: session.terminalId,
      batch: outcome.batch,
      time: isoNow(deps.clock),
      result: outcome.result,
      terminal: outcome.terminal,
      host: outcome.host,
    });
  } catch (error) {
    deps.logger.warn({ batch: outcome.batch, error }, 'settlement report not printed');
  }
}
