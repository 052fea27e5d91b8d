import type { Kysely } from 'kysely';
import type { HostContext } from '../HostContext.js';
import { smsText } from '../sms/smsTemplates.js';
import type { Account, Database } from '../store/schema.js';
import { recordAudit } from '../store/recordAudit.js';

/** The end of the account's lock, or undefined when it is not locked at `now`. */
export function lockedUntil(account: Pick<Account, 'locked_until'>, now: Date): Date | undefined {
  return account.locked_until !== null && account.locked_until > now
    ? account.locked_until
    : undefined;
}

export type FailureOutcome =
  { locked: false; attemptsLeft: number } | { locked: true; until: Date };

/** Which secret was wrong. Each has its own count (claims 4 and 5). */
export type Factor = 'pin' | 'otp';

/**
 * Counts one wrong PIN or code against the account, in the caller's transaction, which must
 * hold the account's row lock: that lock is what makes 50 concurrent wrong tries count as
 * exactly 3 and lock once.
 *
 * The try that reaches `maxAttempts` locks the account for `lockSeconds`, resets both counts
 * (so the tries start afresh when the lock ends), records the lock in the audit trail and
 * queues the SMS that tells the customer.
 */
export async function recordFailure(
  db: Kysely<Database>,
  ctx: HostContext,
  account: Account,
  factor: Factor,
  ids: { terminalId: string; paymentId: string },
): Promise<FailureOutcome> {
  const now = new Date(ctx.clock.now());
  const failures = (factor === 'pin' ? account.pin_failures : account.otp_failures) + 1;
  await recordAudit(db, {
    at: now,
    kind: factor === 'pin' ? 'pin_failed' : 'otp_failed',
    accountId: account.id,
    terminalId: ids.terminalId,
    paymentId: ids.paymentId,
  });
  if (failures < ctx.policy.maxAttempts) {
    await db
      .updateTable('accounts')
      .set(factor === 'pin' ? { pin_failures: failures } : { otp_failures: failures })
      .where('id', '=', account.id)
      .execute();
    return { locked: false, attemptsLeft: ctx.policy.maxAttempts - failures };
  }
  const until = new Date(now.getTime() + ctx.policy.lockSeconds * 1000);
  await db
    .updateTable('accounts')
    .set({ locked_until: until, pin_failures: 0, otp_failures: 0 })
    .where('id', '=', account.id)
    .execute();
  await recordAudit(db, {
    at: now,
    kind: 'account_locked',
    reason: factor === 'pin' ? 'too many wrong PINs' : 'too many wrong codes',
    accountId: account.id,
    terminalId: ids.terminalId,
    paymentId: ids.paymentId,
  });
  await ctx.sms.enqueue(db, {
    msisdn: account.msisdn,
    kind: 'lock_started',
    text: smsText({ kind: 'lock_started', until }, ctx.policy.smsLanguage, ctx.policy.smsTimeZone),
  });
  ctx.logger.warn(
    { accountId: account.id, factor, lockedUntil: until.toISOString() },
    'account locked',
  );
  return { locked: true, until };
}

/** Clears the count of one factor after a right answer (no write when already zero). */
export async function resetFailures(
  db: Kysely<Database>,
  account: Account,
  factor: Factor,
): Promise<void> {
  const current = factor === 'pin' ? account.pin_failures : account.otp_failures;
  if (current === 0) return;
  await db
    .updateTable('accounts')
    .set(factor === 'pin' ? { pin_failures: 0 } : { otp_failures: 0 })
    .where('id', '=', account.id)
    .execute();
}
