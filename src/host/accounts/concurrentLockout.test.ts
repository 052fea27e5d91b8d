import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HostApp } from '../buildHost.js';
import {
  createTestHost,
  openTestDatabase,
  TEST_DATABASE_KINDS,
  type TestDatabase,
} from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import type { RawReply } from '../../testing/signedRequest.js';
import { errorCodeOf, type TestTerminal } from '../../testing/TestTerminal.js';
import type { AuditKind, SmsKind } from '../store/schema.js';

/**
 * Closes a test database after letting the pool's clients finish disconnecting. pg's
 * `pool.end()` resolves before its idle clients have ended, and the harness then drops the
 * database `with (force)`, which kills those half-closed sessions: with the 20 connections
 * these tests open, that surfaced as uncaught "terminating connection" errors.
 */
async function closeQuietly(database: TestDatabase): Promise<void> {
  await database.db.destroy();
  if (database.kind === 'postgres') await new Promise((resolve) => setTimeout(resolve, 200));
  await database.close();
}

/**
 * The race the lockout exists for: many wrong tries for one account arriving at once, from
 * several terminals, must count as exactly `maxAttempts` failures and lock the account once.
 * On PostgreSQL this holds only because every path reads the account `for update`; on PGlite
 * the dialect serialises transactions. Both engines run the same assertions.
 */
