import { NONCE_WINDOW_SECONDS } from '../protocol/index.js';
import { unixSeconds } from '../core/clock.js';
import { endExpiredLocks } from './accounts/endExpiredLocks.js';
import type { HostContext } from './HostContext.js';
import { waitForReply } from './payments/pendingReply.js';

/**
 * The host's background pass: ends expired locks (queuing the "lock ended" text), sends
 * queued texts that are due, settles sales whose first
 * request died while handing over its code (so their status stops being in doubt), and
 * forgets nonces older than the replay window.
 */
export async function runMaintenance(ctx: HostContext): Promise<void> {
  await endExpiredLocks(ctx);
  await ctx.sms.runDue();
  const stale = await ctx.db
    .selectFrom('payments')
    .select('id')
    .where('status', '=', 'otp_sent')
    .where('reply', 'is', null)
    .where('created_at', '<', new Date(ctx.clock.now() - ctx.policy.smsBudgetMs - 2_000))
    .execute();
  for (const { id } of stale) await waitForReply(ctx, id);
  await ctx.db
    .deleteFrom('terminal_nonces')
    .where('first_seen', '<', unixSeconds(ctx.clock) - NONCE_WINDOW_SECONDS - 60)
    .execute();
}
