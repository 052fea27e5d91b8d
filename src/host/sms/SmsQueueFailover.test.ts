import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { systemClock, type Clock } from '../../core/clock.js';
import { createLogger } from '../../core/logger.js';
import { ManualClock } from '../../core/ManualClock.js';
import { TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { ScriptedSmsTransport } from '../../testing/ScriptedSmsTransport.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';
import { HostCrypto } from '../crypto/HostCrypto.js';
import type { SmsKind } from '../store/schema.js';
import type { PerNumberLimit } from './perNumberLimit.js';
import { SmsQueue } from './SmsQueue.js';

const NUMBER = '13800138000';

describe.each(TEST_DATABASE_KINDS)('the SMS queue with several transports on %s', (kind) => {
  const database = useTestDatabase(kind);
  const crypto = new HostCrypto(randomBytes(32));

  function queueOver(
    transports: ScriptedSmsTransport[],
    options: { clock?: Clock; limit?: PerNumberLimit; attemptTimeoutMs?: number } = {},
  ) {
    return new SmsQueue({
      db: database.db,
      crypto,
      clock: options.clock ?? systemClock,
      transports,
      logger: createLogger({ name: 'sms', level: 'silent' }),
      baseBackoffMs: 20,
      maxAttempts: 3,
      ...(options.limit ? { perNumberLimit: options.limit } : {}),
      ...(options.attemptTimeoutMs ? { attemptTimeoutMs: options.attemptTimeoutMs } : {}),
    });
  }

  const enqueue = (
    queue: SmsQueue,
    sms: { kind?: SmsKind; text?: string; driven?: boolean; expiresAt?: Date; msisdn?: string },
  ) =>
    queue.enqueue(database.db, {
      msisdn: sms.msisdn ?? NUMBER,
      kind: sms.kind ?? 'otp',
      text: sms.text ?? 'ComboPay text',
      ...(sms.driven === undefined ? {} : { driven: sms.driven }),
      ...(sms.expiresAt ? { expiresAt: sms.expiresAt } : {}),
    });

  const row = (id: string) =>
    database.db
      .selectFrom('sms_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  describe('failover', () => {
    it('passes a text the first transport refuses for now to the next, and records which took it', async () => {
      const smpp = new ScriptedSmsTransport('smpp', ['temporary']);
      const modem = new ScriptedSmsTransport('gsm-modem');
      const queue = queueOver([smpp, modem]);
      const id = await enqueue(queue, { driven: true, text: 'code for you' });
      expect(await queue.deliverNow(id, 2_000)).toBe(true);
      expect(smpp.calls).toBe(1);
      expect(modem.sent.map((m) => m.text)).toEqual(['code for you']);
      expect(await row(id)).toMatchObject({
        status: 'accepted',
        attempts: 1,
        transport: 'gsm-modem',
        transport_ref: 'gsm-modem-1',
        last_error: null,
        text_box: null,
      });
      expect((await row(id)).accepted_at).toBeInstanceOf(Date);
    });

    it('prefers the first transport whenever it accepts', async () => {
      const smpp = new ScriptedSmsTransport('smpp');
      const modem = new ScriptedSmsTransport('gsm-modem');
      const queue = queueOver([smpp, modem]);
      const id = await enqueue(queue, { driven: true });
      expect(await queue.deliverNow(id, 2_000)).toBe(true);
      expect(modem.calls).toBe(0);
      expect(await row(id)).toMatchObject({ transport: 'smpp', transport_ref: 'smpp-1' });
    });

    it('does not fail over a permanent refusal: retrying elsewhere cannot help', async () => {
      const smpp = new ScriptedSmsTransport('smpp', ['permanent']);
      const modem = new ScriptedSmsTransport('gsm-modem');
      const queue = queueOver([smpp, modem]);
      const id = await enqueue(queue, { driven: true });
      expect(await queue.deliverNow(id, 2_000)).toBe(false);
      expect(modem.calls).toBe(0);
      expect(await row(id)).toMatchObject({
        status: 'failed',
        transport: 'smpp',
        last_error: 'smpp: SMS_UNAVAILABLE: smpp refuses the number',
        text_box: null,
      });
    });

    it('gives a hanging first transport only its share of the budget, so the next one still gets a turn', async () => {
      const smpp = new ScriptedSmsTransport('smpp', [], 'hang');
      const modem = new ScriptedSmsTransport('gsm-modem');
      const queue = queueOver([smpp, modem]);
      const id = await enqueue(queue, { driven: true });
      const started = performance.now();
      expect(await queue.deliverNow(id, 1_000)).toBe(true);
      expect(performance.now() - started).toBeLessThan(900);
      expect(await row(id)).toMatchObject({ status: 'accepted', transport: 'gsm-modem' });
    });

    it('counts one attempt when every transport refused, names each refusal, and starts again from the first', async () => {
      const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
      const smpp = new ScriptedSmsTransport('smpp', ['temporary']);
      const modem = new ScriptedSmsTransport('gsm-modem', ['temporary']);
      const queue = queueOver([smpp, modem], { clock });
      const id = await enqueue(queue, { kind: 'lock_started' });
      expect(await queue.runDue()).toBe(0);
      expect(await row(id)).toMatchObject({
        status: 'queued',
        attempts: 1,
        transport: 'gsm-modem',
        last_error: 'smpp: SMS_UNAVAILABLE: smpp busy; gsm-modem: SMS_UNAVAILABLE: gsm-modem busy',
      });
      clock.advance(1_000);
      expect(await queue.runDue()).toBe(1);
      expect(await row(id)).toMatchObject({ status: 'accepted', attempts: 2, transport: 'smpp' });
      expect([smpp.calls, modem.calls]).toEqual([2, 1]);
    });

    it('fails a text after the last attempt when no transport ever takes it', async () => {
      const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
      const smpp = new ScriptedSmsTransport('smpp', [], 'temporary');
      const modem = new ScriptedSmsTransport('gsm-modem', [], 'temporary');
      const queue = queueOver([smpp, modem], { clock });
      const id = await enqueue(queue, { kind: 'lock_ended' });
      for (let pass = 0; pass < 3; pass += 1) {
        await queue.runDue();
        clock.advance(60_000);
      }
      expect(await row(id)).toMatchObject({ status: 'failed', attempts: 3, text_box: null });
      expect([smpp.calls, modem.calls]).toEqual([3, 3]);
    });

    it('closes every transport', async () => {
      const transports = [new ScriptedSmsTransport('smpp'), new ScriptedSmsTransport('http')];
      await queueOver(transports).close();
      expect(transports.map((t) => t.closed)).toEqual([true, true]);
    });
  });

  describe('delivery reports', () => {
    it('marks a text delivered, or its delivery failed, with the report’s time, matched by transport and reference', async () => {
      const smpp = new ScriptedSmsTransport('smpp', ['temporary']);
      const modem = new ScriptedSmsTransport('gsm-modem');
      const queue = queueOver([smpp, modem]);
      const first = await enqueue(queue, { driven: true });
      const second = await enqueue(queue, { driven: true });
      await queue.deliverNow(first, 2_000);
      await queue.deliverNow(second, 2_000);
      expect((await row(second)).transport).toBe('smpp'); // smpp took the second one

      const deliveredAt = new Date(Date.UTC(2026, 10, 23, 8, 0, 5));
      // A report from another transport that happens to use the same reference matches nothing.
      smpp.report('gsm-modem-1', false, deliveredAt);
      modem.report('gsm-modem-1', true, deliveredAt);
      smpp.report('smpp-1', false, deliveredAt);
      await vi.waitFor(async () => {
        expect(await row(first)).toMatchObject({
          status: 'delivered',
          delivery: 'delivered',
          delivery_at: deliveredAt,
        });
        expect(await row(second)).toMatchObject({
          status: 'accepted',
          delivery: 'failed',
          delivery_at: deliveredAt,
        });
      });
    });

    it('records a report that arrives before the queue has written the acceptance', async () => {
      const smpp = new ScriptedSmsTransport('smpp');
      smpp.beforeAccept = (ref) => smpp.report(ref, true, new Date());
      const queue = queueOver([smpp]);
      const id = await enqueue(queue, { driven: true });
      expect(await queue.deliverNow(id, 2_000)).toBe(true);
      await vi.waitFor(async () => {
        expect(await row(id)).toMatchObject({ status: 'delivered', delivery: 'delivered' });
      });
    });
  });

  describe('per-number limit', () => {
    const limit = { max: 2, windowSeconds: 3600 };

    it('refuses a code over the limit at once, without offering it to any transport', async () => {
      const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
      const smpp = new ScriptedSmsTransport('smpp');
      const queue = queueOver([smpp], { clock, limit });
      // An enrollment PIN and a lock notice count as much as codes do.
      for (const kind of ['enrollment_pin', 'lock_started'] as const) {
        const id = await enqueue(queue, { kind, driven: true });
        expect(await queue.deliverNow(id, 2_000)).toBe(true);
      }
      const code = await enqueue(queue, {
        driven: true,
        expiresAt: new Date(clock.now() + 300_000),
      });
      expect(await queue.deliverNow(code, 2_000)).toBe(false);
      expect(smpp.calls).toBe(2);
      expect(await row(code)).toMatchObject({
        status: 'failed',
        attempts: 0,
        text_box: null,
        last_error: 'rate limited: 2 texts to this number in 3600 s',
      });
      // Another number is not affected.
      const other = await enqueue(queue, {
        driven: true,
        msisdn: '13900139000',
        expiresAt: new Date(clock.now() + 300_000),
      });
      expect(await queue.deliverNow(other, 2_000)).toBe(true);
    });

    it('holds other texts until the window has room, then sends them', async () => {
      const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
      const smpp = new ScriptedSmsTransport('smpp');
      const queue = queueOver([smpp], { clock, limit });
      const firstAt = clock.now();
      await queue.deliverNow(await enqueue(queue, { driven: true }), 2_000);
      clock.advance(600_000);
      await queue.deliverNow(await enqueue(queue, { driven: true }), 2_000);
      const notice = await enqueue(queue, { kind: 'lock_started' });
      expect(await queue.runDue()).toBe(0);
      expect(await row(notice)).toMatchObject({
        status: 'queued',
        attempts: 0,
        next_attempt_at: new Date(firstAt + 3_600_000),
      });
      clock.advance(3_000_000 - 1);
      expect(await queue.runDue()).toBe(0);
      clock.advance(1);
      expect(await queue.runDue()).toBe(1);
      expect(await row(notice)).toMatchObject({ status: 'accepted' });
      expect(smpp.calls).toBe(3);
    });

    it('counts only texts a transport took: failed and cancelled ones leave room', async () => {
      const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
      const smpp = new ScriptedSmsTransport('smpp', ['permanent', 'permanent']);
      const queue = queueOver([smpp], { clock, limit });
      await queue.deliverNow(await enqueue(queue, { driven: true }), 2_000);
      await queue.deliverNow(await enqueue(queue, { driven: true }), 2_000);
      await queue.cancel(database.db, { id: await enqueue(queue, { driven: true }) });
      const code = await enqueue(queue, { driven: true, expiresAt: new Date(clock.now() + 1e5) });
      expect(await queue.deliverNow(code, 2_000)).toBe(true);
    });
  });
});
