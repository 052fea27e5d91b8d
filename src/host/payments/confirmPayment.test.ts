import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import type { HostApp } from '../buildHost.js';
import type { AuditKind, SmsKind } from '../store/schema.js';
import { createTestHost, ScriptedRandom, TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import {
  errorCodeOf,
  type TestCard,
  type TestTerminal,
  errorOf,
  otherDigits,
} from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

type Card = TestCard & { msisdn: string; accountId: string };

describe.each(TEST_DATABASE_KINDS)('POST /v1/payments/{id}/confirm on %s', (kind) => {
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

  const account = (id: string) =>
    app.context.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const debits = (accountId: string) =>
    app.context.db
      .selectFrom('ledger_entries')
      .select(['amount', 'balance_after', 'payment_id'])
      .where('account_id', '=', accountId)
      .where('kind', '=', 'debit')
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
  const smsCount = async (kind: SmsKind, msisdn: string) =>
    (
      await app.context.db
        .selectFrom('sms_messages')
        .select('id')
        .where('kind', '=', kind)
        .where('msisdn', '=', msisdn)
        .execute()
    ).length;
  const statusOf = async (paymentId: string, till = terminal) =>
    ((await till.request('GET', `/v1/payments/${paymentId}`)).body as { status?: string }).status;

  /** A sale whose code was sent: its id and the code read from the phone's texts. */
  async function sale(card: Card, amount: number): Promise<{ paymentId: string; code: string }> {
    const reply = await terminal.pay(card, { amount });
    expect(reply.status).toBe(201);
    const { paymentId } = reply.body as { paymentId: string };
    return { paymentId, code: await latestCodeFor(app, card.msisdn) };
  }

  describe('the right code', () => {
    it('debits exactly once and replays the same approval', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const { paymentId, code } = await sale(card, 1_250);
      const approved = await terminal.confirm(paymentId, code);
      expect(approved.status).toBe(200);
      expect(approved.body).toEqual({
        paymentId,
        status: 'approved',
        authCode: expect.stringMatching(/^[A-Z0-9]{6}$/) as unknown,
        reference: expect.stringMatching(/^\d{12}$/) as unknown,
        approvedAt: new Date(clock.now()).toISOString(),
        amount: { value: 1_250, currency: 'CNY' },
      });
      clock.advance(5_000);
      const again = await terminal.confirm(paymentId, code);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(approved.body);
      expect(await debits(card.accountId)).toEqual([
        { amount: -1_250, balance_after: 8_750, payment_id: paymentId },
      ]);
      expect((await account(card.accountId)).balance).toBe(8_750);
      expect((await terminal.request('GET', `/v1/payments/${paymentId}`)).body).toMatchObject({
        status: 'approved',
        authCode: (approved.body as { authCode: string }).authCode,
        reference: (approved.body as { reference: string }).reference,
      });
    });

    it('works only for the payment it was sent for', async () => {
      random.otps.push('123456', '654321');
      const card = await enrollTestCard(app, { balance: 10_000 });
      const a = await sale(card, 1_000);
      const b = await sale(card, 2_000);
      expect([a.code, b.code]).toEqual(['123456', '654321']);
      const crossed = await terminal.confirm(b.paymentId, a.code);
      expect(crossed.status).toBe(403);
      expect(errorOf(crossed)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: 2 });
      expect(await statusOf(b.paymentId)).toBe('otp_sent');
      expect((await terminal.confirm(a.paymentId, a.code)).status).toBe(200);
      expect((await terminal.confirm(b.paymentId, b.code)).status).toBe(200);
      expect((await account(card.accountId)).balance).toBe(7_000);
    });

    it('declines with INSUFFICIENT_FUNDS when the balance fell meanwhile', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const first = await sale(card, 6_000);
      const second = await sale(card, 6_000);
      expect((await terminal.confirm(first.paymentId, first.code)).status).toBe(200);
      const short = await terminal.confirm(second.paymentId, second.code);
      expect(short.status).toBe(402);
      expect(errorCodeOf(short)).toBe('INSUFFICIENT_FUNDS');
      expect(await statusOf(second.paymentId)).toBe('declined');
      const again = await terminal.confirm(second.paymentId, second.code);
      expect(again.status).toBe(402);
      expect(again.body).toEqual(short.body);
      expect((await account(card.accountId)).balance).toBe(4_000);
      expect(await debits(card.accountId)).toHaveLength(1);
    });
  });

  describe('wrong codes', () => {
    it('counts down, ignores a repeat, and locks on the third distinct code', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const { paymentId, code } = await sale(card, 1_000);
      const first = await terminal.confirm(paymentId, otherDigits(code, 1));
      expect(first.status).toBe(403);
      expect(errorOf(first)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: 2 });
      const repeat = await terminal.confirm(paymentId, otherDigits(code, 1));
      expect(errorOf(repeat)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: 2 });
      expect((await account(card.accountId)).otp_failures).toBe(1);
      expect(await auditCount('otp_failed', card.accountId)).toBe(1);
      const second = await terminal.confirm(paymentId, otherDigits(code, 2));
      expect(errorOf(second)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: 1 });
      expect(await smsCount('lock_started', card.msisdn)).toBe(0);

      const third = await terminal.confirm(paymentId, otherDigits(code, 3));
      expect(third.status).toBe(423);
      const lockedUntil = new Date(clock.now() + 24 * 3_600_000).toISOString();
      expect(errorOf(third)).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil });
      expect(await statusOf(paymentId)).toBe('declined');
      expect((await account(card.accountId)).locked_until?.toISOString()).toBe(lockedUntil);
      expect(await smsCount('lock_started', card.msisdn)).toBe(1);
      expect(await auditCount('account_locked', card.accountId)).toBe(1);
      expect((await account(card.accountId)).balance).toBe(10_000);

      // Locked: the right code no longer helps, and a sale with the right PIN checks nothing.
      const right = await terminal.confirm(paymentId, code);
      expect(errorOf(right)).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil });
      const newSale = await terminal.pay(card, { amount: 100 });
      expect(newSale.status).toBe(423);
      expect(errorOf(newSale)).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil });
      const wrongPin = await terminal.pay(card, { amount: 100, pin: otherDigits(card.pin) });
      expect(errorOf(wrongPin)).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil });
      expect((await account(card.accountId)).pin_failures).toBe(0);
      expect(await auditCount('pin_failed', card.accountId)).toBe(0);
      expect(await smsCount('otp', card.msisdn)).toBe(1);
      expect((await account(card.accountId)).balance).toBe(10_000);
    });

    it('keeps the code and PIN failure counts apart', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const { paymentId, code } = await sale(card, 1_000);
      for (const [step, left] of [
        [1, 2],
        [2, 1],
      ] as const) {
        const reply = await terminal.confirm(paymentId, otherDigits(code, step));
        expect(errorOf(reply)).toMatchObject({ code: 'OTP_INCORRECT', attemptsLeft: left });
      }
      for (const [step, left] of [
        [1, 2],
        [2, 1],
      ] as const) {
        const reply = await terminal.pay(card, { amount: 100, pin: otherDigits(card.pin, step) });
        expect(errorOf(reply)).toMatchObject({ code: 'PIN_INCORRECT', attemptsLeft: left });
      }
      const row = await account(card.accountId);
      expect(row).toMatchObject({ pin_failures: 2, otp_failures: 2, locked_until: null });
      expect((await terminal.confirm(paymentId, code)).status).toBe(200);
      expect(await account(card.accountId)).toMatchObject({ pin_failures: 2, otp_failures: 0 });
    });
  });

  describe('expiry', () => {
    it('accepts a code at 299 s and refuses it from 300 s on', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const early = await sale(card, 1_000);
      const late = await sale(card, 2_000);
      clock.advance(299_000);
      expect((await terminal.confirm(early.paymentId, early.code)).status).toBe(200);
      clock.advance(1_000);
      const expired = await terminal.confirm(late.paymentId, late.code);
      expect(expired.status).toBe(410);
      expect(errorCodeOf(expired)).toBe('OTP_EXPIRED');
      expect(await statusOf(late.paymentId)).toBe('expired');
      const row = await app.context.db
        .selectFrom('payments')
        .select(['status', 'decline_code'])
        .where('id', '=', late.paymentId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'expired', decline_code: 'OTP_EXPIRED' });
      const again = await terminal.confirm(late.paymentId, late.code);
      expect(again.status).toBe(410);
      expect(errorCodeOf(again)).toBe('OTP_EXPIRED');
      const wrong = await terminal.confirm(late.paymentId, otherDigits(late.code));
      expect(wrong.status).toBe(410);
      expect(await debits(card.accountId)).toHaveLength(1);
      expect((await account(card.accountId)).balance).toBe(9_000);
      expect((await account(card.accountId)).otp_failures).toBe(0);
      expect(await auditCount('otp_failed', card.accountId)).toBe(0);
    });
  });

  describe('payments not awaiting a code', () => {
    it('refuses to confirm a reversed payment', async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const { paymentId, code } = await sale(card, 1_000);
      const reversed = await terminal.request('POST', `/v1/payments/${paymentId}/reverse`, {
        reason: 'cancelled',
      });
      expect(reversed.status).toBe(200);
      const reply = await terminal.confirm(paymentId, code);
      expect(reply.status).toBe(409);
      expect(errorCodeOf(reply)).toBe('PAYMENT_STATE');
      expect(await statusOf(paymentId)).toBe('reversed');
      expect(await debits(card.accountId)).toEqual([]);
    });

    it('refuses to confirm a balance inquiry', async () => {
      const card = await enrollTestCard(app);
      const balance = await terminal.pay(card, {});
      const { paymentId } = balance.body as { paymentId: string };
      const reply = await terminal.confirm(paymentId, '123456');
      expect(reply.status).toBe(409);
      expect(errorCodeOf(reply)).toBe('PAYMENT_STATE');
    });

    it("answers PAYMENT_NOT_FOUND for an unknown id and for another terminal's payment", async () => {
      const card = await enrollTestCard(app, { balance: 10_000 });
      const { paymentId, code } = await sale(card, 1_000);
      const unknown = await terminal.confirm('P-no-such-payment', code);
      expect(unknown.status).toBe(404);
      expect(errorCodeOf(unknown)).toBe('PAYMENT_NOT_FOUND');
      const other = await addTestTerminal(app, 'T0000002');
      const stolen = await other.confirm(paymentId, code);
      expect(stolen.status).toBe(404);
      expect(errorCodeOf(stolen)).toBe('PAYMENT_NOT_FOUND');
      const guess = await other.confirm(paymentId, otherDigits(code));
      expect(errorCodeOf(guess)).toBe('PAYMENT_NOT_FOUND');
      expect(await statusOf(paymentId, other)).toBeUndefined();
      expect((await account(card.accountId)).otp_failures).toBe(0);
      expect(await debits(card.accountId)).toEqual([]);
      expect((await terminal.confirm(paymentId, code)).status).toBe(200);
    });
  });
});
