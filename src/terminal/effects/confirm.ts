import { hasErrorCode } from '../../core/PosError.js';
import type { FlowActorIo, OtpState } from '../flow/flowTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { otpStateOf, toMoney } from './authorize.js';
import { journalCode, mayHaveTakenEffect, unknownOutcome } from './outcomeUnknown.js';
import { approvalOf } from './printing.js';

type ConfirmIo = FlowActorIo['confirm'];

/**
 * Sends the code (protocol step 5). The journal says `confirming` before it goes, so a crash
 * mid-call is resolved by inquiry; `approved` with the auth code once the host says so. A
 * wrong code (or nothing sent) returns the entry to `otp_sent`; a final refusal declines it.
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
      deps.journal.update(payment.journalId, { state: 'otp_sent' });
    } else {
      deps.journal.update(payment.journalId, { state: 'declined', errorCode: journalCode(error) });
    }
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

/** Asks for a new code. Only a resend that provably never reached the host is retried. */
export async function resendOtp(
  deps: EffectDeps,
  input: FlowActorIo['resendOtp']['input'],
): Promise<OtpState> {
  const reply = await deps.host.resendOtp(input.payment.paymentId);
  return otpStateOf(deps, reply.otp);
}
