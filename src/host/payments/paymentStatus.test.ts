import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import type { HostApp } from '../buildHost.js';
import { createTestHost, TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import type { RawReply } from '../../testing/signedRequest.js';
import { errorCodeOf, type TestCard, type TestTerminal } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

type Card = TestCard & { msisdn: string };

describe.each(TEST_DATABASE_KINDS)('payment status inquiry on %s', (kind) => {
  const database = useTestDatabase(kind);
  let app: HostApp;
  let clock: ManualClock;
  let terminal: TestTerminal;
  let card: Card;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    app = await createTestHost(database.db, { clock });
    terminal = await addTestTerminal(app);
    card = await enrollTestCard(app, { balance: 100_000 });
    return () => app.close();
  });

  /** A sale awaiting its code; returns its id and trace. */
  async function pendingSale(amount = 1250): Promise<{ paymentId: string; trace: string }> {
    const trace = terminal.nextTrace();
    const reply = await terminal.pay(card, { amount, trace });
    expect(reply.status).toBe(201);
    return { paymentId: (reply.body as { paymentId: string }).paymentId, trace };
  }

  async function approvedSale(amount = 1250) {
    const sale = await pendingSale(amount);
    const reply = await terminal.confirm(sale.paymentId, await latestCodeFor(app, card.msisdn));
    expect(reply.status).toBe(200);
    return {
      ...sale,
      approval: reply.body as { authCode: string; reference: string; approvedAt: string },
    };
  }

  /** Both forms of the inquiry; asserts they agree and returns the reply. */
  async function status(paymentId: string, trace: string): Promise<RawReply> {
    const byId = await terminal.request('GET', `/v1/payments/${paymentId}`);
    const byKey = await terminal.request('GET', `/v1/payments?batch=000001&trace=${trace}`);
    expect(byKey).toMatchObject({ status: byId.status, body: byId.body });
    return byId;
  }

  it('reports a sale awaiting its code as otp_sent', async () => {
    const { paymentId, trace } = await pendingSale();
    const reply = await status(paymentId, trace);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      paymentId,
      type: 'sale',
      status: 'otp_sent',
      amount: { value: 1250, currency: 'CNY' },
      batch: '000001',
      trace,
    });
  });

  it('reports an approved sale with its auth code and reference', async () => {
    const { paymentId, trace, approval } = await approvedSale(990);
    const reply = await status(paymentId, trace);
    expect(reply.body).toMatchObject({
      paymentId,
      type: 'sale',
      status: 'approved',
      amount: { value: 990, currency: 'CNY' },
      authCode: approval.authCode,
      reference: approval.reference,
    });
    expect(approval.reference).toMatch(/^\d{12}$/);
    expect(approval.authCode).toMatch(/^[A-Z0-9]{6}$/);
  });

  it('reports a wrong-PIN sale as declined, found by batch and trace', async () => {
    const trace = terminal.nextTrace();
    const wrong = card.pin === '111111' ? '222222' : '111111';
    const refused = await terminal.pay(card, { amount: 500, trace, pin: wrong });
    expect(errorCodeOf(refused)).toBe('PIN_INCORRECT');
    const byKey = await terminal.request('GET', `/v1/payments?batch=000001&trace=${trace}`);
    expect(byKey.status).toBe(200);
    const body = byKey.body as { paymentId: string; status: string };
    expect(body).toMatchObject({ type: 'sale', status: 'declined', trace });
    expect(body).not.toHaveProperty('authCode');
    expect(body).not.toHaveProperty('reference');
    const byId = await terminal.request('GET', `/v1/payments/${body.paymentId}`);
    expect(byId.body).toEqual(byKey.body);
  });

  it("reports a sale as expired once its code's 300 s are over", async () => {
    const { paymentId, trace } = await pendingSale();
    clock.advance(299_000);
    expect((await status(paymentId, trace)).body).toMatchObject({ status: 'otp_sent' });
    clock.advance(2_000);
    expect((await status(paymentId, trace)).body).toMatchObject({ status: 'expired' });
    const late = await terminal.confirm(paymentId, await latestCodeFor(app, card.msisdn));
    expect(late.status).toBe(410);
    expect(errorCodeOf(late)).toBe('OTP_EXPIRED');
    expect((await status(paymentId, trace)).body).toMatchObject({ status: 'expired' });
  });

  it('reports reversed and voided sales', async () => {
    const pending = await pendingSale();
    const reversed = await terminal.request('POST', `/v1/payments/${pending.paymentId}/reverse`, {
      reason: 'timeout',
    });
    expect(reversed.status).toBe(200);
    expect((await status(pending.paymentId, pending.trace)).body).toMatchObject({
      status: 'reversed',
    });
    const approved = await approvedSale();
    const voided = await terminal.request('POST', `/v1/payments/${approved.paymentId}/void`, {});
    expect(voided.status).toBe(200);
    expect((await status(approved.paymentId, approved.trace)).body).toMatchObject({
      status: 'voided',
      reference: approved.approval.reference,
    });
  });

  it('reports a balance inquiry as completed, without an amount', async () => {
    const trace = terminal.nextTrace();
    const balance = await terminal.pay(card, { trace });
    expect(balance.status).toBe(200);
    const { paymentId } = balance.body as { paymentId: string };
    const reply = await status(paymentId, trace);
    expect(reply.body).toEqual({
      paymentId,
      type: 'balance',
      status: 'completed',
      batch: '000001',
      trace,
    });
  });

  it('hides a payment from every terminal but its own', async () => {
    const { paymentId, trace } = await pendingSale();
    const other = await addTestTerminal(app, 'T0000002');
    const byId = await other.request('GET', `/v1/payments/${paymentId}`);
    expect(byId.status).toBe(404);
    expect(errorCodeOf(byId)).toBe('PAYMENT_NOT_FOUND');
    const byKey = await other.request('GET', `/v1/payments?batch=000001&trace=${trace}`);
    expect(byKey.status).toBe(404);
    expect(errorCodeOf(byKey)).toBe('PAYMENT_NOT_FOUND');
    expect((await terminal.request('GET', `/v1/payments/${paymentId}`)).status).toBe(200);
  });

  it('answers PAYMENT_NOT_FOUND for an unknown id or key', async () => {
    const byId = await terminal.request('GET', '/v1/payments/P-nothing-here');
    expect(byId.status).toBe(404);
    expect(errorCodeOf(byId)).toBe('PAYMENT_NOT_FOUND');
    const byKey = await terminal.request('GET', '/v1/payments?batch=000001&trace=000999');
    expect(byKey.status).toBe(404);
    expect(errorCodeOf(byKey)).toBe('PAYMENT_NOT_FOUND');
  });

  it.each([
    ['a missing trace', '/v1/payments?batch=000001', 'trace'],
    ['an extra key', '/v1/payments?batch=000001&trace=000001&card=04A1B2C3D4E5F6', 'card'],
    ['a malformed trace', '/v1/payments?batch=000001&trace=12', 'trace'],
    ['a repeated key', '/v1/payments?batch=000001&trace=000001&trace=000002', 'trace'],
    ['a query on the id form', '/v1/payments/P1?batch=000001', 'query'],
  ])('refuses %s as VALIDATION_FAILED', async (_case, path, field) => {
    await pendingSale();
    const reply = await terminal.request('GET', path);
    expect(reply.status).toBe(400);
    expect(errorCodeOf(reply)).toBe('VALIDATION_FAILED');
    const details = (reply.body as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((detail) => detail.field)).toContain(field);
  });
});
