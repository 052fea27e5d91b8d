import { beforeEach, describe, expect, it } from 'vitest';
import { decodeBase64Url } from '../../protocol/base64url.js';
import type { HostApp } from '../buildHost.js';
import { createTestHost, TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import type { RawReply } from '../../testing/signedRequest.js';
import {
  errorCodeOf,
  injectSender,
  TestTerminal,
  type TestCard,
} from '../../testing/TestTerminal.js';
import { addTerminal } from '../terminals/terminalAdmin.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

const START_BALANCE = 10_000;

describe.each(TEST_DATABASE_KINDS)('refunds on %s', (kind) => {
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

  /** An approved sale: its id and retrieval reference. */
  async function approvedSale(amount: number): Promise<{ paymentId: string; reference: string }> {
    const sale = await terminal.pay(card, { amount });
    const { paymentId } = sale.body as { paymentId: string };
    const approved = await terminal.confirm(paymentId, await latestCodeFor(app, card.msisdn));
    expect(approved.status).toBe(200);
    return { paymentId, reference: (approved.body as { reference: string }).reference };
  }

  function refundBody(reference: string, value: number, trace = terminal.nextTrace()) {
    return {
      batch: terminal.batch,
      trace,
      originalReference: reference,
      amount: { value, currency: 'CNY' },
    };
  }

  const refund = (body: unknown, who: TestTerminal = terminal): Promise<RawReply> =>
    who.request('POST', '/v1/refunds', body);

  async function balance(): Promise<number> {
    const row = await app.context.db
      .selectFrom('accounts')
      .select('balance')
      .where('id', '=', card.accountId)
      .executeTakeFirstOrThrow();
    return row.balance;
  }

  async function refundEntries(): Promise<{ amount: number }[]> {
    return app.context.db
      .selectFrom('ledger_entries')
      .select('amount')
      .where('kind', '=', 'refund')
      .where('account_id', '=', card.accountId)
      .orderBy('id')
      .execute();
  }

  function expectError(reply: RawReply, status: number, code: string): void {
    expect({ status: reply.status, code: errorCodeOf(reply) }).toEqual({ status, code });
  }

  /** A signed-in terminal of another merchant. */
  async function foreignTerminal(): Promise<TestTerminal> {
    const added = await addTerminal(app.context, {
      terminalId: 'T0000009',
      merchantId: 'M0002',
      merchantName: 'Another shop',
      currency: 'CNY',
      actor: 'test',
    });
    const other = new TestTerminal(
      injectSender(app),
      { terminalId: added.terminalId, key: decodeBase64Url(added.key) ?? new Uint8Array() },
      app.context.clock,
    );
    expect((await other.signIn()).status).toBe(200);
    return other;
  }

  it('refunds part of a sale, then the rest, and nothing more', async () => {
    const sale = await approvedSale(1000);
    const first = await refund(refundBody(sale.reference, 400));
    expect(first.status).toBe(201);
    const body = first.body as { refundId: string; reference: string };
    expect(first.body).toEqual({
      refundId: expect.any(String) as string,
      status: 'refunded',
      reference: expect.stringMatching(/^\d{12}$/) as string,
    });
    expect(body.reference).not.toBe(sale.reference);
    expect(await balance()).toBe(START_BALANCE - 600);
    const rest = await refund(refundBody(sale.reference, 600));
    expect(rest.status).toBe(201);
    expect(await balance()).toBe(START_BALANCE);
    const more = await refund(refundBody(sale.reference, 1));
    expectError(more, 409, 'PAYMENT_STATE');
    expect(more.body).toMatchObject({ error: { refundable: { value: 0, currency: 'CNY' } } });
    expect(await refundEntries()).toEqual([{ amount: 400 }, { amount: 600 }]);
  });

  it("refuses more than the sale's amount with what is still refundable", async () => {
    const sale = await approvedSale(1000);
    const over = await refund(refundBody(sale.reference, 1001));
    expectError(over, 409, 'PAYMENT_STATE');
    expect(over.body).toMatchObject({ error: { refundable: { value: 1000, currency: 'CNY' } } });
    expect((await refund(refundBody(sale.reference, 300))).status).toBe(201);
    const after = await refund(refundBody(sale.reference, 701));
    expect(after.body).toMatchObject({ error: { refundable: { value: 700, currency: 'CNY' } } });
    expect(await balance()).toBe(START_BALANCE - 700);
  });

  it('replays the same refund on (terminal, batch, trace) and refuses other content', async () => {
    const sale = await approvedSale(1000);
    const body = refundBody(sale.reference, 250);
    const first = await refund(body);
    expect(first.status).toBe(201);
    const again = await refund({ ...body, amount: { currency: 'CNY', value: 250 } });
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(await balance()).toBe(START_BALANCE - 1000 + 250);
    expectError(
      await refund({ ...body, amount: { value: 260, currency: 'CNY' } }),
      409,
      'IDEMPOTENCY_CONFLICT',
    );
    // Still replayed once its batch is closed.
    const zero = { value: 0, currency: 'CNY' };
    const settled = await terminal.request('POST', '/v1/batches/000001/settle', {
      counts: { sale: 0, void: 0, refund: 0 },
      totals: { sale: zero, refund: zero },
    });
    expect(settled.body).toMatchObject({ nextBatch: '000002' });
    expect(await refund(body)).toMatchObject({ status: 201, body: first.body });
    expect(await refundEntries()).toEqual([{ amount: 250 }]);
  });

  it('replays a refund retried while the first is still running', async () => {
    for (let round = 1; round <= 5; round += 1) {
      const sale = await approvedSale(1000);
      const body = refundBody(sale.reference, 1000);
      const replies = await Promise.all([1, 2, 3].map(() => refund(body)));
      for (const reply of replies) {
        expect(reply).toMatchObject({ status: 201, body: replies[0]?.body });
      }
    }
    expect(await refundEntries()).toHaveLength(5);
    expect(await balance()).toBe(START_BALANCE);
  });

  it('never lets refunds racing each other exceed the sale', async () => {
    const sale = await approvedSale(1000);
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => refund(refundBody(sale.reference, 300))),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 201, 201, 409, 409]);
    expect(await refundEntries()).toEqual([{ amount: 300 }, { amount: 300 }, { amount: 300 }]);
    expect(await balance()).toBe(START_BALANCE - 100);
  });

  it('lets exactly one of a void and a refund racing each other through', async () => {
    const sale = await approvedSale(1000);
    const [voided, refunded] = await Promise.all([
      terminal.request('POST', `/v1/payments/${sale.paymentId}/void`, {}),
      refund(refundBody(sale.reference, 1000)),
    ]);
    const outcome = [voided.status, refunded.status];
    expect([
      [200, 409],
      [409, 201],
    ]).toContainEqual(outcome);
    expect(await balance()).toBe(START_BALANCE);
    expect(await refundEntries()).toEqual(outcome[1] === 201 ? [{ amount: 1000 }] : []);
  });

  it('answers PAYMENT_NOT_FOUND for an unknown reference', async () => {
    await approvedSale(1000);
    expectError(await refund(refundBody('999999999999', 100)), 404, 'PAYMENT_NOT_FOUND');
    expect(await refundEntries()).toEqual([]);
  });

  it('refuses a voided or reversed sale with PAYMENT_STATE', async () => {
    const voided = await approvedSale(1000);
    expect(
      (await terminal.request('POST', `/v1/payments/${voided.paymentId}/void`, {})).status,
    ).toBe(200);
    expectError(await refund(refundBody(voided.reference, 100)), 409, 'PAYMENT_STATE');
    const reversed = await approvedSale(500);
    const reverse = await terminal.request('POST', `/v1/payments/${reversed.paymentId}/reverse`, {
      reason: 'cancelled',
    });
    expect(reverse.status).toBe(200);
    expectError(await refund(refundBody(reversed.reference, 100)), 409, 'PAYMENT_STATE');
    expect(await balance()).toBe(START_BALANCE);
    expect(await refundEntries()).toEqual([]);
  });

  it("lets another terminal of the merchant refund, but not another merchant's", async () => {
    const sale = await approvedSale(1000);
    const foreign = await foreignTerminal();
    const refused = await refund(refundBody(sale.reference, 100, foreign.nextTrace()), foreign);
    expectError(refused, 404, 'PAYMENT_NOT_FOUND');
    const sibling = await addTestTerminal(app, 'T0000002');
    const allowed = await refund(refundBody(sale.reference, 100, sibling.nextTrace()), sibling);
    expect(allowed.status).toBe(201);
    expect(await refundEntries()).toEqual([{ amount: 100 }]);
  });

  it('leaves a refunded sale neither voidable nor reversible', async () => {
    const sale = await approvedSale(1000);
    expect((await refund(refundBody(sale.reference, 1))).status).toBe(201);
    const voided = await terminal.request('POST', `/v1/payments/${sale.paymentId}/void`, {});
    expectError(voided, 409, 'PAYMENT_STATE');
    const reversed = await terminal.request('POST', `/v1/payments/${sale.paymentId}/reverse`, {
      reason: 'timeout',
    });
    expectError(reversed, 409, 'PAYMENT_STATE');
    expect(await balance()).toBe(START_BALANCE - 999);
  });

  it('refunds only in the open batch, also for a sale of a settled batch', async () => {
    const sale = await approvedSale(1000);
    const zero = { value: 0, currency: 'CNY' };
    expectError(
      await refund({ ...refundBody(sale.reference, 100), batch: '000002' }),
      409,
      'BATCH_CLOSED',
    );
    const settled = await terminal.request('POST', '/v1/batches/000001/settle', {
      counts: { sale: 1, void: 0, refund: 0 },
      totals: { sale: { value: 1000, currency: 'CNY' }, refund: zero },
    });
    expect(settled.body).toMatchObject({ result: 'balanced', nextBatch: '000002' });
    expectError(await refund(refundBody(sale.reference, 100)), 409, 'BATCH_CLOSED');
    expect(await refundEntries()).toEqual([]);
    await terminal.signIn();
    expect(terminal.batch).toBe('000002');
    expect((await refund(refundBody(sale.reference, 100))).status).toBe(201);
    expect(await balance()).toBe(START_BALANCE - 900);
  });

  it('refuses a refund in another currency than the sale', async () => {
    const sale = await approvedSale(1000);
    const reply = await refund({
      ...refundBody(sale.reference, 100),
      amount: { value: 100, currency: 'USD' },
    });
    expectError(reply, 400, 'VALIDATION_FAILED');
    expect(await refundEntries()).toEqual([]);
  });
});
