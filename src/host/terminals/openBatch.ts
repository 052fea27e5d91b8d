import type { Kysely } from 'kysely';
import { PosError } from '../../core/PosError.js';
import type { Database } from '../store/schema.js';

/**
 * Throws `BATCH_CLOSED` unless `batch` is the terminal's open batch. Reads the terminal row
 * with a share lock, so a settlement closing the batch waits for this transaction (and this
 * one for it): nothing lands in a batch after its totals were taken.
 */
export async function requireOpenBatch(
  db: Kysely<Database>,
  terminalId: string,
  batch: string,
): Promise<void> {
  const open = await openBatchOf(db, terminalId, true);
  if (open !== batch) {
    throw new PosError('BATCH_CLOSED', `batch ${batch} is not open (the open batch is ${open})`);
  }
}

/** The terminal's open batch. */
export async function openBatchOf(
  db: Kysely<Database>,
  terminalId: string,
  lock = false,
): Promise<string> {
  let query = db.selectFrom('terminals').select('open_batch').where('id', '=', terminalId);
  if (lock) query = query.forShare();
  const row = await query.executeTakeFirstOrThrow();
  return row.open_batch;
}

/** The batch after `batch`: 000001 … 999999, then 000001 again. */
export function nextBatch(batch: string): string {
  const next = (Number(batch) % 999_999) + 1;
  return String(next).padStart(6, '0');
}
