import { hasErrorCode, isPosError } from '../../core/PosError.js';
import type { PaymentStatusReply } from '../../protocol/messages/paymentStatus.js';
import type { JournalTxn } from '../journal/journalTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { toMoney } from './toMoney.js';
import { journalCode, mayHaveTakenEffect } from './outcomeUnknown.js';
import { sendReversal, type ReversalResult } from './sendPendingReversals.js';

/**
 * Where an open journal entry ended up:
 * - `approved`: money moved and the terminal stands by it; the slip is still to be printed;
 * - `nothing`: nothing moved (never reached the host, reversed, or a balance inquiry);
 * - `declined`: the host refused it;
 * - `refused`: the host refused its reversal for good; an operator must check it;
 * - `pending`: the host could not be asked; the entry stays open and is tried again.
 */
export type Resolution = 'approved' | 'nothing' | 'declined' | 'refused' | 'pending';

function afterReversal(result: ReversalResult): Resolution {
  return result === 'acknowledged' ? 'nothing' : result;
}

/**
 * `boot`: recovery after a restart; a sale whose confirm may have gone out is completed if
 * the host approved it. `live`: the cashier is waiting and will be told the payment did not
 * complete, so anything not already approved is reversed, and if the host cannot be asked the
 * entry is queued for reversal (a late approval is then undone, never kept).
 */
export type ResolveMode = 'boot' | 'live';

/** Settles one open journal entry by asking the host (status inquiry), then completing or reversing. */
export async function resolveEntry(
  deps: EffectDeps,
  entry: JournalTxn,
  mode: ResolveMode,
): Promise<Resolution> {
  try {
    return await resolveOnce(deps, entry, mode);
  } catch (error) {
    const unreachable = mayHaveTakenEffect(error) || hasErrorCode(error, 'HOST_UNREACHABLE');
    if (mode === 'live' && (entry.type === 'sale' || entry.type === 'balance')) {
      // The cashier is about to be told the sale failed: whatever the host answered, the
      // journal must say so, so that a later approval is undone rather than kept.
      const now = deps.journal.get(entry.id) ?? entry;
      if (now.state !== 'reversal_pending' && now.state !== 'approved') queueReversal(deps, now);
      deps.logger.warn({ trace: entry.trace, error }, 'outcome still unknown: reversal queued');
      return 'pending';
    }
    if (!unreachable) throw error;
    deps.logger.warn({ trace: entry.trace, error }, 'outcome still unknown: host not reachable');
    return 'pending';
  }
}

async function resolveOnce(deps: EffectDeps, entry: JournalTxn, mode: ResolveMode) {
  switch (entry.state) {
    case 'approved':
      if (entry.type === 'void') markOriginalVoided(deps, entry);
      return 'approved';
    case 'reversal_pending':
      return afterReversal(await sendReversal(deps, entry));
    case 'voiding':
      return resolveVoid(deps, entry);
    case 'authorizing':
      if (entry.type === 'refund') return replayRefund(deps, entry);
      if (entry.type === 'void') {
        deps.journal.update(entry.id, { state: 'cancelled' });
        return 'nothing';
      }
      return resolveSale(deps, entry, mode, await findByTrace(deps, entry));
    case 'otp_sent':
    case 'confirming':
      return resolveSale(
        deps,
        entry,
        mode,
        await deps.host.getPayment(entry.paymentId ?? missing('payment id')),
      );
    case 'completed':
    case 'declined':
    case 'cancelled':
    case 'reversed':
      return entry.state === 'declined' ? 'declined' : 'nothing';
  }
}

async function findByTrace(deps: EffectDeps, entry: JournalTxn) {
  try {
    return await deps.host.findPayment(entry.batch, entry.trace);
  } catch (error) {
    if (hasErrorCode(error, 'PAYMENT_NOT_FOUND')) return undefined;
    throw error;
  }
}

