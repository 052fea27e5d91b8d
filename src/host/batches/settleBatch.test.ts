import { beforeEach, describe, expect, it } from 'vitest';
import type { HostApp } from '../buildHost.js';
import { batchFigures } from './settleBatch.js';
import { createTestHost, TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import type { RawReply } from '../../testing/signedRequest.js';
import { errorCodeOf, type TestCard, type TestTerminal } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

interface Figures {
  counts: { sale: number; void: number; refund: number };
  totals: { sale: number; refund: number };
}

/** A settle request body from plain numbers, in CNY. */
function settleBody(figures: Figures) {
  return {
    counts: figures.counts,
    totals: {
      sale: { value: figures.totals.sale, currency: 'CNY' },
      refund: { value: figures.totals.refund, currency: 'CNY' },
    },
  };
}

const EMPTY: Figures = { counts: { sale: 0, void: 0, refund: 0 }, totals: { sale: 0, refund: 0 } };

describe.each(TEST_DATABASE_KINDS)('settlement on %s', (kind) => {
  const database = useTestDatabase(kind);
  let app: HostApp;
  let terminal: TestTerminal;
  let card: TestCard & { msisdn: string; accountId: string };

  beforeEach(async () => {
    // One card pays many times here: more texts than the per-number limit lets through.
    app = await createTestHost(database.db, { policy: { smsPerNumberMax: 0 } });
    terminal = await addTestTerminal(app);
    card = await enrollTestCard(app, { balance: 100_000 });
    return () => app.close();
  });

  async function pendingSale(amount: number, who: TestTerminal = terminal): Promise<string> {
    const reply = await who.pay(card, { amount });
    expect(reply.status).toBe(201);
    return (reply.body as { paymentId: string }).paymentId;
  }

  async function approvedSale(amount: number, who: TestTerminal = terminal) {
    const paymentId = await pendingSale(amount, who);
    const reply = await who.confirm(paymentId, await latestCodeFor(app, card.msisdn));
    expect(reply.status).toBe(200);
    return { paymentId, reference: (reply.body as { reference: string }).reference };
  }

  const post = (path: string, body: unknown): Promise<RawReply> =>
    terminal.request('POST', path, body);
  const settle = (batch: string, figures: Figures): Promise<RawReply> =>
    post(`/v1/batches/${batch}/settle`, settleBody(figures));

  function expectError(reply: RawReply, status: number, code: string): void {
    expect({ status: reply.status, code: errorCodeOf(reply) }).toEqual({ status, code });
  }

  /**
   * A batch with every kind of event: approved sales of 1000 and 2500 (refunded 300), one of
   * 700 voided, one of 400 reversed, one still awaiting its code, a declined sale and a
   * balance inquiry. Host figures: 2 sales for 3500, 1 void, 1 refund of 300.
   */
  async function busyBatch(): Promise<Figures> {
    const first = await approvedSale(1000);
    await approvedSale(2500);
    const voided = await approvedSale(700);
    expect((await post(`/v1/payments/${voided.paymentId}/void`, {})).status).toBe(200);
    const reversed = await approvedSale(400);
    const reverse = await post(`/v1/payments/${reversed.paymentId}/reverse`, { reason: 'timeout' });
    expect(reverse.status).toBe(200);
    await pendingSale(900);
    const wrong = card.pin === '111111' ? '222222' : '111111';
    expect(errorCodeOf(await terminal.pay(card, { amount: 50, pin: wrong }))).toBe('PIN_INCORRECT');
    expect((await terminal.pay(card)).status).toBe(200);
    const refund = await post('/v1/refunds', {
      batch: terminal.batch,
      trace: terminal.nextTrace(),
      originalReference: first.reference,
      amount: { value: 300, currency: 'CNY' },
    });
    expect(refund.status).toBe(201);
    return { counts: { sale: 2, void: 1, refund: 1 }, totals: { sale: 3500, refund: 300 } };
  }

  it('is balanced when the terminal’s figures match the host’s', async () => {
    const figures = await busyBatch();
    const reply = await settle('000001', figures);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      result: 'balanced',
      host: settleBody(figures),
      nextBatch: '000002',
    });
  });

  it.each([
    ['sale count', { counts: { sale: 3, void: 1, refund: 1 } }],
    ['void count', { counts: { sale: 2, void: 0, refund: 1 } }],
    ['refund count', { counts: { sale: 2, void: 1, refund: 2 } }],
    ['sale total', { totals: { sale: 3499, refund: 300 } }],
    ['refund total', { totals: { sale: 3500, refund: 0 } }],
  ])('is out_of_balance on a different %s, with the host’s figures', async (_case, change) => {
    const figures = await busyBatch();
    const reply = await settle('000001', { ...figures, ...change });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      result: 'out_of_balance',
      host: settleBody(figures),
      nextBatch: '000002',
    });
  });

  it('is out_of_balance when the totals are in another currency', async () => {
    await approvedSale(1000);
    const reply = await post('/v1/batches/000001/settle', {
      counts: { sale: 1, void: 0, refund: 0 },
      totals: { sale: { value: 1000, currency: 'USD' }, refund: { value: 0, currency: 'USD' } },
    });
    expect(reply.body).toMatchObject({ result: 'out_of_balance' });
  });

  it('does not count reversed sales', async () => {
    const sale = await approvedSale(1000);
    expect(
      (await post(`/v1/payments/${sale.paymentId}/reverse`, { reason: 'cancelled' })).status,
    ).toBe(200);
    const reply = await settle('000001', EMPTY);
    expect(reply.body).toEqual({
      result: 'balanced',
      host: settleBody(EMPTY),
      nextBatch: '000002',
    });
  });

  it("does not count another terminal's sales", async () => {
    const other = await addTestTerminal(app, 'T0000002');
    await approvedSale(1000, other);
    await approvedSale(200);
    const mine: Figures = {
      counts: { sale: 1, void: 0, refund: 0 },
      totals: { sale: 200, refund: 0 },
    };
    expect((await settle('000001', mine)).body).toMatchObject({ result: 'balanced' });
  });

  it('opens the next batch: the old one is BATCH_CLOSED, the new one works', async () => {
    await approvedSale(1000);
    const reply = await settle('000001', {
      counts: { sale: 1, void: 0, refund: 0 },
      totals: { sale: 1000, refund: 0 },
    });
    expect(reply.body).toMatchObject({ result: 'balanced', nextBatch: '000002' });
    expect(terminal.batch).toBe('000001');
    expectError(await terminal.pay(card, { amount: 100 }), 409, 'BATCH_CLOSED');
    const signIn = await terminal.signIn();
    expect(signIn.body).toMatchObject({ batch: '000002' });
    const sale = await approvedSale(300);
    const status = await terminal.request('GET', `/v1/payments/${sale.paymentId}`);
    expect(status.body).toMatchObject({ batch: '000002', status: 'approved' });
    const next = await settle('000002', {
      counts: { sale: 1, void: 0, refund: 0 },
      totals: { sale: 300, refund: 0 },
    });
    expect(next.body).toMatchObject({ result: 'balanced', nextBatch: '000003' });
  });

  it('replays a repeated settlement and refuses other figures for a settled batch', async () => {
    await approvedSale(1000);
    const figures: Figures = {
      counts: { sale: 1, void: 0, refund: 0 },
      totals: { sale: 999, refund: 0 },
    };
    const first = await settle('000001', figures);
    expect(first.body).toMatchObject({ result: 'out_of_balance', nextBatch: '000002' });
    const again = await settle('000001', figures);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expectError(
      await settle('000001', { ...figures, totals: { sale: 1000, refund: 0 } }),
      409,
      'IDEMPOTENCY_CONFLICT',
    );
    // Only one batch was closed: 000002 is open, 000003 is not.
    expect((await terminal.signIn()).body).toMatchObject({ batch: '000002' });
  });

  it('replays a settlement retried while the first is still running', async () => {
    for (let round = 1; round <= 5; round += 1) {
      const batch = terminal.batch;
      await approvedSale(1000);
      const figures: Figures = {
        counts: { sale: 1, void: 0, refund: 0 },
        totals: { sale: 1000, refund: 0 },
      };
      const replies = await Promise.all([1, 2, 3].map(() => settle(batch, figures)));
      for (const reply of replies) {
        expect(reply).toMatchObject({ status: 200, body: { result: 'balanced' } });
        expect(reply.body).toEqual(replies[0]?.body);
      }
      await terminal.signIn();
      expect(terminal.batch).toBe(String(round + 1).padStart(6, '0'));
    }
  });

  it('refuses to settle a batch that is not open', async () => {
    expectError(await settle('000002', EMPTY), 409, 'BATCH_CLOSED');
    expectError(await settle('999999', EMPTY), 409, 'BATCH_CLOSED');
    expect((await terminal.signIn()).body).toMatchObject({ batch: '000001' });
    expect((await settle('000001', EMPTY)).body).toMatchObject({ result: 'balanced' });
  });

  /**
   * Rounds of `start` (6 operations on sales of the open batch) racing the batch's
   * settlement. Whatever wins, the settled figures must still be the batch's figures
   * afterwards. PostgreSQL runs them truly in parallel; PGlite one after another.
   */
  async function raceSettlement(start: (i: number) => Promise<() => Promise<RawReply>>) {
    for (let round = 1; round <= 5; round += 1) {
      const batch = terminal.batch;
      const operations = [];
      for (let i = 0; i < 6; i += 1) operations.push(await start(i));
      const [settled, ...others] = await Promise.all([
        settle(batch, EMPTY),
        ...operations.map((operation) => operation()),
      ]);
      expect(settled.status).toBe(200);
      for (const reply of others) expect([200, 409]).toContain(reply.status);
      const after = await batchFigures(app.context.db, { id: 'T0000001', currency: 'CNY' }, batch);
      expect((settled.body as { host: unknown }).host).toEqual(after);
      await terminal.signIn();
    }
  }

  it('lets no approval land in a batch after its figures were taken', async () => {
    await raceSettlement(async (i) => {
      const paymentId = await pendingSale(100 + i);
      const code = await latestCodeFor(app, card.msisdn);
      return () => terminal.confirm(paymentId, code);
    });
  });

  it('lets no void or reversal land in a batch after its figures were taken', async () => {
    await raceSettlement(async (i) => {
      const { paymentId } = await approvedSale(100 + i);
      return i % 2 === 0
        ? () => post(`/v1/payments/${paymentId}/void`, {})
        : () => post(`/v1/payments/${paymentId}/reverse`, { reason: 'timeout' });
    });
  });

  it('refuses malformed figures as VALIDATION_FAILED', async () => {
    const mixed = await post('/v1/batches/000001/settle', {
      counts: { sale: 0, void: 0, refund: 0 },
      totals: { sale: { value: 0, currency: 'CNY' }, refund: { value: 0, currency: 'USD' } },
    });
    expectError(mixed, 400, 'VALIDATION_FAILED');
    const negative = await settle('000001', { ...EMPTY, counts: { sale: -1, void: 0, refund: 0 } });
    expectError(negative, 400, 'VALIDATION_FAILED');
    expect((await terminal.signIn()).body).toMatchObject({ batch: '000001' });
  });
});
