import type { Kysely } from 'kysely';
import { executeStatements } from '../executeStatements.js';

/**
 * SMS delivery status per message: when a transport accepted it, and what the network's
 * delivery report said and when. `status` keeps saying how far the queue got; a failed
 * delivery report no longer turns an accepted text into `failed` (that status means no
 * transport took it). Indexes for matching reports to messages and for the per-number limit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeStatements(
    db,
    `
    alter table sms_messages add column accepted_at timestamptz;
    alter table sms_messages add column delivery text;
    alter table sms_messages add column delivery_at timestamptz;
    update sms_messages set accepted_at = updated_at where status in ('accepted', 'delivered');
    update sms_messages set delivery = 'delivered', delivery_at = updated_at
      where status = 'delivered';
    create index sms_by_ref on sms_messages (transport, transport_ref)
      where transport_ref is not null;
    create index sms_by_number on sms_messages (msisdn, accepted_at)
      where accepted_at is not null;
  `,
  );
}