async function resolveSale(
  deps: EffectDeps,
  entry: JournalTxn,
  mode: ResolveMode,
  status: PaymentStatusReply | undefined,
): Promise<Resolution> {
  if (status === undefined) {
    deps.journal.update(entry.id, { state: 'cancelled', errorCode: 'HOST_TIMEOUT' });
    return 'nothing';
  }
  const paymentId = status.paymentId;
  switch (status.status) {
    case 'approved':
      // Only a confirm sent by this terminal approves a sale; it was sent, so stand by it.
      deps.journal.update(entry.id, {
        state: 'approved',
        paymentId,
        ...(status.authCode === undefined ? {} : { authCode: status.authCode }),
        ...(status.reference === undefined ? {} : { reference: status.reference }),
        approvedAt: new Date(deps.clock.now()).toISOString(),
        ...(status.amount === undefined ? {} : { amount: toMoney(status.amount) }),
      });
      return 'approved';
    case 'otp_sent': {
      const queued = queueReversal(deps, { ...entry, paymentId });
      return afterReversal(await sendReversal(deps, queued));
    }
    case 'completed':
      deps.journal.update(entry.id, { state: 'completed', paymentId });
      return 'nothing';
    case 'declined':
    case 'expired':
      deps.journal.update(entry.id, {
        state: 'declined',
        paymentId,
        errorCode: status.status === 'expired' ? 'OTP_EXPIRED' : 'PAYMENT_STATE',
      });
      return 'declined';
    case 'reversed':
    case 'voided':
      deps.journal.update(entry.id, { state: 'reversed', paymentId });
      return 'nothing';
  }
}

function queueReversal(deps: EffectDeps, entry: JournalTxn): JournalTxn {
  return deps.journal.update(entry.id, {
    state: 'reversal_pending',
    reversalReason: 'timeout',
    ...(entry.paymentId === undefined ? {} : { paymentId: entry.paymentId }),
  });
}

async function resolveVoid(deps: EffectDeps, entry: JournalTxn): Promise<Resolution> {
  const original = await deps.host.getPayment(entry.originalPaymentId ?? missing('original'));
  if (original.status === 'voided') {
    markOriginalVoided(deps, entry);
    deps.journal.update(entry.id, {
      state: 'approved',
      approvedAt: new Date(deps.clock.now()).toISOString(),
    });
    return 'approved';
  }
  deps.journal.update(entry.id, { state: 'declined', errorCode: 'HOST_TIMEOUT' });
  return 'declined';
}

/** A refund is idempotent on its batch and trace: sending it again tells its outcome. */
async function replayRefund(deps: EffectDeps, entry: JournalTxn): Promise<Resolution> {
  try {
    const reply = await deps.host.createRefund({
      batch: entry.batch,
      trace: entry.trace,
      originalReference: entry.originalReference ?? missing('original reference'),
      amount: entry.amount ?? missing('amount'),
    });
    deps.journal.update(entry.id, {
      state: 'approved',
      reference: reply.reference,
      approvedAt: new Date(deps.clock.now()).toISOString(),
    });
    return 'approved';
  } catch (error) {
    // Only the host's answer about this refund settles it; a host or terminal failure
    // (INTERNAL, authentication, unreachable) leaves it open to try again.
    const answered =
      isPosError(error) && ['decline', 'state', 'input', 'limit'].includes(error.group);
    if (mayHaveTakenEffect(error) || !answered) throw error;
    deps.journal.update(entry.id, { state: 'declined', errorCode: journalCode(error) });
    return 'declined';
  }
}

/** Marks the sale a void undid as voided, if it is not yet (a crash may have come between). */
function markOriginalVoided(deps: EffectDeps, voidEntry: JournalTxn): void {
  const sale = deps.journal.findByTrace(
    voidEntry.batch,
    voidEntry.originalTrace ?? missing('trace'),
  );
  if (sale && !sale.voided) deps.journal.markVoided(sale.id);
}

function missing(what: string): never {
  throw new Error(`journal entry without its ${what}`);
}
