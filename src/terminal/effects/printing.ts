import { PosError } from '../../core/PosError.js';
import type { SalesSlip } from '../../../drivers/printer/PrintDocument.js';
import type { Approval } from '../flow/flowTypes.js';
import type { JournalTxn } from '../journal/journalTypes.js';
import type { EffectDeps } from './EffectDeps.js';

/** The slip of an approved sale, void or refund, from its journal entry. */
export function slipOf(deps: EffectDeps, entry: JournalTxn): SalesSlip {
  if (entry.type === 'balance') throw new Error('a balance inquiry has no slip');
  const session = deps.session.require();
  return {
    kind: 'sales-slip',
    language: deps.language,
    merchant: session.merchant,
    terminalId: session.terminalId,
    operator: deps.operator,
    type: entry.type,
    account: entry.account,
    batch: entry.batch,
    trace: entry.trace,
    authCode: entry.authCode,
    reference: entry.reference,
    originalReference: entry.originalReference,
    time: entry.approvedAt ?? entry.updatedAt,
    amount: entry.amount ?? missingAmount(),
    reprint: false,
  };
}

function missingAmount(): never {
  throw new Error('an approved entry without an amount');
}

/**
 * Prints the slip of an approved entry and closes it (`completed`). The slip is kept as the
 * last slip before printing, so a slip lost to paper-out or a crash can be reprinted.
 */
export async function printEntrySlip(deps: EffectDeps, entry: JournalTxn): Promise<void> {
  if (entry.voided) {
    // Voided before its slip came out (its void has its own slip): nothing to print.
    deps.journal.update(entry.id, { state: 'completed' });
    return;
  }
  const slip = slipOf(deps, entry);
  deps.journal.saveLastSlip(slip);
  await deps.printer.print(slip);
  deps.journal.update(entry.id, { state: 'completed' });
}

/**
 * The `printSlip` actor: prints the approval's slip. If the printer fails the entry is closed
 * anyway (the slip is kept as the last slip) and the error goes to the flow, which offers to
 * print again.
 */
export async function printSlip(deps: EffectDeps, journalId: number): Promise<undefined> {
  const entry = deps.journal.get(journalId);
  if (!entry) throw new PosError('TRANSACTION_NOT_FOUND', `no journal entry ${journalId}`);
  if (entry.state === 'completed') {
    // A retry after the printer failed: the slip did not come out whole, print it again.
    await deps.printer.print(slipOf(deps, entry));
    return undefined;
  }
  try {
    await printEntrySlip(deps, entry);
  } catch (error) {
    // The cashier sees the failure and may print again (OK) or leave it for reprint: either
    // way the sale is done, and recovery must not print it later as if new.
    deps.journal.update(entry.id, { state: 'completed' });
    throw error;
  }
  return undefined;
}

/** The `reprint` actor: the last slip again, marked REPRINT. */
export async function reprint(deps: EffectDeps): Promise<undefined> {
  const last = deps.journal.lastSlip();
  if (!last) throw new PosError('NOTHING_TO_REPRINT', 'no slip has been printed yet');
  await deps.printer.print(last.kind === 'sales-slip' ? { ...last, reprint: true } : last);
  return undefined;
}

/** How often the printer is asked whether paper is back (ms). */
export const PAPER_POLL_MS = 1_000;

/**
 * The `waitForPaper` actor: asks the printer every second until it reports paper and a
 * closed cover. A printer that cannot tell (a one-way link) never resolves it: the cashier's
 * OK prints again.
 */
export async function waitForPaper(deps: EffectDeps): Promise<undefined> {
  for (;;) {
    await new Promise<void>((resolve) => deps.clock.setTimeout(resolve, PAPER_POLL_MS));
    try {
      const status = await deps.printer.status();
      if (status.online && status.paper === 'ok' && status.coverOpen === false) return undefined;
    } catch {
      // Not answering: ask again.
    }
  }
}

/** What the flow shows for an approved entry. */
export function approvalOf(entry: JournalTxn): Approval {
  if (entry.type === 'balance' || entry.amount === undefined) {
    throw new Error('only an approved sale, void or refund has an approval');
  }
  return {
    journalId: entry.id,
    type: entry.type,
    amount: entry.amount,
    trace: entry.trace,
    authCode: entry.authCode,
    reference: entry.reference,
  };
}
