import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * At most `max` texts to one number in any `windowSeconds`, so nobody (a script on a stolen
 * terminal key, an operator's loop) can flood a phone. Every kind counts: enrollment PIN,
 * codes, lock notices. `max: 0` switches the limit off.
 */
export interface PerNumberLimit {
  max: number;
  windowSeconds: number;
}

export type LimitVerdict = { allowed: true } | { allowed: false; freeAt: Date };

/** How long a text left `sending` by another worker is assumed to still count. */
const SENDING_HOLD_MS = 60_000;

/**
 * Whether message `id` may go to `msisdn` now. Counts the other texts to the number that a
 * transport accepted within the window, and those being handed over right now (so two
 * workers cannot both take the last slot unseen). When refused, `freeAt` is when enough of
 * them leave the window for one more.
 */
export async function checkPerNumberLimit(
  db: Kysely<Database>,
  limit: PerNumberLimit,
  message: { id: string; msisdn: string },
  now: Date,
): Promise<LimitVerdict> {
  if (limit.max <= 0) return { allowed: true };
  const windowMs = limit.windowSeconds * 1000;
  const since = new Date(now.getTime() - windowMs);
  const rows = await db
    .selectFrom('sms_messages')
    .select(['accepted_at', 'status'])
    .where('msisdn', '=', message.msisdn)
    .where('id', '<>', message.id)
    .where((eb) => eb.or([eb('accepted_at', '>', since), eb('status', '=', 'sending')]))
    .orderBy('accepted_at')
    .execute();
  if (rows.length < limit.max) return { allowed: true };
  // Oldest first (rows being sent, with no acceptance time yet, sort last): once the first
  // `rows.length - max + 1` have left the window there is room again.
  const freeing = rows[rows.length - limit.max];
  const freeAt = freeing?.accepted_at
    ? new Date(freeing.accepted_at.getTime() + windowMs)
    : new Date(now.getTime() + SENDING_HOLD_MS);
  return { allowed: false, freeAt };
}
