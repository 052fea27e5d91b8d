import { isoNow } from '../../core/clock.js';
import type { Figures, SettlementOutcome } from '../flow/flowTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { toMoney } from './authorize.js';
import { recover } from './recover.js';

/** The `previewSettlement` actor: the terminal's own figures for the open batch. */
export function previewSettlement(deps: EffectDeps): Promise<Figures> {
  return Promise.resolve(deps.journal.batchFigures(deps.session.require().batch, deps.currency));
}

/**
 * The `settle` actor (batch close): first resolves every open entry and sends queued
 * reversals (so both sides count the same transactions), then sends the journal's figures,
 * records the host's verdict and moves to the next batch, and prints the report. A report that
 * does not print does not undo the settlement (the verdict is on screen and in the journal).
 */
export async function settle(deps: EffectDeps): Promise<SettlementOutcome> {
  await recover(deps);
  const batch = deps.session.require().batch;
  const terminal = deps.journal.batchFigures(batch, deps.currency);
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
  const session = deps.session.require();
  try {
    await deps.printer.print({
      kind: 'settlement-report',
      language: deps.language,
      merchant: session.merchant,
      terminalId: session.terminalId,
      batch,
      time: isoNow(deps.clock),
      result: reply.result,
      terminal,
      host,
    });
  } catch (error) {
    deps.logger.warn({ batch, error }, 'settlement report not printed');
  }
  return { batch, result: reply.result, terminal, host, nextBatch: reply.nextBatch };
}
