import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * A fresh 12-digit retrieval reference for an approval or a refund, from a database
 * sequence: unique across every terminal and host process, never reused.
 */
export async function nextReference(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{
    value: number | string;
  }>`select nextval('reference_seq') as value`.execute(db);
  const value = Number(rows[0]?.value);
  return String(value % 1_000_000_000_000).padStart(12, '0');
}
