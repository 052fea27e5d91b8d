import { beforeEach, describe, expect, it } from 'vitest';
import type { HostApp } from '../buildHost.js';
import { topUp } from '../accounts/accountAdmin.js';
import { readOutbox } from '../sms/OutboxTransport.js';
import { OutboxTransport } from '../sms/OutboxTransport.js';
import type { AuditKind, SmsKind } from '../store/schema.js';
import {
  createTestHost,
  TEST_DATABASE_KINDS,
  type TestHostOptions,
} from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import {
  errorCodeOf,
  type TestTerminal,
  errorOf,
  otherDigits,
} from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';
import { SwitchableTransport } from '../../testing/SwitchableTransport.js';
import { ManualClock } from '../../core/ManualClock.js';

describe.each(TEST_DATABASE_KINDS)('POST /v1/payments on %s', (kind) => {
  const database = useTestDatabase(kind);
  let app: HostApp;
  let terminal: TestTerminal;

  beforeEach(async () => {
    app = await createTestHost(database.db);
    terminal = await addTestTerminal(app);
    return () => app.close();
  });

  /** Replaces the host of this test by one built with `options`, on an emptied database. */
  async function rebuild(options: TestHostOptions): Promise<void> {
    await app.close();
    await database.reset();
    app = await createTestHost(database.db, options);
    terminal = await addTestTerminal(app);
  }

  const account = (id: string) =>
    app.context.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const ledger = (accountId: string) =>
    app.context.db
      .selectFrom('ledger_entries')
      .select(['kind', 'amount', 'balance_after'])
      .where('account_id', '=', accountId)
      .orderBy('id')
      .execute();
  const outboxSize = async (msisdn: string) =>
    (await readOutbox(app.context.db, app.context.crypto, msisdn)).length;
  const smsOf = (kind: SmsKind, msisdn: string) =>
    app.context.db
      .selectFrom('sms_messages')
      .select(['status', 'payment_id'])
      .where('kind', '=', kind)
      .where('msisdn', '=', msisdn)
      .execute();
  const auditCount = async (kind: AuditKind, accountId: string) =>
    (
      await app.context.db
        .selectFrom('audit_events')
        .select('id')
        .where('kind', '=', kind)
        .where('account_id', '=', accountId)
        .execute()
    ).length;
  const paymentCount = async () =>
    (await app.context.db.selectFrom('payments').select('id').execute()).length;
  const post = (till: TestTerminal, body: unknown) => till.request('POST', '/v1/payments', body);
  const find = (till: TestTerminal, trace: string) =>
    till.request('GET', `/v1/payments?batch=${till.batch}&trace=${trace}`);

  describe('outcomes', () => {
    it('sends a code for a sale with the right PIN and debits nothing yet', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const before = await outboxSize(card.msisdn);
      const sale = await terminal.pay(card, { amount: 1_250, trace: '000007' });
      expect(sale.status).toBe(201);
      const body = sale.body as { paymentId: string };
      expect(sale.body).toEqual({
        paymentId: body.paymentId,
        status: 'otp_sent',
        otp: {
          sentTo: `${card.msisdn.slice(0, 3)}****${card.msisdn.slice(-4)}`,
          expiresAt: new Date(app.context.clock.now() + 300_000).toISOString(),
          attemptsLeft: 3,
          resendsLeft: 2,
        },
      });
      expect(await outboxSize(card.msisdn)).toBe(before + 1);
      const texts = await readOutbox(app.context.db, app.context.crypto, card.msisdn);
      expect(texts.at(-1)?.text).toContain('12.50');
      expect(await smsOf('otp', card.msisdn)).toEqual([
        { status: 'accepted', payment_id: body.paymentId },
      ]);
      expect((await account(card.accountId)).balance).toBe(10_000);
      expect(await ledger(card.accountId)).toEqual([
        { kind: 'topup', amount: 10_000, balance_after: 10_000 },
      ]);
      const status = await find(terminal, '000007');
      expect(status.body).toMatchObject({ paymentId: body.paymentId, status: 'otp_sent' });
    });

    it('answers a balance inquiry with the balance and sends no text', async () => {
      const card = await enrollTestCard(app, { balance: 4_321 });
      const before = await outboxSize(card.msisdn);
      const reply = await terminal.pay(card, { trace: '000002' });
      expect(reply.status).toBe(200);
      const { paymentId } = reply.body as { paymentId: string };
      expect(reply.body).toEqual({
        paymentId,
        status: 'completed',
        balance: { value: 4_321, currency: 'CNY' },
      });
      expect(await outboxSize(card.msisdn)).toBe(before);
      expect(await smsOf('otp', card.msisdn)).toEqual([]);
      expect((await find(terminal, '000002')).body).toMatchObject({
        type: 'balance',
        status: 'completed',
      });
    });

    it('refuses an unknown card and a known card with the wrong token', async () => {
      const card = await enrollTestCard(app);
      const other = await enrollTestCard(app);
      const unknownUid = await terminal.pay({ ...card, uid: '04FFFFFFFFFFFF' }, { amount: 100 });
      expect(unknownUid.status).toBe(404);
      expect(errorCodeOf(unknownUid)).toBe('CARD_UNKNOWN');
      const wrongToken = await terminal.pay({ ...card, token: other.token }, { amount: 100 });
      expect(wrongToken.status).toBe(404);
      expect(errorCodeOf(wrongToken)).toBe('CARD_UNKNOWN');
      expect(await smsOf('otp', card.msisdn)).toEqual([]);
      expect((await account(card.accountId)).pin_failures).toBe(0);
    });

    it('refuses a sale the balance does not cover before any text', async () => {
      const card = await enrollTestCard(app, { balance: 1_000 });
      const before = await outboxSize(card.msisdn);
      const reply = await terminal.pay(card, { amount: 1_001, trace: '000005' });
      expect(reply.status).toBe(402);
      expect(errorCodeOf(reply)).toBe('INSUFFICIENT_FUNDS');
      expect(await outboxSize(card.msisdn)).toBe(before);
      expect(await smsOf('otp', card.msisdn)).toEqual([]);
      expect((await find(terminal, '000005')).body).toMatchObject({ status: 'declined' });
      expect((await terminal.pay(card, { amount: 1_000 })).status).toBe(201);
    });

    it('refuses an amount in another currency than the account and stores nothing', async () => {
      const card = await enrollTestCard(app);
      const body = terminal.paymentBody(card, { amount: 500, currency: 'USD', trace: '000003' });
      const reply = await post(terminal, body);
      expect(reply.status).toBe(400);
      expect(errorCodeOf(reply)).toBe('VALIDATION_FAILED');
      expect(errorOf(reply).details).toEqual([
        { field: 'amount.currency', problem: 'must be CNY' },
      ]);
      expect(await paymentCount()).toBe(0);
      expect(errorCodeOf(await find(terminal, '000003'))).toBe('PAYMENT_NOT_FOUND');
      expect(await smsOf('otp', card.msisdn)).toEqual([]);
      // Nothing was kept, so the trace is still free.
      expect((await terminal.pay(card, { amount: 500, trace: '000003' })).status).toBe(201);
    });
  });

  describe('PIN checks', () => {
    it('counts no attempt for a PIN block bound elsewhere or under an unknown key', async () => {
      const card = await enrollTestCard(app);
      const wrongPin = otherDigits(card.pin);
      const forOtherTrace = terminal.paymentBody(card, { amount: 500, pin: wrongPin });
      const rebound = { ...forOtherTrace, trace: terminal.nextTrace() };
      const reply1 = await post(terminal, rebound);
      expect(reply1.status).toBe(400);
      expect(errorOf(reply1)).toMatchObject({ code: 'PIN_BLOCK_INVALID', fault: 'not_authentic' });
      const forOtherAmount = terminal.paymentBody(card, { amount: 500 });
      const reply2 = await post(terminal, {
        ...forOtherAmount,
        amount: { value: 5, currency: 'CNY' },
      });
      expect(errorOf(reply2)).toMatchObject({ code: 'PIN_BLOCK_INVALID', fault: 'not_authentic' });
      const underOtherKey = terminal.paymentBody(card, { amount: 500, pin: wrongPin });
      const reply3 = await post(terminal, {
        ...underOtherKey,
        pinBlock: { ...underOtherKey.pinBlock, keyId: 'K-no-such-key' },
      });
      expect(reply3.status).toBe(400);
      expect(errorOf(reply3)).toMatchObject({ code: 'PIN_BLOCK_INVALID', fault: 'unknown_key' });

      expect((await account(card.accountId)).pin_failures).toBe(0);
      expect(await auditCount('pin_failed', card.accountId)).toBe(0);
      expect(await paymentCount()).toBe(0);
      const wrong = await terminal.pay(card, { amount: 500, pin: wrongPin });
      expect(wrong.status).toBe(403);
      expect(errorOf(wrong)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: 2 });
    });

    it('resets the PIN failure count on a right PIN', async () => {
      const card = await enrollTestCard(app);
      const first = await terminal.pay(card, { amount: 100, pin: otherDigits(card.pin, 1) });
      expect(errorOf(first)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: 2 });
      const second = await terminal.pay(card, { amount: 100, pin: otherDigits(card.pin, 2) });
      expect(errorOf(second)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: 1 });
      expect((await account(card.accountId)).pin_failures).toBe(2);
      expect((await terminal.pay(card, { amount: 100 })).status).toBe(201);
      expect((await account(card.accountId)).pin_failures).toBe(0);
      const third = await terminal.pay(card, { amount: 100, pin: otherDigits(card.pin, 3) });
      expect(errorOf(third)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: 2 });
      expect((await account(card.accountId)).locked_until).toBeNull();
    });
  });

  describe('idempotency on (terminal, batch, trace)', () => {
    it('replays a sent code without a second text, even after approval', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const body = terminal.paymentBody(card, { amount: 2_000 });
      const first = await post(terminal, body);
      expect(first.status).toBe(201);
      const texts = await outboxSize(card.msisdn);
      const again = await post(terminal, body);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await outboxSize(card.msisdn)).toBe(texts);
      expect(await smsOf('otp', card.msisdn)).toHaveLength(1);
      expect(await paymentCount()).toBe(1);

      const { paymentId } = first.body as { paymentId: string };
      const code = await latestCodeFor(app, card.msisdn);
      expect((await terminal.confirm(paymentId, code)).status).toBe(200);
      const late = await post(terminal, body);
      expect(late.status).toBe(201);
      expect(late.body).toEqual(first.body);
      expect(await outboxSize(card.msisdn)).toBe(texts);
      expect((await account(card.accountId)).balance).toBe(8_000);
    });

    it('replays a wrong PIN without counting a second attempt', async () => {
      const card = await enrollTestCard(app);
      const body = terminal.paymentBody(card, { amount: 100, pin: otherDigits(card.pin) });
      const first = await post(terminal, body);
      expect(errorOf(first)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: 2 });
      const again = await post(terminal, body);
      expect(again.status).toBe(403);
      expect(again.body).toEqual(first.body);
      expect((await account(card.accountId)).pin_failures).toBe(1);
      expect(await auditCount('pin_failed', card.accountId)).toBe(1);
      expect(await smsOf('otp', card.msisdn)).toEqual([]);
      const next = await terminal.pay(card, { amount: 100, pin: otherDigits(card.pin, 2) });
      expect(errorOf(next)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: 1 });
    });

    it('replays a balance as first given, not as it is now', async () => {
      const card = await enrollTestCard(app, { balance: 3_000 });
      const body = terminal.paymentBody(card, {});
      const first = await post(terminal, body);
      expect(first.body).toMatchObject({ balance: { value: 3_000, currency: 'CNY' } });
      await topUp(app.context, card.msisdn, 500, 'test');
      const again = await post(terminal, body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const fresh = await terminal.pay(card, {});
      expect(fresh.body).toMatchObject({ balance: { value: 3_500, currency: 'CNY' } });
    });

    it('refuses the same key with another body and changes nothing', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const first = await terminal.pay(card, { amount: 1_000, trace: '000042' });
      expect(first.status).toBe(201);
      const texts = await outboxSize(card.msisdn);
      const conflict = await terminal.pay(card, { amount: 1_001, trace: '000042' });
      expect(conflict.status).toBe(409);
      expect(errorCodeOf(conflict)).toBe('IDEMPOTENCY_CONFLICT');
      const wrongPin = await terminal.pay(card, {
        amount: 1_000,
        trace: '000042',
        pin: otherDigits(card.pin),
      });
      expect(errorCodeOf(wrongPin)).toBe('IDEMPOTENCY_CONFLICT');
      expect((await account(card.accountId)).pin_failures).toBe(0);
      expect(await outboxSize(card.msisdn)).toBe(texts);
      expect(await paymentCount()).toBe(1);
      expect((await find(terminal, '000042')).body).toMatchObject({
        amount: { value: 1_000, currency: 'CNY' },
        status: 'otp_sent',
      });
    });

    it('treats the same trace from another terminal as another payment', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const other = await addTestTerminal(app, 'T0000002');
      const mine = await terminal.pay(card, { amount: 1_000, trace: '000009' });
      const theirs = await other.pay(card, { amount: 1_000, trace: '000009' });
      expect(mine.status).toBe(201);
      expect(theirs.status).toBe(201);
      const id1 = (mine.body as { paymentId: string }).paymentId;
      const id2 = (theirs.body as { paymentId: string }).paymentId;
      expect(id1).not.toBe(id2);
      expect(await smsOf('otp', card.msisdn)).toHaveLength(2);
      expect((await find(terminal, '000009')).body).toMatchObject({ paymentId: id1 });
      expect((await find(other, '000009')).body).toMatchObject({ paymentId: id2 });
    });
  });

  describe('when no SMS gateway takes the code', () => {
    it('declines with SMS_UNAVAILABLE, debits nothing, and replays the 503', async () => {
      const transport = new SwitchableTransport();
      await rebuild({ smsTransport: transport, policy: { smsBudgetMs: 300 } });
      transport.inner = new OutboxTransport(app.context.db, app.context.crypto, app.context.clock);
      const card = await enrollTestCard(app, { balance: 10_000 });
      transport.failing = true;
      const attemptsBefore = transport.attempts;
      const body = terminal.paymentBody(card, { amount: 1_000 });
      const reply = await post(terminal, body);
      expect(reply.status).toBe(503);
      expect(errorCodeOf(reply)).toBe('SMS_UNAVAILABLE');
      expect(transport.attempts).toBeGreaterThan(attemptsBefore);

      const status = await find(terminal, body.trace);
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({ status: 'declined', declineCode: 'SMS_UNAVAILABLE' });
      expect(await smsOf('otp', card.msisdn)).toMatchObject([{ status: 'cancelled' }]);
      expect((await account(card.accountId)).balance).toBe(10_000);
      expect(await ledger(card.accountId)).toHaveLength(1);

      // Even with the gateway back, the retry replays the decline and sends nothing.
      transport.failing = false;
      const attempts = transport.attempts;
      const retry = await post(terminal, body);
      expect(retry.status).toBe(503);
      expect(retry.body).toEqual(reply.body);
      expect(transport.attempts).toBe(attempts);
      expect(await smsOf('otp', card.msisdn)).toHaveLength(1);
    });

    it('declines with SMS_UNAVAILABLE when every transport of the failover list refuses, and debits nothing', async () => {
      const smpp = new SwitchableTransport('smpp');
      const modem = new SwitchableTransport('gsm-modem');
      await rebuild({ smsTransports: [smpp, modem], policy: { smsBudgetMs: 300 } });
      const outbox = new OutboxTransport(app.context.db, app.context.crypto, app.context.clock);
      smpp.inner = outbox;
      modem.inner = outbox;
      const card = await enrollTestCard(app, { balance: 10_000 });
      smpp.failing = true;
      modem.failing = true;
      const before = [smpp.attempts, modem.attempts];
      const reply = await terminal.pay(card, { amount: 1_000 });
      expect(reply.status).toBe(503);
      expect(errorCodeOf(reply)).toBe('SMS_UNAVAILABLE');
      expect(smpp.attempts).toBeGreaterThan(before[0] ?? 0);
      expect(modem.attempts).toBeGreaterThan(before[1] ?? 0);
      const [text] = await app.context.db
        .selectFrom('sms_messages')
        .select(['status', 'last_error'])
        .where('kind', '=', 'otp')
        .execute();
      expect(text?.status).toBe('cancelled');
      expect(text?.last_error).toMatch(/^smpp: .*; gsm-modem: /);
      expect((await account(card.accountId)).balance).toBe(10_000);
      expect(await ledger(card.accountId)).toHaveLength(1);

      // With only the first one down, the second one takes the code and the sale goes on.
      modem.failing = false;
      const next = await terminal.pay(card, { amount: 1_000 });
      expect(next.status).toBe(201);
      const sent = await app.context.db
        .selectFrom('sms_messages')
        .select(['status', 'transport'])
        .where('kind', '=', 'otp')
        .where('status', '=', 'accepted')
        .execute();
      expect(sent).toEqual([{ status: 'accepted', transport: 'gsm-modem' }]);
    });
  });

  describe('when the phone has had its share of texts', () => {
    it('declines the code over the per-number limit with SMS_UNAVAILABLE, counting the PIN text, and debits nothing', async () => {
      const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
      await rebuild({ clock, policy: { smsPerNumberMax: 2, smsPerNumberWindowSeconds: 3600 } });
      const card = await enrollTestCard(app, { balance: 10_000 }); // text 1: the PIN
      const other = await enrollTestCard(app, { balance: 10_000 });
      expect((await terminal.pay(card, { amount: 1_000 })).status).toBe(201); // text 2
      const refused = await terminal.pay(card, { amount: 1_000 });
      expect(refused.status).toBe(503);
      expect(errorCodeOf(refused)).toBe('SMS_UNAVAILABLE');
      expect(await outboxSize(card.msisdn)).toBe(2);
      const codes = await app.context.db
        .selectFrom('sms_messages')
        .select(['status', 'last_error'])
        .where('kind', '=', 'otp')
        .where('msisdn', '=', card.msisdn)
        .orderBy('created_at')
        .execute();
      expect(codes).toEqual([
        { status: 'accepted', last_error: null },
        { status: 'failed', last_error: 'rate limited: 2 texts to this number in 3600 s' },
      ]);
      expect((await account(card.accountId)).balance).toBe(10_000);
      expect(await ledger(card.accountId)).toHaveLength(1);
      // Another phone is not held back by this one.
      expect((await terminal.pay(other, { amount: 1_000 })).status).toBe(201);
      // An hour later there is room again.
      clock.advance(3_600_000);
      expect((await terminal.pay(card, { amount: 1_000 })).status).toBe(201);
    });
  });
});
