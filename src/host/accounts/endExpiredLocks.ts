import type { HostContext } from '../HostContext.js';
import { smsText } from '../sms/smsTemplates.js';
import { recordAudit } from '../store/recordAudit.js';

/**
 * Ends the locks whose time is up: clears `locked_until`, records the unlock in the audit
 * trail (no actor: the host did it) and queues the "lock ended" text, each account in its own
 * transaction under its row lock, so an operator's early unlock (which sends its own text)
 * and this pass never both tell the customer. Returns how many locks ended.
 *
 * A lock already works as lifted once its time is past (`lockedUntil`); this pass exists so
 * the customer hears about it, as they do when an operator unlocks early.
 */
export async function endExpiredLocks(ctx: HostContext): Promise<number> {
  const now = new Date(ctx.clock.now());
  const due = await ctx.db
    .selectFrom('accounts')
    .select('id')
    .where('locked_until', 'is not', null)
    .where('locked_until', '<=', now)
    .execute();
  let ended = 0;
  for (const { id } of due) {
    const done = await ctx.db.transaction().execute(async (trx) => {
      const account = await trx
        .selectFrom('accounts')
        .select(['id', 'msisdn', 'locked_until'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      // Unlocked or locked afresh meanwhile: nothing to end.
      if (!account?.locked_until || account.locked_until > now) return false;
      await trx.updateTable('accounts').set({ locked_until: null }).where('id', '=', id).execute();
      await recordAudit(trx, {
        at: now,
        kind: 'account_unlocked',
        reason: 'the lock expired',
        accountId: id,
      });
      await ctx.sms.enqueue(trx, {
        msisdn: account.msisdn,
        kind: 'lock_ended',
        text: smsText({ kind: 'lock_ended' }, ctx.policy.smsLanguage, ctx.policy.smsTimeZone),
      });
      return true;
    });
    if (done) ended += 1;
  }
  return ended;
}
