import type { Kysely } from 'kysely';
import { lockAccount } from '../payments/lockPayment.js';
import type { Database, Payment } from '../store/schema.js';
import { postEntry } from './postEntry.js';

/**
 * Gives an approved sale's debit back to its account (a `reversal` or `void` ledger entry), in
 * the caller's transaction, which holds the payment's row lock; takes the account's lock
 * next, in the host's one lock order. The ledger's unique index refuses a second return.
 */
export async function returnDebit(
  db: Kysely<Database>,
  payment: Payment,
  kind: 'reversal' | 'void',
  at: Date,
): Promise<void> {
  const account = await lockAccount(db, payment.account_id);
  await postEntry(db, {
    accountId: account.id,
    balanceBefore: account.balance,
    kind,
    amount: payment.amount_value ?? 0,
    paymentId: payment.id,
    at,
  });
}
