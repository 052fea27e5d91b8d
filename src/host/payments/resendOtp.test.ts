import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import type { HostApp } from '../buildHost.js';
import { OutboxTransport, readOutbox } from '../sms/OutboxTransport.js';
import {
  createTestHost,
  ScriptedRandom,
  TEST_DATABASE_KINDS,
  type TestHostOptions,
} from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import {
  errorCodeOf,
  type TestCard,
  type TestTerminal,
  errorOf,
} from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';
import { SwitchableTransport } from '../../testing/SwitchableTransport.js';

type Card = TestCard & { msisdn: string; accountId: string };

describe.each(TEST_DATABASE_KINDS)('POST /v1/payments/{id}/resend-otp on %s', (kind) => {
  const database = useTestDatabase(kind);
  let app: HostApp;
  let terminal: TestTerminal;
  let clock: ManualClock;
  let random: ScriptedRandom;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    random = new ScriptedRandom();
    app = await createTestHost(database.db, { clock, random });
    terminal = await addTestTerminal(app);
    return () => app.close();
  });

  /** Replaces the host of this test by one built with `options`, on an emptied database. */
  async function rebuild(options: TestHostOptions): Promise<void> {
    await app.close();
    await database.reset();
    app = await createTestHost(database.db, { clock, random, ...options });
    terminal = await addTestTerminal(app);
  }

  /** Queues the codes the host will draw next. */
  const scriptCodes = (...codes: string[]) => {
    random.otps.push(...codes);
  };
  const resend = (paymentId: string) =>
    terminal.request('POST', `/v1/payments/${paymentId}/resend-otp`, {});
  const textCount = async (msisdn: string) =>
    (await readOutbox(app.context.db, app.context.crypto, msisdn)).length;
  const balanceOf = async (accountId: string) =>
    (
      await app.context.db
        .selectFrom('accounts')
        .select('balance')
        .where('id', '=', accountId)
        .executeTakeFirstOrThrow()
    ).balance;

  async function sale(card: Card, amount = 1_000): Promise<string> {
    const reply = await terminal.pay(card, { amount });
    expect(reply.status).toBe(201);
    return (reply.body as { paymentId: string }).paymentId;
  }

  it('replaces the old code with a new one valid for the full lifetime', async () => {
    const card = await enrollTestCard(app, { balance: 10_000 });
    scriptCodes('111111', '222222');
    const paymentId = await sale(card);
    expect(await latestCodeFor(app, card.msisdn)).toBe('111111');
    clock.advance(200_000);
    const reply = await resend(paymentId);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      otp: {
        sentTo: `${card.msisdn.slice(0, 3)}****${card.msisdn.slice(-4)}`,
        expiresAt: new Date(clock.now() + 300_000).toISOString(),
        attemptsLeft: 3,
        resendsLeft: 1,
      },
    });
    expect(await latestCodeFor(app, card.msisdn)).toBe('222222');
    // Past the first code's lifetime, still within the new one's.
    clock.advance(200_000);
    const old = await terminal.confirm(paymentId, '111111');
    expect(old.status).toBe(403);
    expect(errorOf(old)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: 2 });
    const fresh = await terminal.confirm(paymentId, '222222');
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ status: 'approved' });
    expect(await balanceOf(card.accountId)).toBe(9_000);
  });

  it('keeps the failures counted before the resend', async () => {
    const card = await enrollTestCard(app);
    scriptCodes('111111', '222222');
    const paymentId = await sale(card);
    const wrong = await terminal.confirm(paymentId, '999999');
    expect(errorOf(wrong)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: 2 });
    clock.advance(30_000);
    const reply = await resend(paymentId);
    expect(reply.body).toMatchObject({ otp: { attemptsLeft: 2, resendsLeft: 1 } });
    const next = await terminal.confirm(paymentId, '888888');
    expect(errorOf(next)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: 1 });
    const last = await terminal.confirm(paymentId, '777777');
    expect(last.status).toBe(423);
    expect(errorCodeOf(last)).toBe('ACCOUNT_LOCKED');
  });

  it('makes a resend wait 30 s and says how long', async () => {
    const card = await enrollTestCard(app);
    const paymentId = await sale(card);
    const texts = await textCount(card.msisdn);
    const now = await resend(paymentId);
    expect(now.status).toBe(429);
    expect(errorOf(now)).toMatchObject({ code: 'RESEND_TOO_SOON', retryAfter: 30 });
    clock.advance(12_000);
    const soon = await resend(paymentId);
    expect(errorOf(soon)).toMatchObject({ code: 'RESEND_TOO_SOON', retryAfter: 18 });
    clock.advance(17_500);
    expect(errorOf(await resend(paymentId))).toMatchObject({ retryAfter: 1 });
    expect(await textCount(card.msisdn)).toBe(texts);
    clock.advance(500);
    expect((await resend(paymentId)).status).toBe(200);
    expect(await textCount(card.msisdn)).toBe(texts + 1);
  });

  it('allows two resends, counting resendsLeft down, then RESEND_LIMIT', async () => {
    const card = await enrollTestCard(app);
    const paymentId = await sale(card);
    for (const left of [1, 0]) {
      clock.advance(30_000);
      const reply = await resend(paymentId);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ paymentId, otp: { resendsLeft: left } });
    }
    const texts = await textCount(card.msisdn);
    clock.advance(30_000);
    const refused = await resend(paymentId);
    expect(refused.status).toBe(429);
    expect(errorCodeOf(refused)).toBe('RESEND_LIMIT');
    expect(await textCount(card.msisdn)).toBe(texts);
    const code = await latestCodeFor(app, card.msisdn);
    expect((await terminal.confirm(paymentId, code)).status).toBe(200);
  });

  it('sends nothing more for a resend retried inside the cooldown', async () => {
    const card = await enrollTestCard(app);
    scriptCodes('111111', '222222', '333333');
    const paymentId = await sale(card);
    clock.advance(30_000);
    const first = await resend(paymentId);
    expect(first.status).toBe(200);
    const texts = await textCount(card.msisdn);
    clock.advance(2_000);
    const retried = await resend(paymentId);
    expect(retried.status).toBe(429);
    expect(errorOf(retried)).toMatchObject({ code: 'RESEND_TOO_SOON', retryAfter: 28 });
    expect(await textCount(card.msisdn)).toBe(texts);
    expect((await terminal.confirm(paymentId, '222222')).status).toBe(200);
  });

  it('refuses a resend for an expired, approved, balance or unknown payment', async () => {
    const card = await enrollTestCard(app);
    const expiring = await sale(card);
    const approved = await sale(card);
    expect((await terminal.confirm(approved, await latestCodeFor(app, card.msisdn))).status).toBe(
      200,
    );
    const balance = ((await terminal.pay(card, {})).body as { paymentId: string }).paymentId;
    clock.advance(300_000);
    for (const id of [expiring, approved, balance]) {
      const reply = await resend(id);
      expect(reply.status).toBe(409);
      expect(errorCodeOf(reply)).toBe('PAYMENT_STATE');
    }
    const unknown = await resend('P-no-such-payment');
    expect(unknown.status).toBe(404);
    expect(errorCodeOf(unknown)).toBe('PAYMENT_NOT_FOUND');
    const other = await addTestTerminal(app, 'T0000002');
    const foreign = await other.request('POST', `/v1/payments/${expiring}/resend-otp`, {});
    expect(errorCodeOf(foreign)).toBe('PAYMENT_NOT_FOUND');
  });

  it('keeps the old code when the new one cannot be sent', async () => {
    const transport = new SwitchableTransport();
    await rebuild({ smsTransport: transport, policy: { smsBudgetMs: 300 } });
    transport.inner = new OutboxTransport(app.context.db, app.context.crypto, app.context.clock);
    const card = await enrollTestCard(app, { balance: 10_000 });
    scriptCodes('111111', '222222', '333333');
    const paymentId = await sale(card);
    clock.advance(30_000);
    transport.failing = true;
    const failed = await resend(paymentId);
    expect(failed.status).toBe(503);
    expect(errorCodeOf(failed)).toBe('SMS_UNAVAILABLE');
    expect(await latestCodeFor(app, card.msisdn)).toBe('111111');
    const unsent = await app.context.db
      .selectFrom('sms_messages')
      .select('status')
      .where('payment_id', '=', paymentId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(unsent.map((row) => row.status).sort()).toEqual(['accepted', 'cancelled']);

    // The code that never left the host does not work; the one the customer holds does.
    transport.failing = false;
    const wrong = await terminal.confirm(paymentId, '222222');
    expect(errorOf(wrong)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: 2 });
    expect((await terminal.confirm(paymentId, '111111')).status).toBe(200);
    expect(await balanceOf(card.accountId)).toBe(9_000);
  });

  it('does not use up a resend whose text failed', async () => {
    const transport = new SwitchableTransport();
    await rebuild({ smsTransport: transport, policy: { smsBudgetMs: 300 } });
    transport.inner = new OutboxTransport(app.context.db, app.context.crypto, app.context.clock);
    const card = await enrollTestCard(app, { balance: 10_000 });
    scriptCodes('111111', '222222', '333333');
    const paymentId = await sale(card);
    clock.advance(30_000);
    transport.failing = true;
    expect((await resend(paymentId)).status).toBe(503);
    transport.failing = false;
    const again = await resend(paymentId);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ otp: { resendsLeft: 1 } });
    expect(await latestCodeFor(app, card.msisdn)).toBe('333333');
    expect(errorCodeOf(await terminal.confirm(paymentId, '111111'))).toBe('OTP_INCORRECT');
    expect((await terminal.confirm(paymentId, '333333')).status).toBe(200);
  });
});
