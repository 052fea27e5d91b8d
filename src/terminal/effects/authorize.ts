import type { Money } from '../../core/money.js';
import { isPosError, PosError } from '../../core/PosError.js';
import type { Secret } from '../../core/Secret.js';
import type { PaymentRequest } from '../../protocol/messages/payment.js';
import { encryptPinBlock, pinBinding } from '../../protocol/pinBlock.js';
import type { FlowActorIo, FlowCard, OtpState } from '../flow/flowTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import type { SignedIn } from './TerminalSession.js';
import { journalCode, mayHaveTakenEffect, unknownOutcome } from './outcomeUnknown.js';
import { sendPendingReversals } from './sendPendingReversals.js';
import { finishPendingSettlement } from './sendSettlement.js';
import { toMoney } from './toMoney.js';

type AuthorizeIo = FlowActorIo['authorize'];

/** The host's code expiry on the terminal's clock. */
export function otpStateOf(
  deps: EffectDeps,
  otp: { sentTo: string; expiresAt: string; attemptsLeft: number; resendsLeft: number },
): OtpState {
  return {
    sentTo: otp.sentTo,
    expiresAt: Date.parse(otp.expiresAt) - deps.host.clockOffsetMs,
    attemptsLeft: otp.attemptsLeft,
    resendsLeft: otp.resendsLeft,
  };
}

/**
 * Sale or balance inquiry (protocol step 3): sends queued reversals first, journals the
 * transaction (allocating its trace), encrypts the PIN to the host's key bound to that trace,
 * and sends it. The journal holds the outcome after every reply; an unknown outcome stays
 * `authorizing` and the error carries its journal id.
 */
export async function authorize(
  deps: EffectDeps,
  input: AuthorizeIo['input'],
): Promise<AuthorizeIo['output']> {
  // A batch closed by a settlement whose reply was lost must be known closed before this
  // sale is numbered in it.
  await finishPendingSettlement(deps);
  await sendPendingReversals(deps);
  const session = deps.session.require();
  const amount = input.type === 'sale' ? requireAmount(input.amount) : undefined;
  const entry = deps.journal.begin({ type: input.type, amount, cardUid: input.card.uid });
  const request = paymentRequest(session, entry, input, amount);
  let reply;
  try {
    reply = await deps.host.createPayment(request);
  } catch (error) {
    if (mayHaveTakenEffect(error)) throw unknownOutcome(error, entry.id);
    const state = isPosError(error) && error.code === 'HOST_UNREACHABLE' ? 'cancelled' : 'declined';
    deps.journal.update(entry.id, { state, errorCode: journalCode(error) });
    throw error;
  }
  if (reply.status === 'completed') {
    deps.journal.update(entry.id, { state: 'completed', paymentId: reply.paymentId });
    return { kind: 'balance', journalId: entry.id, balance: toMoney(reply.balance) };
  }
  deps.journal.update(entry.id, {
    state: 'otp_sent',
    paymentId: reply.paymentId,
    account: reply.otp.sentTo,
  });
  return {
    kind: 'otp_sent',
    payment: {
      journalId: entry.id,
      paymentId: reply.paymentId,
      batch: entry.batch,
      trace: entry.trace,
      amount: amount ?? requireAmount(undefined),
      otp: otpStateOf(deps, reply.otp),
    },
  };
}

function requireAmount(amount: Money | undefined): Money {
  if (!amount) throw new PosError('MONEY_INVALID', 'a sale needs an amount');
  return amount;
}

/**
 * The payment request, with the PIN encrypted at once to the host's key and bound to this
 * terminal, batch, trace, type, amount and card: a block copied to another transaction does
 * not open.
 */
function paymentRequest(
  session: SignedIn,
  journalled: { batch: string; trace: string },
  input: { type: 'sale' | 'balance'; card: FlowCard; pin: Secret },
  amount: Money | undefined,
): PaymentRequest {
  const binding = pinBinding({
    terminalId: session.terminalId,
    batch: journalled.batch,
    trace: journalled.trace,
    type: input.type,
    amount,
    cardUid: input.card.uid,
  });
  const common = {
    batch: journalled.batch,
    trace: journalled.trace,
    card: { uid: input.card.uid, token: input.card.token.reveal() },
    pinBlock: encryptPinBlock(input.pin, session.pinKey, binding),
  };
  return amount
    ? { type: 'sale', ...common, amount: { value: amount.value, currency: amount.currency } }
    : { type: 'balance', ...common };
}
