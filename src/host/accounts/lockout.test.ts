import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import type { HostApp } from '../buildHost.js';
import { readOutbox } from '../sms/OutboxTransport.js';
import type { AuditKind, SmsKind } from '../store/schema.js';
import {
  createTestHost,
  TEST_DATABASE_KINDS,
  type TestHostOptions,
} from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import type { RawReply } from '../../testing/signedRequest.js';
import {
  errorCodeOf,
  type TestCard,
  type TestTerminal,
  errorOf,
  otherDigits,
} from '../../testing/TestTerminal.js';
import { unlockAccount } from './accountAdmin.js';
import { runMaintenance } from '../runMaintenance.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

type Card = TestCard & { msisdn: string; accountId: string };

const DAY_MS = 24 * 3_600_000;

describe.each(TEST_DATABASE_KINDS)('account lockout on %s', (kind) => {
  const database = useTestDatabase(kind);
  let app: HostApp;
  let terminal: TestTerminal;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    app = await createTestHost(database.db, { clock });
    terminal = await addTestTerminal(app);
    return () => app.close();
  });

  /** Replaces the host of this test by one built with `options`, on an emptied database. */
  async function rebuild(options: TestHostOptions): Promise<void> {
    await app.close();
    await database.reset();
    app = await createTestHost(database.db, { clock, ...options });
    terminal = await addTestTerminal(app);
  }

  const account = (id: string) =>
    app.context.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const audit = (kind: AuditKind, accountId: string) =>
    app.context.db
      .selectFrom('audit_events')
      .select(['actor', 'reason', 'terminal_id', 'payment_id'])
      .where('kind', '=', kind)
      .where('account_id', '=', accountId)
      .orderBy('id')
      .execute();
  const sms = (kind: SmsKind, msisdn: string) =>
    app.context.db
      .selectFrom('sms_messages')
      .select('status')
      .where('kind', '=', kind)
      .where('msisdn', '=', msisdn)
      .execute();
  const wrongPin = (card: Card, step: number) =>
    terminal.pay(card, { amount: 100, pin: otherDigits(card.pin, step) });

  /** Wrong PINs until the account locks; returns the locking reply. */
  async function lockByPin(card: Card, tries = 3): Promise<RawReply> {
    for (let step = 1; step < tries; step += 1) {
      const reply = await wrongPin(card, step);
      expect(errorOf(reply)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: tries - step });
    }
    const locking = await wrongPin(card, tries);
    expect(locking.status).toBe(423);
    return locking;
  }

  it('locks on the third wrong PIN for 24 h, audited and told by SMS', async () => {
    const card = await enrollTestCard(app, { balance: 10_000 });
    const pending = await terminal.pay(card, { amount: 1_000 });
    const { paymentId } = pending.body as { paymentId: string };
    const code = await latestCodeFor(app, card.msisdn);

    const locking = await lockByPin(card);
    const lockedUntil = new Date(clock.now() + DAY_MS).toISOString();
    expect(errorOf(locking)).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil });
    expect(await account(card.accountId)).toMatchObject({
      locked_until: new Date(lockedUntil),
      pin_failures: 0,
      otp_failures: 0,
    });
    expect(await audit('pin_failed', card.accountId)).toHaveLength(3);
    const [locked, ...more] = await audit('account_locked', card.accountId);
    expect(more).toEqual([]);
    expect(locked).toMatchObject({ reason: 'too many wrong PINs', terminal_id: 'T0000001' });
    expect(await sms('lock_started', card.msisdn)).toEqual([{ status: 'queued' }]);
    await app.context.sms.runDue();
    expect(await sms('lock_started', card.msisdn)).toEqual([{ status: 'accepted' }]);
    const texts = await readOutbox(app.context.db, app.context.crypto, card.msisdn);
    // 24 h from 2026-11-23T08:00Z, written in the texts' zone (Asia/Shanghai, UTC+8).
    expect(texts.at(-1)?.text).toContain('锁定至2026-11-24 16:00');

    // The lock covers the code step too, and checks nothing.
    const confirm = await terminal.confirm(paymentId, code);
    expect(errorOf(confirm)).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil });
    clock.advance(30_000);
    const resend = await terminal.request('POST', `/v1/payments/${paymentId}/resend-otp`, {});
    expect(errorOf(resend)).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil });
    const balance = await terminal.pay(card, {});
    expect(errorOf(balance)).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil });
    expect((await account(card.accountId)).balance).toBe(10_000);
    expect(await audit('pin_failed', card.accountId)).toHaveLength(3);
  });

  it('ends the lock after 24 h by the clock, with the counts afresh', async () => {
    const card = await enrollTestCard(app, { balance: 10_000 });
    await lockByPin(card);
    const lockedUntil = new Date(clock.now() + DAY_MS).toISOString();
    clock.advance(DAY_MS - 1_000);
    const stillLocked = await terminal.pay(card, { amount: 100 });
    expect(stillLocked.status).toBe(423);
    expect(errorOf(stillLocked)).toMatchObject({ lockedUntil });
    clock.advance(1_000);
    const sale = await terminal.pay(card, { amount: 100 });
    expect(sale.status).toBe(201);
    expect(sale.body).toMatchObject({ otp: { attemptsLeft: 3 } });
    const wrong = await wrongPin(card, 7);
    expect(errorOf(wrong)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: 2 });
  });

  it('locks on wrong codes and starts both counts afresh after', async () => {
    const card = await enrollTestCard(app, { balance: 10_000 });
    const sale = await terminal.pay(card, { amount: 100 });
    const { paymentId } = sale.body as { paymentId: string };
    const code = await latestCodeFor(app, card.msisdn);
    await wrongPin(card, 1);
    await wrongPin(card, 2);
    expect((await account(card.accountId)).pin_failures).toBe(2);
    for (const step of [1, 2, 3]) await terminal.confirm(paymentId, otherDigits(code, step));
    const row = await account(card.accountId);
    expect(row.locked_until?.getTime()).toBe(clock.now() + DAY_MS);
    expect(row).toMatchObject({ pin_failures: 0, otp_failures: 0 });
    const [locked] = await audit('account_locked', card.accountId);
    expect(locked).toMatchObject({ reason: 'too many wrong codes', payment_id: paymentId });
    const balance = await terminal.pay(card, {});
    expect(errorCodeOf(balance)).toBe('ACCOUNT_LOCKED');

    clock.advance(DAY_MS);
    const first = await wrongPin(card, 3);
    expect(errorOf(first)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: 2 });
    expect((await terminal.pay(card, {})).status).toBe(200);
  });

  it('is lifted by unlockAccount, audited with who and why, and told by SMS', async () => {
    const card = await enrollTestCard(app, { balance: 10_000 });
    await lockByPin(card);
    const view = await unlockAccount(app.context, {
      msisdn: card.msisdn,
      actor: 'ops-alice',
      reason: 'customer verified at the branch',
    });
    expect(view).toMatchObject({ locked: false, lockedUntil: null, pinFailures: 0 });
    expect(await audit('account_unlocked', card.accountId)).toEqual([
      {
        actor: 'ops-alice',
        reason: 'customer verified at the branch',
        terminal_id: null,
        payment_id: null,
      },
    ]);
    expect(await sms('lock_ended', card.msisdn)).toEqual([{ status: 'accepted' }]);
    const texts = await readOutbox(app.context.db, app.context.crypto, card.msisdn);
    expect(texts.at(-1)?.text).toContain('解锁');
    expect((await account(card.accountId)).locked_until).toBeNull();

    const sale = await terminal.pay(card, { amount: 100 });
    expect(sale.status).toBe(201);
    const wrong = await wrongPin(card, 5);
    expect(errorOf(wrong)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: 2 });
  });

  it('tells the customer by SMS when the lock runs out, once, audited without an actor', async () => {
    const card = await enrollTestCard(app, { balance: 10_000 });
    await lockByPin(card);
    await runMaintenance(app.context);
    expect(await sms('lock_ended', card.msisdn)).toEqual([]); // not yet over

    clock.advance(DAY_MS);
    await runMaintenance(app.context);
    expect(await sms('lock_ended', card.msisdn)).toEqual([{ status: 'accepted' }]);
    const texts = await readOutbox(app.context.db, app.context.crypto, card.msisdn);
    expect(texts.at(-1)?.text).toContain('解锁');
    expect((await account(card.accountId)).locked_until).toBeNull();
    expect(await audit('account_unlocked', card.accountId)).toEqual([
      { actor: null, reason: 'the lock expired', terminal_id: null, payment_id: null },
    ]);

    // The next pass finds nothing to end, and an operator's unlock now sends no second text.
    await runMaintenance(app.context);
    await unlockAccount(app.context, { msisdn: card.msisdn, actor: 'ops-bob', reason: 'check' });
    expect(await sms('lock_ended', card.msisdn)).toHaveLength(1);
  });

  it('sends no lock_ended text when unlocking an account that was not locked', async () => {
    const card = await enrollTestCard(app);
    await wrongPin(card, 1);
    await unlockAccount(app.context, { msisdn: card.msisdn, actor: 'ops-bob', reason: 'check' });
    expect(await sms('lock_ended', card.msisdn)).toEqual([]);
    expect(await audit('account_unlocked', card.accountId)).toHaveLength(1);
    expect((await account(card.accountId)).pin_failures).toBe(0);
  });

  it('honours a changed maxAttempts and lockSeconds', async () => {
    await rebuild({ policy: { maxAttempts: 5, lockSeconds: 3_600 } });
    const card = await enrollTestCard(app, { balance: 10_000 });
    const sale = await terminal.pay(card, { amount: 100 });
    expect(sale.body).toMatchObject({ otp: { attemptsLeft: 5 } });
    const { paymentId } = sale.body as { paymentId: string };
    const code = await latestCodeFor(app, card.msisdn);
    const wrongCode = await terminal.confirm(paymentId, otherDigits(code));
    expect(errorOf(wrongCode)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: 4 });

    const locking = await lockByPin(card, 5);
    const lockedUntil = new Date(clock.now() + 3_600_000).toISOString();
    expect(errorOf(locking)).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil });
    clock.advance(3_599_000);
    expect(errorCodeOf(await terminal.pay(card, {}))).toBe('ACCOUNT_LOCKED');
    clock.advance(1_000);
    expect((await terminal.pay(card, {})).status).toBe(200);
  });
});
