import { hasErrorCode } from '../../core/PosError.js';
import type { FlowActorIo, OtpState } from '../flow/flowTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { otpStateOf } from './authorize.js';
import { toMoney } from './toMoney.js';
import { journalCode, mayHaveTakenEffect, unknownOutcome } from './outcomeUnknown.js';
import { approvalOf } from './printing.js';
import { sendReversal } from './sendPendingReversals.js';

type ConfirmIo = FlowActorIo['confirm'];

/**
 * Sends the code (protocol step 5). The journal says `confirming` before it goes, so a crash
 * mid-call is resolved by inquiry; `approved` with the auth code once the host says so. A
 * wrong code (or nothing sent) returns the entry to `otp_sent`; any other refusal reverses
 * the payment (queued until the host acknowledges it) before the flow shows the refusal.
 */
export async function confirm(
  deps: EffectDeps,
  input: ConfirmIo['input'],
): Promise<ConfirmIo['output']> {
  const { payment } = input;
  deps.journal.update(payment.journalId, { state: 'confirming' });
  let reply;
  try {
    reply = await deps.host.confirm(payment.paymentId, input.code);
  } catch (error) {
    if (mayHaveTakenEffect(error)) throw unknownOutcome(error, payment.journalId);
    if (hasErrorCode(error, 'OTP_INCORRECT', 'HOST_UNREACHABLE')) {
      // The customer may key the code again.
      deps.journal.update(payment.journalId, { state: 'otp_sent' });
      throw error;
    }
    await endRefusedSale(deps, payment.journalId, payment.paymentId, error);
    throw error;
  }
  const entry = deps.journal.update(payment.journalId, {
    state: 'approved',
    authCode: reply.authCode,
    reference: reply.reference,
    approvedAt: reply.approvedAt,
    amount: toMoney(reply.amount),
  });
  deps.logger.info({ trace: entry.trace, reference: reply.reference }, 'sale approved');
  return approvalOf(entry);
}

/**
 * Any answer to a confirm but a wrong code ends the sale on this terminal (expired, locked,
 * funds, or a state it did not expect), and the customer is told it failed. The host's own
 * status decides what is left to do: a declined, expired or reversed payment is simply
 * declined; anything else (still waiting, or approved by an earlier confirm whose reply was
 * lost) is reversed, queued until the host acknowledges it.
 */
async function endRefusedSale(
  deps: EffectDeps,
  journalId: number,
  paymentId: string,
  error: unknown,
): Promise<void> {
  const errorCode = journalCode(error);
  let status: string | undefined;
  try {
    status = (await deps.host.getPayment(paymentId)).status;
  } catch {
    status = undefined;
  }
  if (status === 'declined' || status === 'expired' || status === 'reversed') {
    deps.journal.update(journalId, { state: 'declined', errorCode });
    return;
  }
  const entry = deps.journal.update(journalId, {
    state: 'reversal_pending',
    reversalReason: 'terminal_error',
    errorCode,
  });
  await sendReversal(deps, entry);
}

/** Asks for a new code. Only a resend that provably never reached the host is retried. */
export async function resendOtp(
  deps: EffectDeps,
  input: FlowActorIo['resendOtp']['input'],
): Promise<OtpState> {
  const reply = await deps.host.resendOtp(input.payment.paymentId);
  return otpStateOf(deps, reply.otp);
}
