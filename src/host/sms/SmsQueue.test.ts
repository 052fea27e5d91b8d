import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../core/clock.js';
import { createLogger } from '../../core/logger.js';
import { ManualClock } from '../../core/ManualClock.js';
import { PosError } from '../../core/PosError.js';
import { TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';
import { HostCrypto } from '../crypto/HostCrypto.js';
import type { HostDb } from '../store/openDatabase.js';
import { readOutbox, OutboxTransport } from './OutboxTransport.js';
import { SmsQueue } from './SmsQueue.js';
import type { OutgoingSms, SmsAcceptance, SmsTransport } from './SmsTransport.js';

/** Fails the first `failures` sends (permanently if asked), then hands texts to the outbox. */
class FlakyTransport implements SmsTransport {
  readonly name = 'flaky';
  attempts = 0;
  constructor(
    private readonly outbox: SmsTransport,
    private failures: number,
    private readonly permanent = false,
  ) {}
  async send(message: OutgoingSms, signal: AbortSignal): Promise<SmsAcceptance> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new PosError('SMS_UNAVAILABLE', 'gateway busy', {
        details: { permanent: this.permanent },
      });
    }
    return this.outbox.send(message, signal);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe.each(TEST_DATABASE_KINDS)('the SMS queue on %s', (kind) => {
  const database = useTestDatabase(kind);
  const crypto = new HostCrypto(randomBytes(32));

  function queueWith(db: HostDb, clock: Clock, failures: number, permanent = false) {
    const transport = new FlakyTransport(
      new OutboxTransport(db, crypto, clock),
      failures,
      permanent,
    );
    const queue = new SmsQueue({
      db,
      crypto,
      clock,
      transports: [transport],
      logger: createLogger({ name: 'sms', level: 'silent' }),
      baseBackoffMs: 20,
      maxAttempts: 4,
    });
    return { transport, queue };
  }

  async function statusOf(id: string) {
    return database.db
      .selectFrom('sms_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  it('retries a driven text with backoff inside the budget until the gateway takes it', async () => {
    const { transport, queue } = queueWith(database.db, systemClock, 2);
    const id = await queue.enqueue(database.db, {
      msisdn: '13800138000',
      kind: 'otp',
      text: 'code 123456',
      driven: true,
    });
    expect(await queue.deliverNow(id, 2_000)).toBe(true);
    expect(transport.attempts).toBe(3);
    const row = await statusOf(id);
    expect(row).toMatchObject({
      status: 'accepted',
      attempts: 3,
      text_box: null,
      transport: 'flaky',
    });
    expect((await readOutbox(database.db, crypto)).map((m) => m.text)).toEqual(['code 123456']);
  });

  it('gives up when the budget runs out and leaves the text queued for the caller to cancel', async () => {
    const { queue } = queueWith(database.db, systemClock, 100);
    const id = await queue.enqueue(database.db, {
      msisdn: '13800138000',
      kind: 'otp',
      text: 'code 123456',
      driven: true,
    });
    expect(await queue.deliverNow(id, 100)).toBe(false);
    expect(await statusOf(id)).toMatchObject({ status: 'queued', next_attempt_at: null });
    await queue.cancel(database.db, { id });
    expect(await statusOf(id)).toMatchObject({ status: 'cancelled', text_box: null });
    expect(await readOutbox(database.db, crypto)).toEqual([]);
  });

  it('sends background texts when due, backing off after a failure, and fails them after the last attempt', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    const { transport, queue } = queueWith(database.db, clock, 100);
    const id = await queue.enqueue(database.db, {
      msisdn: '13800138000',
      kind: 'lock_started',
      text: 'locked',
    });
    expect(await queue.runDue()).toBe(0);
    expect(await statusOf(id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await queue.runDue()).toBe(0);
    expect(transport.attempts).toBe(1); // not due again before the backoff
    for (let attempt = 2; attempt <= 4; attempt += 1) {
      clock.advance(60_000);
      await queue.runDue();
    }
    expect(transport.attempts).toBe(4);
    expect(await statusOf(id)).toMatchObject({ status: 'failed', attempts: 4, text_box: null });
  });

  it('stops at once on a permanent refusal, and never sends a text past its expiry', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    const { transport, queue } = queueWith(database.db, clock, 1, true);
    const refused = await queue.enqueue(database.db, {
      msisdn: '13800138000',
      kind: 'lock_ended',
      text: 'unlocked',
    });
    await queue.runDue();
    expect(await statusOf(refused)).toMatchObject({ status: 'failed', attempts: 1 });
    const stale = await queue.enqueue(database.db, {
      msisdn: '13800138000',
      kind: 'otp',
      text: 'code 654321',
      expiresAt: new Date(clock.now() + 1_000),
    });
    clock.advance(1_000);
    await queue.runDue();
    expect(await statusOf(stale)).toMatchObject({ status: 'failed', last_error: 'expired' });
    expect(transport.attempts).toBe(1);
  });

  it('queues again a text left "sending" by a process that died, after two minutes', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    const { queue } = queueWith(database.db, clock, 0);
    const id = await queue.enqueue(database.db, {
      msisdn: '13800138000',
      kind: 'lock_started',
      text: 'locked',
    });
    await database.db
      .updateTable('sms_messages')
      .set({ status: 'sending' })
      .where('id', '=', id)
      .execute();
    expect(await queue.runDue()).toBe(0);
    clock.advance(121_000);
    expect(await queue.runDue()).toBe(1);
    expect(await statusOf(id)).toMatchObject({ status: 'accepted' });
  });
});
