import type { FlowActorIo, RecoveryItem, ResolvedOutcome } from '../flow/flowTypes.js';
import type { JournalTxn } from '../journal/journalTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { approvalOf, printEntrySlip } from './printing.js';
import { resolveEntry, type Resolution } from './resolveEntry.js';
import { finishPendingSettlement } from './sendSettlement.js';

/**
 * Recovery (at boot, after sign-in, and again while anything stays open): a settlement left
 * unanswered is finished first; then every journal entry whose outcome the terminal does not
 * know is resolved by a status inquiry, then completed (its slip printed) or reversed. Queued
 * reversals are sent. Never rejects: what cannot be settled now is counted in `pendingLeft`
 * and tried again.
 */
export async function recover(deps: EffectDeps): Promise<FlowActorIo['recover']['output']> {
  const items: RecoveryItem[] = [];
  let settlementPending = 0;
  try {
    await finishPendingSettlement(deps);
  } catch (error) {
    deps.logger.warn({ error }, 'a pending settlement is still unanswered');
    settlementPending = 1;
  }
  for (const entry of deps.journal.openTransactions()) {
    const before = entry.state;
    let resolution: Resolution | 'printed';
    try {
      resolution = await resolveEntry(deps, entry, 'boot');
      if (resolution === 'approved') resolution = await printRecovered(deps, entry.id);
    } catch (error) {
      deps.logger.error({ trace: entry.trace, error }, 'recovery of a journal entry failed');
      resolution = 'pending';
    }
    const item = reportItem(entry, resolution);
    if (item) items.push(item);
    deps.logger.info({ trace: entry.trace, before, outcome: item?.outcome }, 'recovered');
  }
  return { items, pendingLeft: deps.journal.openTransactions().length + settlementPending };
}

async function printRecovered(deps: EffectDeps, id: number): Promise<Resolution | 'printed'> {
  const entry = deps.journal.get(id);
  if (!entry) return 'pending';
  try {
    await printEntrySlip(deps, entry);
    return 'printed';
  } catch (error) {
    deps.logger.warn({ trace: entry.trace, error }, 'recovered slip not printed; will retry');
    return 'pending';
  }
}

function reportItem(
  entry: JournalTxn,
  resolution: Resolution | 'printed',
): RecoveryItem | undefined {
  if (entry.type === 'balance' && resolution !== 'pending') return undefined;
  const outcome =
    resolution === 'nothing' ? 'reversed' : resolution === 'approved' ? 'pending' : resolution;
  return {
    type: entry.type,
    batch: entry.batch,
    trace: entry.trace,
    amount: entry.amount,
    outcome,
  };
}

/**
 * The `resolveOutcome` actor: the cashier is waiting on a sale whose reply never came. Asks
 * the host; an approval is completed, anything else reversed (or queued for reversal).
 */
export async function resolveOutcome(
  deps: EffectDeps,
  input: FlowActorIo['resolveOutcome']['input'],
): Promise<ResolvedOutcome> {
  const entry = deps.journal.get(input.journalId);
  if (!entry) throw new Error(`no journal entry ${input.journalId}`);
  const resolution = await resolveEntry(deps, entry, 'live');
  const now = deps.journal.get(input.journalId) ?? entry;
  switch (resolution) {
    case 'approved':
      return { outcome: 'approved', approval: approvalOf(now) };
    case 'declined':
      return { outcome: 'declined', code: now.errorCode ?? 'PAYMENT_STATE' };
    case 'nothing':
      return { outcome: 'reversed', code: 'HOST_TIMEOUT' };
    case 'pending':
      return { outcome: 'pending', code: 'HOST_TIMEOUT' };
    case 'refused':
      return { outcome: 'refused', code: now.errorCode ?? 'PAYMENT_STATE' };
  }
}
