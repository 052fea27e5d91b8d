import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Minor units refunded so far against a sale. */
export async function refundedSoFar(db: Kysely<Database>, paymentId: string): Promise<number> {
  const row = await db
    .selectFrom('refunds')
    .select(sql<number | string>`coalesce(sum(amount_value), 0)`.as('total'))
    .where('payment_id', '=', paymentId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** True when a sale has at least one refund. */
export async function hasRefunds(db: Kysely<Database>, paymentId: string): Promise<boolean> {
  return (await refundedSoFar(db, paymentId)) > 0;
}
