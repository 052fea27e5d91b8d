import { PosError } from '../../core/PosError.js';
import type { FlowActorIo, OriginalSale } from '../flow/flowTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { journalCode, mayHaveTakenEffect, unknownOutcome } from './outcomeUnknown.js';
import { approvalOf } from './printing.js';

/** The `findOriginal` actor: an approved, not yet voided sale of the open batch, by trace. */
export function findOriginal(deps: EffectDeps, trace: string): Promise<OriginalSale> {
  const batch = deps.session.require().batch;
  const sale = deps.journal.findByTrace(batch, trace);
  if (sale?.type !== 'sale' || sale.paymentId === undefined || sale.amount === undefined) {
    return Promise.reject(
      new PosError('TRANSACTION_NOT_FOUND', `no sale with trace ${trace} in batch ${batch}`),
    );
  }
  const openVoid = deps.journal
    .openTransactions()
    .some((entry) => entry.type === 'void' && entry.originalPaymentId === sale.paymentId);
  if (openVoid) {
    return Promise.reject(
      new PosError('PENDING_WORK', `a void of sale ${trace} is waiting for the host`),
    );
  }
  if (sale.voided || (sale.state !== 'completed' && sale.state !== 'approved')) {
    return Promise.reject(
      new PosError(
        'PAYMENT_STATE',
        `sale ${trace} cannot be voided (${sale.voided ? 'voided' : sale.state})`,
      ),
    );
  }
  return Promise.resolve({
    journalId: sale.id,
    paymentId: sale.paymentId,
    trace: sale.trace,
    amount: sale.amount,
    authCode: sale.authCode,
    reference: sale.reference,
  });
}

/**
 * The `voidSale` actor: journals the void (its own trace, for its slip), sends it, and marks
 * the sale voided. A void is idempotent on the host, so an unknown outcome is settled by
 * recovery asking for the sale's status.
 */
export async function voidSale(
  deps: EffectDeps,
  input: FlowActorIo['voidSale']['input'],
): Promise<FlowActorIo['voidSale']['output']> {
  const { original } = input;
  const begun = deps.journal.begin({
    type: 'void',
    amount: original.amount,
    originalPaymentId: original.paymentId,
    originalTrace: original.trace,
    originalReference: original.reference,
  });
  deps.journal.update(begun.id, { state: 'voiding' });
  try {
    await deps.host.voidPayment(original.paymentId);
  } catch (error) {
    // Left `voiding`: recovery asks for the sale's status and completes or declines the void.
    if (mayHaveTakenEffect(error)) throw unknownOutcome(error, begun.id);
    deps.journal.update(begun.id, { state: 'declined', errorCode: journalCode(error) });
    throw error;
  }
  // The sale first: a crash between the two writes leaves the void `voiding`, which recovery
  // completes by asking the host; the other order could leave an approved void whose sale
  // still counts.
  deps.journal.markVoided(original.journalId);
  const entry = deps.journal.update(begun.id, {
    state: 'approved',
    approvedAt: new Date(deps.clock.now()).toISOString(),
    ...(original.reference === undefined ? {} : { reference: original.reference }),
  });
  return approvalOf(entry);
}

/**
 * The `refund` actor: journals the refund (allocating its trace), sends it. Idempotent on
 * batch and trace, so the host client retries it safely and recovery replays it.
 */
export async function refund(
  deps: EffectDeps,
  input: FlowActorIo['refund']['input'],
): Promise<FlowActorIo['refund']['output']> {
  const open = deps.journal
    .openTransactions()
    .some(
      (entry) => entry.type === 'refund' && entry.originalReference === input.originalReference,
    );
  if (open) {
    // Its outcome is unknown: a second refund now could pay the customer twice.
    throw new PosError('PENDING_WORK', 'a refund of this sale is waiting for the host');
  }
  const begun = deps.journal.begin({
    type: 'refund',
    amount: input.amount,
    originalReference: input.originalReference,
  });
  let reply;
  try {
    reply = await deps.host.createRefund({
      batch: begun.batch,
      trace: begun.trace,
      originalReference: input.originalReference,
      amount: { value: input.amount.value, currency: input.amount.currency },
    });
  } catch (error) {
    // Left `authorizing`: recovery sends the same refund again to learn its outcome.
    if (mayHaveTakenEffect(error)) throw unknownOutcome(error, begun.id);
    deps.journal.update(begun.id, { state: 'declined', errorCode: journalCode(error) });
    throw error;
  }
  const entry = deps.journal.update(begun.id, {
    state: 'approved',
    reference: reply.reference,
    approvedAt: new Date(deps.clock.now()).toISOString(),
  });
  return approvalOf(entry);
}
