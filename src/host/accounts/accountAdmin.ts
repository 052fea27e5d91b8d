import { randomBytes } from 'node:crypto';
import { PosError } from '../../core/PosError.js';
import type { Currency } from '../../core/currencies.js';
import { newCardToken, newId } from '../crypto/generators.js';
import type { HostContext } from '../HostContext.js';
import { postEntry } from '../ledger/postEntry.js';
import { smsText } from '../sms/smsTemplates.js';
import { isUniqueViolation } from '../store/retryOnUniqueViolation.js';
import type { Account } from '../store/schema.js';
import { lockedUntil } from './lockout.js';
import { maskMsisdn } from './maskMsisdn.js';
import { recordAudit } from '../store/recordAudit.js';

export interface EnrollInput {
  msisdn: string;
  /** Upper-case hex, as the terminal's reader reports it. */
  cardUid: string;
  currency: Currency;
  /** Opening balance in minor units (a top-up entry), default 0. */
  balance: number;
  actor: string;
}

/**
 * Patent step 1: opens the account, binds the phone's card (its UID and a fresh random
 * account token for the phone's payment applet), generates the original password (6 digits,
 * secure, never trivial) and sends it by SMS. The host keeps the PIN and the token only as
 * keyed hashes; the token is returned once, for provisioning the applet. The PIN is returned
 * to nobody: it reaches the customer by SMS only.
 */
export async function enrollAccount(
  ctx: HostContext,
  input: EnrollInput,
): Promise<{ accountId: string; cardToken: string; smsId: string }> {
  const accountId = newId('A');
  const cardToken = newCardToken();
  const pin = ctx.random.pin();
  const salt = randomBytes(16).toString('base64url');
  const now = new Date(ctx.clock.now());
  let smsId = '';
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('accounts')
        .values({
          id: accountId,
          msisdn: input.msisdn,
          card_uid: input.cardUid,
          card_token_hash: ctx.crypto.hashCardToken(cardToken),
          pin_salt: salt,
          pin_hash: ctx.crypto.hashPin(salt, pin),
          currency: input.currency,
          balance: 0,
          locked_until: null,
          created_at: now,
        })
        .execute();
      if (input.balance > 0) {
        await postEntry(trx, {
          accountId,
          balanceBefore: 0,
          kind: 'topup',
          amount: input.balance,
          at: now,
        });
      }
      await recordAudit(trx, { at: now, kind: 'account_enrolled', actor: input.actor, accountId });
      smsId = await ctx.sms.enqueue(trx, {
        msisdn: input.msisdn,
        kind: 'enrollment_pin',
        driven: true,
        text: smsText(
          { kind: 'enrollment_pin', pin: pin.reveal() },
          ctx.policy.smsLanguage,
          ctx.policy.smsTimeZone,
        ),
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new PosError('VALIDATION_FAILED', 'that phone number or card is already enrolled', {
        details: { details: [{ field: 'msisdn/card-uid', problem: 'already enrolled' }] },
      });
    }
    throw error;
  }
  if (!(await ctx.sms.deliverNow(smsId, ctx.policy.smsBudgetMs))) await ctx.sms.release(smsId);
  return { accountId, cardToken, smsId };
}

/** What `pos-host accounts show` prints. */
export interface AccountView {
  accountId: string;
  msisdn: string;
  maskedMsisdn: string;
  cardUid: string;
  balance: { value: number; currency: string };
  locked: boolean;
  lockedUntil: string | null;
  pinFailures: number;
  otpFailures: number;
  createdAt: string;
}

export async function findAccount(ctx: HostContext, msisdn: string): Promise<Account> {
  const account = await ctx.db
    .selectFrom('accounts')
    .selectAll()
    .where('msisdn', '=', msisdn)
    .executeTakeFirst();
  if (!account) {
    throw new PosError('CARD_UNKNOWN', 'no account for that phone number');
  }
  return account;
}

export function accountView(account: Account, now: Date): AccountView {
  const until = lockedUntil(account, now);
  return {
    accountId: account.id,
    msisdn: account.msisdn,
    maskedMsisdn: maskMsisdn(account.msisdn),
    cardUid: account.card_uid,
    balance: { value: account.balance, currency: account.currency },
    locked: until !== undefined,
    lockedUntil: until?.toISOString() ?? null,
    pinFailures: account.pin_failures,
    otpFailures: account.otp_failures,
    createdAt: account.created_at.toISOString(),
  };
}

/** Adds money to an account (a `topup` ledger entry). */
export async function topUp(
  ctx: HostContext,
  msisdn: string,
  amount: number,
  actor: string,
): Promise<AccountView> {
  const now = new Date(ctx.clock.now());
  const account = await ctx.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('accounts')
      .selectAll()
      .where('msisdn', '=', msisdn)
      .forUpdate()
      .executeTakeFirst();
    if (!locked) throw new PosError('CARD_UNKNOWN', 'no account for that phone number');
    const balance = await postEntry(trx, {
      accountId: locked.id,
      balanceBefore: locked.balance,
      kind: 'topup',
      amount,
      at: now,
    });
    await recordAudit(trx, {
      at: now,
      kind: 'account_topped_up',
      actor,
      reason: String(amount),
      accountId: locked.id,
    });
    return { ...locked, balance };
  });
  return accountView(account, now);
}

/**
 * Lifts a lock early and clears both failure counts. Audited with who and why (both
 * required), and the customer is told by SMS.
 */
export async function unlockAccount(
  ctx: HostContext,
  input: { msisdn: string; actor: string; reason: string },
): Promise<AccountView> {
  const now = new Date(ctx.clock.now());
  const account = await ctx.db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('accounts')
      .selectAll()
      .where('msisdn', '=', input.msisdn)
      .forUpdate()
      .executeTakeFirst();
    if (!locked) throw new PosError('CARD_UNKNOWN', 'no account for that phone number');
    await trx
      .updateTable('accounts')
      .set({ locked_until: null, pin_failures: 0, otp_failures: 0 })
      .where('id', '=', locked.id)
      .execute();
    await recordAudit(trx, {
      at: now,
      kind: 'account_unlocked',
      actor: input.actor,
      reason: input.reason,
      accountId: locked.id,
    });
    if (lockedUntil(locked, now)) {
      await ctx.sms.enqueue(trx, {
        msisdn: locked.msisdn,
        kind: 'lock_ended',
        text: smsText({ kind: 'lock_ended' }, ctx.policy.smsLanguage, ctx.policy.smsTimeZone),
      });
    }
    return { ...locked, locked_until: null, pin_failures: 0, otp_failures: 0 };
  });
  await ctx.sms.runDue();
  return accountView(account, now);
}
