import type { Kysely } from 'kysely';
import { PosError } from '../../core/PosError.js';
import { Secret } from '../../core/Secret.js';
import { lockedUntil, recordFailure, resetFailures } from '../accounts/lockout.js';
import { hashesEqual } from '../crypto/HostCrypto.js';
import { newAuthCode } from '../crypto/generators.js';
import type { HostContext } from '../HostContext.js';
import { declineReply, reply } from '../http/replies.js';
import { nextReference } from '../ledger/nextReference.js';
import { postEntry } from '../ledger/postEntry.js';
import type { Database, Payment, StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from '../terminals/AuthenticatedTerminal.js';
import { requireOpenBatch } from '../terminals/openBatch.js';
import { lockAccount, lockPayment } from './lockPayment.js';

/**
 * `POST /v1/payments/{id}/confirm` (patent step 5): checks the one-time code and debits.
 *
 * In one transaction holding the payment's and then the account's row lock:
 * 1. a repeat of the confirm that settled the payment (same code) replays its reply, so a
 *    retried approval debits nothing more;
 * 2. a locked account is `ACCOUNT_LOCKED` and nothing is checked;
 * 3. the payment must be awaiting a code in the open batch (`PAYMENT_STATE`, `BATCH_CLOSED`);
 * 4. an expired code is `OTP_EXPIRED` and ends the payment;
 * 5. a wrong code counts one failure (the same wrong code twice counts once) and the third
 *    locks the account and declines the payment;
 * 6. the right code debits through the ledger, or declines with `INSUFFICIENT_FUNDS` if the
 *    balance fell since the code was sent.
 *
 * The code's hash includes the payment id, so a code sent for another payment never matches.
 */
export async function confirmPayment(
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  paymentId: string,
  otp: string,
): Promise<StoredReply> {
  return ctx.db
    .transaction()
    .execute((trx) => decide(trx, ctx, terminal, paymentId, new Secret(otp)));
}

async function decide(
  trx: Kysely<Database>,
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  paymentId: string,
  code: Secret,
): Promise<StoredReply> {
  const now = new Date(ctx.clock.now());
  const payment = await lockPayment(trx, paymentId, terminal.id);
  if (payment.type !== 'sale')
    throw new PosError('PAYMENT_STATE', 'a balance inquiry takes no code');
  const hash = ctx.crypto.hashOtp(payment.id, payment.otp_resends, code);
  if (
    payment.used_otp_hash !== null &&
    payment.confirm_reply !== null &&
    hashesEqual(hash, payment.used_otp_hash)
  ) {
    return payment.confirm_reply;
  }
  const account = await lockAccount(trx, payment.account_id);
  const until = lockedUntil(account, now);
  if (until) {
    throw new PosError('ACCOUNT_LOCKED', 'the account is locked', {
      details: { lockedUntil: until.toISOString() },
    });
  }
  if (payment.status === 'expired') throw new PosError('OTP_EXPIRED', 'the code has expired');
  if (payment.status !== 'otp_sent') {
    throw new PosError('PAYMENT_STATE', `the payment is ${payment.status}, not awaiting a code`);
  }
  await requireOpenBatch(trx, terminal.id, payment.batch);
  const update = (
    fields: Partial<Omit<Payment, 'confirm_reply' | 'reply'>> & { confirm_reply?: string },
  ) =>
    trx
      .updateTable('payments')
      .set({ ...fields, updated_at: now })
      .where('id', '=', payment.id)
      .execute();

  if (payment.otp_expires_at === null || payment.otp_expires_at <= now) {
    await update({ status: 'expired', decline_code: 'OTP_EXPIRED' });
    await ctx.sms.cancel(trx, { paymentId: payment.id });
    return declineReply('OTP_EXPIRED', 'the code has expired');
  }
  if (payment.otp_hash === null || !hashesEqual(hash, payment.otp_hash)) {
    if (payment.otp_wrong_hashes.includes(hash)) {
      return declineReply('OTP_INCORRECT', 'the code is wrong', {
        attemptsLeft: Math.max(0, ctx.policy.maxAttempts - account.otp_failures),
      });
    }
    await update({ otp_wrong_hashes: [...payment.otp_wrong_hashes, hash] });
    const failure = await recordFailure(trx, ctx, account, 'otp', {
      terminalId: terminal.id,
      paymentId: payment.id,
    });
    if (!failure.locked) {
      return declineReply('OTP_INCORRECT', 'the code is wrong', {
        attemptsLeft: failure.attemptsLeft,
      });
    }
    await update({ status: 'declined', decline_code: 'ACCOUNT_LOCKED' });
    return declineReply('ACCOUNT_LOCKED', 'too many wrong codes: the account is locked', {
      lockedUntil: failure.until.toISOString(),
    });
  }
  await resetFailures(trx, account, 'otp');
  const amount = payment.amount_value ?? 0;
  if (account.balance < amount) {
    const declined = declineReply('INSUFFICIENT_FUNDS', 'the balance no longer covers the amount');
    await update({
      status: 'declined',
      decline_code: 'INSUFFICIENT_FUNDS',
      used_otp_hash: hash,
      confirm_reply: JSON.stringify(declined),
    });
    return declined;
  }
  await postEntry(trx, {
    accountId: account.id,
    balanceBefore: account.balance,
    kind: 'debit',
    amount: -amount,
    paymentId: payment.id,
    at: now,
  });
  const approved = reply(200, {
    paymentId: payment.id,
    status: 'approved',
    authCode: newAuthCode(),
    reference: await nextReference(trx),
    approvedAt: now.toISOString(),
    amount: { value: amount, currency: payment.currency },
  });
  await update({
    status: 'approved',
    used_otp_hash: hash,
    auth_code: approved.body.authCode as string,
    reference: approved.body.reference as string,
    approved_at: now,
    confirm_reply: JSON.stringify(approved),
  });
  ctx.logger.info({ paymentId: payment.id, terminalId: terminal.id, amount }, 'payment approved');
  return approved;
}
