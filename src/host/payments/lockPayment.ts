import type { Kysely } from 'kysely';
import { PosError } from '../../core/PosError.js';
import type { Account, Database, Payment } from '../store/schema.js';

/**
 * Reads a payment with its row lock, for an operation by `terminalId`. Another terminal's
 * payment is `PAYMENT_NOT_FOUND`, exactly like a missing one, so ids cannot be probed.
 * Lock order everywhere: payment, then account.
 */
export async function lockPayment(
  db: Kysely<Database>,
  paymentId: string,
  terminalId: string,
): Promise<Payment> {
  const payment = await db
    .selectFrom('payments')
    .selectAll()
    .where('id', '=', paymentId)
    .forUpdate()
    .executeTakeFirst();
  if (payment?.terminal_id !== terminalId || payment.status === 'pending') {
    throw new PosError('PAYMENT_NOT_FOUND', 'no such payment for this terminal');
  }
  return payment;
}

/** Reads the payment's account with its row lock. */
export async function lockAccount(
  db: Kysely<Database>,
  accountId: string | null,
): Promise<Account> {
  if (accountId === null) throw new PosError('PAYMENT_STATE', 'the payment has no account');
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('id', '=', accountId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}