describe.each(TEST_DATABASE_KINDS)('concurrent tries on one account on %s', (kind) => {
  let database: TestDatabase;
  let app: HostApp;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await closeQuietly(database);
  });
  beforeEach(async () => {
    await database.reset();
    // Ten pending sales for one phone: more texts than the per-number limit lets through.
    app = await createTestHost(database.db, { policy: { smsPerNumberMax: 0 } });
    return () => app.close();
  });

  async function terminals(count: number): Promise<TestTerminal[]> {
    const made: TestTerminal[] = [];
    for (let index = 1; index <= count; index += 1) {
      made.push(await addTestTerminal(app, `T${String(index).padStart(7, '0')}`));
    }
    return made;
  }

  async function auditCount(kind: AuditKind, accountId: string): Promise<number> {
    const rows = await app.context.db
      .selectFrom('audit_events')
      .select('id')
      .where('kind', '=', kind)
      .where('account_id', '=', accountId)
      .execute();
    return rows.length;
  }

  async function smsCount(kind: SmsKind, msisdn: string): Promise<number> {
    const rows = await app.context.db
      .selectFrom('sms_messages')
      .select('id')
      .where('kind', '=', kind)
      .where('msisdn', '=', msisdn)
      .execute();
    return rows.length;
  }

  async function accountRow(accountId: string) {
    return app.context.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
  }

  function lockEnd(): string {
    return new Date(app.context.clock.now() + app.context.policy.lockSeconds * 1000).toISOString();
  }

  function errorField(reply: RawReply, field: string): unknown {
    const body = reply.body as { error?: Record<string, unknown> };
    return body.error?.[field];
  }

  it('counts 50 simultaneous wrong PINs from 5 terminals as exactly 3 and locks once', async () => {
    const tills = await terminals(5);
    const card = await enrollTestCard(app, { balance: 50_000 });
    const wrong = card.pin === '258147' ? '258148' : '258147';
    // Bodies first (each terminal numbers its own traces), then all 50 at once.
    const bodies = tills.flatMap((till) =>
      Array.from({ length: 10 }, () => ({
        till,
        body: till.paymentBody(card, { amount: 1_000, pin: wrong }),
      })),
    );
    const replies = await Promise.all(
      bodies.map(({ till, body }) => till.request('POST', '/v1/payments', body)),
    );

    const incorrect = replies.filter((reply) => errorCodeOf(reply) === 'PIN_INCORRECT');
    const locked = replies.filter((reply) => errorCodeOf(reply) === 'ACCOUNT_LOCKED');
    expect(incorrect).toHaveLength(2);
    expect(incorrect.every((reply) => reply.status === 403)).toBe(true);
    expect(incorrect.map((reply) => errorField(reply, 'attemptsLeft')).sort()).toEqual([1, 2]);
    expect(locked).toHaveLength(48);
    expect(locked.every((reply) => reply.status === 423)).toBe(true);
    const until = lockEnd();
    expect(new Set(locked.map((reply) => errorField(reply, 'lockedUntil')))).toEqual(
      new Set([until]),
    );

    expect(await auditCount('pin_failed', card.accountId)).toBe(3);
    expect(await auditCount('account_locked', card.accountId)).toBe(1);
    expect(await smsCount('lock_started', card.msisdn)).toBe(1);
    expect(await smsCount('otp', card.msisdn)).toBe(0);
    const account = await accountRow(card.accountId);
    expect(account.locked_until?.toISOString()).toBe(until);
    expect(account.pin_failures).toBe(0);
    expect(account.balance).toBe(50_000);

    const payments = await app.context.db
      .selectFrom('payments')
      .select(['status', 'decline_code'])
      .execute();
    expect(payments).toHaveLength(50);
    expect(payments.every((payment) => payment.status === 'declined')).toBe(true);
    expect(payments.filter((p) => p.decline_code === 'PIN_INCORRECT')).toHaveLength(2);
    expect(payments.filter((p) => p.decline_code === 'ACCOUNT_LOCKED')).toHaveLength(48);

    // Locked means locked: even the right PIN is refused and counts nothing.
    const right = await tills[0]?.pay(card, { amount: 1_000 });
    expect(right && errorCodeOf(right)).toBe('ACCOUNT_LOCKED');
    expect(await auditCount('pin_failed', card.accountId)).toBe(3);
  }, 60_000);

  it('counts 50 simultaneous wrong codes for 10 pending sales as exactly 3 and locks once', async () => {
    const tills = await terminals(5);
    const card = await enrollTestCard(app, { balance: 50_000 });
    const pending: { till: TestTerminal; paymentId: string; code: string }[] = [];
    for (const till of tills) {
      for (let sale = 0; sale < 2; sale += 1) {
        const reply = await till.pay(card, { amount: 500 });
        expect(reply.status).toBe(201);
        const { paymentId } = reply.body as { paymentId: string };
        pending.push({ till, paymentId, code: await latestCodeFor(app, card.msisdn) });
      }
    }
    const realCodes = new Set(pending.map((sale) => sale.code));
    let candidate = 300_000;
    const wrongCode = (): string => {
      for (;;) {
        candidate += 7_919;
        const code = String(candidate % 1_000_000).padStart(6, '0');
        if (!realCodes.has(code)) return code;
      }
    };
    // Five distinct wrong codes per payment, all different, so none is a repeat.
    const tries = pending.flatMap((sale) =>
      Array.from({ length: 5 }, () => ({ sale, code: wrongCode() })),
    );
    expect(new Set(tries.map((t) => t.code)).size).toBe(50);
    const replies = await Promise.all(
      tries.map(({ sale, code }) => sale.till.confirm(sale.paymentId, code)),
    );

    const incorrect = replies.filter((reply) => errorCodeOf(reply) === 'OTP_INCORRECT');
    const locked = replies.filter((reply) => errorCodeOf(reply) === 'ACCOUNT_LOCKED');
    expect(incorrect).toHaveLength(2);
    expect(incorrect.every((reply) => reply.status === 403)).toBe(true);
    expect(incorrect.map((reply) => errorField(reply, 'attemptsLeft')).sort()).toEqual([1, 2]);
    expect(locked).toHaveLength(48);
    expect(locked.every((reply) => reply.status === 423)).toBe(true);
    const until = lockEnd();
    expect(new Set(locked.map((reply) => errorField(reply, 'lockedUntil')))).toEqual(
      new Set([until]),
    );

    expect(await auditCount('otp_failed', card.accountId)).toBe(3);
    expect(await auditCount('pin_failed', card.accountId)).toBe(0);
    expect(await auditCount('account_locked', card.accountId)).toBe(1);
    expect(await smsCount('lock_started', card.msisdn)).toBe(1);
    const account = await accountRow(card.accountId);
    expect(account.locked_until?.toISOString()).toBe(until);
    expect(account.otp_failures).toBe(0);
    expect(account.balance).toBe(50_000);

    // The try that locked declines its own payment; the others still await a code.
    const statuses = await app.context.db
      .selectFrom('payments')
      .select(['status', 'decline_code'])
      .execute();
    expect(statuses.filter((p) => p.status === 'declined')).toEqual([
      { status: 'declined', decline_code: 'ACCOUNT_LOCKED' },
    ]);
    expect(statuses.filter((p) => p.status === 'otp_sent')).toHaveLength(9);
    const ledger = await app.context.db
      .selectFrom('ledger_entries')
      .select('kind')
      .where('account_id', '=', card.accountId)
      .execute();
    expect(ledger).toEqual([{ kind: 'topup' }]);
  }, 60_000);

  it('approves 20 simultaneous right confirms of one payment once, with one reply', async () => {
    const [till] = await terminals(1);
    if (!till) throw new Error('no terminal');
    const card = await enrollTestCard(app, { balance: 10_000 });
    const sale = await till.pay(card, { amount: 2_345 });
    expect(sale.status).toBe(201);
    const { paymentId } = sale.body as { paymentId: string };
    const code = await latestCodeFor(app, card.msisdn);

    const replies = await Promise.all(
      Array.from({ length: 20 }, () => till.confirm(paymentId, code)),
    );

    const [first] = replies;
    expect(first?.status).toBe(200);
    expect(first?.body).toMatchObject({
      paymentId,
      status: 'approved',
      amount: { value: 2_345, currency: 'CNY' },
    });
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(first?.body);
    }
    const debits = await app.context.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('payment_id', '=', paymentId)
      .execute();
    expect(debits.map((entry) => [entry.kind, entry.amount])).toEqual([['debit', -2_345]]);
    expect((await accountRow(card.accountId)).balance).toBe(10_000 - 2_345);
    expect(await auditCount('otp_failed', card.accountId)).toBe(0);
  });

  it('handles 20 simultaneous copies of one sale request as one payment', async () => {
    const [till] = await terminals(1);
    if (!till) throw new Error('no terminal');
    const card = await enrollTestCard(app, { balance: 10_000 });
    // One body (one PIN block), sent 20 times, each copy freshly signed.
    const body = till.paymentBody(card, { amount: 1_500 });
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => till.request('POST', '/v1/payments', body)),
    );

    const [first] = replies;
    expect(first?.status).toBe(201);
    expect(first?.body).toMatchObject({ status: 'otp_sent', otp: { attemptsLeft: 3 } });
    for (const reply of replies) {
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual(first?.body);
    }
    const payments = await app.context.db
      .selectFrom('payments')
      .select(['id', 'status'])
      .where('trace', '=', body.trace)
      .execute();
    expect(payments).toEqual([
      { id: (first?.body as { paymentId: string }).paymentId, status: 'otp_sent' },
    ]);
    expect(await smsCount('otp', card.msisdn)).toBe(1);
    expect((await accountRow(card.accountId)).balance).toBe(10_000);
  });

  it('counts 20 simultaneous copies of one wrong-PIN request as one failure', async () => {
    const [till] = await terminals(1);
    if (!till) throw new Error('no terminal');
    const card = await enrollTestCard(app, { balance: 10_000 });
    const wrong = card.pin === '258147' ? '258148' : '258147';
    const body = till.paymentBody(card, { amount: 1_500, pin: wrong });
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => till.request('POST', '/v1/payments', body)),
    );

    for (const reply of replies) {
      expect(reply.status).toBe(403);
      expect(reply.body).toEqual(replies[0]?.body);
    }
    expect(errorField(replies[0] ?? { status: 0, body: {}, headers: {} }, 'attemptsLeft')).toBe(2);
    expect(await auditCount('pin_failed', card.accountId)).toBe(1);
    const payments = await app.context.db.selectFrom('payments').select('id').execute();
    expect(payments).toHaveLength(1);
    expect((await accountRow(card.accountId)).pin_failures).toBe(1);
  });
});
