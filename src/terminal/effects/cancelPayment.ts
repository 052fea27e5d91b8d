import type { FlowActorIo } from '../flow/flowTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { sendReversal } from './sendPendingReversals.js';

/**
 * Cancels a payment waiting for its code (cancel key, or the code expired): the reversal is
 * journalled first and sent; if the host cannot be reached it stays queued (store and
 * forward) and goes before the next transaction.
 */
export async function cancelPayment(
  deps: EffectDeps,
  input: FlowActorIo['cancelPayment']['input'],
): Promise<FlowActorIo['cancelPayment']['output']> {
  const entry = deps.journal.update(input.journalId, {
    state: 'reversal_pending',
    reversalReason: input.reason,
  });
  return { acknowledged: (await sendReversal(deps, entry)) !== 'pending' };
}
