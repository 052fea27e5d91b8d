import { beforeEach, describe, expect, it } from 'vitest';
import type { HostApp } from '../buildHost.js';
import { createTestHost, TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import type { RawReply } from '../../testing/signedRequest.js';
import { errorCodeOf, type TestCard, type TestTerminal } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

const START_BALANCE = 10_000;

describe.each(TEST_DATABASE_KINDS)('reverse and void on %s', (kind) => {
  const database = useTestDatabase(kind);
  let app: HostApp;
  let terminal: TestTerminal;
  let card: TestCard & { msisdn: string; accountId: string };

  beforeEach(async () => {
    app = await createTestHost(database.db);
    terminal = await addTestTerminal(app);
    card = await enrollTestCard(app, { balance: START_BALANCE });
    return () => app.close();
  });

  async function pendingSale(amount = 1250): Promise<string> {
    const reply = await terminal.pay(card, { amount });
    expect(reply.status).toBe(201);
    return (reply.body as { paymentId: string }).paymentId;
  }

  async function approvedSale(amount = 1250): Promise<string> {
    const paymentId = await pendingSale(amount);
    const approved = await terminal.confirm(paymentId, await latestCodeFor(app, card.msisdn));
    expect(approved.status).toBe(200);
    return paymentId;
  }

  const reverse = (paymentId: string, who: TestTerminal = terminal): Promise<RawReply> =>
    who.request('POST', `/v1/payments/${paymentId}/reverse`, { reason: 'timeout' });
  const voidSale = (paymentId: string, who: TestTerminal = terminal): Promise<RawReply> =>
    who.request('POST', `/v1/payments/${paymentId}/void`, {});

  async function balance(): Promise<number> {
    const account = await app.context.db
      .selectFrom('accounts')
      .select('balance')
      .where('id', '=', card.accountId)
      .executeTakeFirstOrThrow();
    return account.balance;
  }

  async function entries(paymentId: string) {
    return app.context.db
      .selectFrom('ledger_entries')
      .select(['kind', 'amount', 'balance_after'])
      .where('payment_id', '=', paymentId)
      .orderBy('id')
      .execute();
  }

  async function settle(): Promise<void> {
    const zero = { value: 0, currency: 'CNY' };
    const reply = await terminal.request('POST', `/v1/batches/${terminal.batch}/settle`, {
      counts: { sale: 0, void: 0, refund: 0 },
      totals: { sale: zero, refund: zero },
    });
    expect(reply.status).toBe(200);
  }

  function expectError(reply: RawReply, status: number, code: string): void {
    expect({ status: reply.status, code: errorCodeOf(reply) }).toEqual({ status, code });
  }

  describe('reverse', () => {
    it('returns an approved sale’s money through one reversal entry, idempotently', async () => {
      const paymentId = await approvedSale(1250);
      expect(await balance()).toBe(START_BALANCE - 1250);
      const first = await reverse(paymentId);
      expect(first).toMatchObject({ status: 200, body: { paymentId, status: 'reversed' } });
      expect(await balance()).toBe(START_BALANCE);
      const second = await terminal.request('POST', `/v1/payments/${paymentId}/reverse`, {
        reason: 'terminal_error',
      });
      expect(second).toMatchObject({ status: 200, body: first.body });
      expect(await balance()).toBe(START_BALANCE);
      expect(await entries(paymentId)).toEqual([
        { kind: 'debit', amount: -1250, balance_after: START_BALANCE - 1250 },
        { kind: 'reversal', amount: 1250, balance_after: START_BALANCE },
      ]);
    });

    it('cancels a sale awaiting its code, whose code then no longer confirms', async () => {
      const paymentId = await pendingSale(700);
      const code = await latestCodeFor(app, card.msisdn);
      expect(await reverse(paymentId)).toMatchObject({ status: 200, body: { status: 'reversed' } });
      expectError(await terminal.confirm(paymentId, code), 409, 'PAYMENT_STATE');
      expect(await balance()).toBe(START_BALANCE);
      expect(await entries(paymentId)).toEqual([]);
    });

    it('is BATCH_CLOSED after settlement, unless the payment was already reversed', async () => {
      const open = await approvedSale();
      const reversedEarlier = await approvedSale();
      expect((await reverse(reversedEarlier)).status).toBe(200);
      await settle();
      expectError(await reverse(open), 409, 'BATCH_CLOSED');
      expect(await balance()).toBe(START_BALANCE - 1250);
      expect(await reverse(reversedEarlier)).toMatchObject({
        status: 200,
        body: { paymentId: reversedEarlier, status: 'reversed' },
      });
      expect(await entries(reversedEarlier)).toHaveLength(2);
    });

    it('refuses a voided sale with PAYMENT_STATE and moves no money', async () => {
      const paymentId = await approvedSale();
      expect((await voidSale(paymentId)).status).toBe(200);
      expectError(await reverse(paymentId), 409, 'PAYMENT_STATE');
      expect(await balance()).toBe(START_BALANCE);
      expect((await entries(paymentId)).map((entry) => entry.kind)).toEqual(['debit', 'void']);
    });

    it("is PAYMENT_NOT_FOUND for another terminal's payment", async () => {
      const paymentId = await approvedSale();
      const other = await addTestTerminal(app, 'T0000002');
      expectError(await reverse(paymentId, other), 404, 'PAYMENT_NOT_FOUND');
      expect(await balance()).toBe(START_BALANCE - 1250);
    });

    it('refuses an unknown reason as VALIDATION_FAILED', async () => {
      const paymentId = await approvedSale();
      const reply = await terminal.request('POST', `/v1/payments/${paymentId}/reverse`, {
        reason: 'changed_my_mind',
      });
      expectError(reply, 400, 'VALIDATION_FAILED');
      expect(await balance()).toBe(START_BALANCE - 1250);
    });
  });

  describe('void', () => {
    it('returns an approved sale’s money through one void entry, idempotently', async () => {
      const paymentId = await approvedSale(2000);
      const first = await voidSale(paymentId);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'voided' });
      expect(await balance()).toBe(START_BALANCE);
      const second = await voidSale(paymentId);
      expect(second).toMatchObject({ status: 200, body: first.body });
      expect(await balance()).toBe(START_BALANCE);
      expect(await entries(paymentId)).toEqual([
        { kind: 'debit', amount: -2000, balance_after: START_BALANCE - 2000 },
        { kind: 'void', amount: 2000, balance_after: START_BALANCE },
      ]);
    });

    it('refuses a sale awaiting its code and a balance inquiry with PAYMENT_STATE', async () => {
      const pending = await pendingSale();
      expectError(await voidSale(pending), 409, 'PAYMENT_STATE');
      const inquiry = await terminal.pay(card);
      expect(inquiry.status).toBe(200);
      expectError(
        await voidSale((inquiry.body as { paymentId: string }).paymentId),
        409,
        'PAYMENT_STATE',
      );
      // The pending sale is untouched: its code still approves it.
      const approved = await terminal.confirm(pending, await latestCodeFor(app, card.msisdn));
      expect(approved.status).toBe(200);
    });

    it('refuses a reversed sale with PAYMENT_STATE', async () => {
      const paymentId = await approvedSale();
      expect((await reverse(paymentId)).status).toBe(200);
      expectError(await voidSale(paymentId), 409, 'PAYMENT_STATE');
      expect(await balance()).toBe(START_BALANCE);
    });

    it('is BATCH_CLOSED after settlement and moves no money', async () => {
      const paymentId = await approvedSale();
      await settle();
      expectError(await voidSale(paymentId), 409, 'BATCH_CLOSED');
      expect(await balance()).toBe(START_BALANCE - 1250);
      expect(await entries(paymentId)).toHaveLength(1);
    });

    it("is PAYMENT_NOT_FOUND for another terminal's sale and for an unknown id", async () => {
      const paymentId = await approvedSale();
      const other = await addTestTerminal(app, 'T0000002');
      expectError(await voidSale(paymentId, other), 404, 'PAYMENT_NOT_FOUND');
      expectError(await voidSale('P-unknown'), 404, 'PAYMENT_NOT_FOUND');
      expect(await balance()).toBe(START_BALANCE - 1250);
    });

    it('refuses a void body with a field as VALIDATION_FAILED', async () => {
      const paymentId = await approvedSale();
      const reply = await terminal.request('POST', `/v1/payments/${paymentId}/void`, {
        password: '123456',
      });
      expectError(reply, 400, 'VALIDATION_FAILED');
      expect(await balance()).toBe(START_BALANCE - 1250);
    });
  });
});
