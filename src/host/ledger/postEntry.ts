import type { Kysely } from 'kysely';
import { PosError } from '../../core/PosError.js';
import type { Database, LedgerKind } from '../store/schema.js';

/** One balance change. */
export interface LedgerPosting {
  accountId: string;
  /** The account's balance as read under its row lock (`select … for update`). */
  balanceBefore: number;
  kind: LedgerKind;
  /** Signed minor units: negative for a debit, positive for money returned or added. */
  amount: number;
  paymentId?: string;
  refundId?: string;
  at: Date;
}

/**
 * Writes a ledger entry and moves the account's balance by the same amount, in the caller's
 * transaction. The caller must hold the account's row lock, so the balance it read is the
 * balance; this keeps `balance = sum(entries)` for every account.
 *
 * Throws `INSUFFICIENT_FUNDS` rather than let a balance go below zero (the table's check
 * constraint is the last line behind it). The unique index on `(payment_id, kind)` and on
 * `refund_id` make a second posting of the same event fail instead of moving money twice.
 */
export async function postEntry(db: Kysely<Database>, posting: LedgerPosting): Promise<number> {
  if (!Number.isSafeInteger(posting.amount) || posting.amount === 0) {
    throw new PosError('INTERNAL', 'ledger amount must be a non-zero integer');
  }
  const balanceAfter = posting.balanceBefore + posting.amount;
  if (balanceAfter < 0) {
    throw new PosError('INSUFFICIENT_FUNDS', 'the balance does not cover the amount');
  }
  await db
    .insertInto('ledger_entries')
    .values({
      account_id: posting.accountId,
      kind: posting.kind,
      amount: posting.amount,
      balance_after: balanceAfter,
      payment_id: posting.paymentId ?? null,
      refund_id: posting.refundId ?? null,
      created_at: posting.at,
    })
    .execute();
  await db
    .updateTable('accounts')
    .set({ balance: balanceAfter })
    .where('id', '=', posting.accountId)
    .execute();
  return balanceAfter;
}
