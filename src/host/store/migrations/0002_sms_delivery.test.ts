import { sql, type Kysely } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { openDatabase, type HostDb } from '../openDatabase.js';
import * as initial from './0001_initial.js';
import * as smsDelivery from './0002_sms_delivery.js';

let db: HostDb | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

it('keeps what a database of the first schema knew about its texts', async () => {
  db = openDatabase({ kind: 'memory' });
  await initial.up(db as Kysely<unknown>);
  const at = new Date(Date.UTC(2026, 10, 23, 8, 0, 0));
  for (const [id, status] of [
    ['S1', 'accepted'],
    ['S2', 'delivered'],
    ['S3', 'failed'],
    ['S4', 'queued'],
  ] as const) {
    await sql`
      insert into sms_messages (id, msisdn, kind, status, created_at, updated_at)
      values (${id}, '13800138000', 'otp', ${status}, ${at}, ${at})
    `.execute(db);
  }
  await smsDelivery.up(db as Kysely<unknown>);
  const rows = await db
    .selectFrom('sms_messages')
    .select(['id', 'status', 'accepted_at', 'delivery', 'delivery_at'])
    .orderBy('id')
    .execute();
  expect(rows).toEqual([
    { id: 'S1', status: 'accepted', accepted_at: at, delivery: null, delivery_at: null },
    { id: 'S2', status: 'delivered', accepted_at: at, delivery: 'delivered', delivery_at: at },
    { id: 'S3', status: 'failed', accepted_at: null, delivery: null, delivery_at: null },
    { id: 'S4', status: 'queued', accepted_at: null, delivery: null, delivery_at: null },
  ]);
});
