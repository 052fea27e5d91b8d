import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { createTestHost, TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import { httpSender } from '../../testing/signedRequest.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

/**
 * Every endpoint once over a real socket (the other files use fastify's inject): what a
 * terminal's HTTP stack sends and receives, signatures over the bytes as they cross the wire.
 */
describe.each(TEST_DATABASE_KINDS)('every endpoint over real HTTP on %s', (kind) => {
  const database = useTestDatabase(kind);

  it('signs in, sells, resends, confirms, asks, voids, refunds, reverses and settles', async () => {
    const app = await createTestHost(database.db, {
      clock: systemClock,
      policy: { resendCooldownSeconds: 0 },
    });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const send = httpSender(address);
      expect(
        (await send({ method: 'GET', path: '/v1/health', headers: {}, body: '' })).status,
      ).toBe(200);
      const terminal = await addTestTerminal(app, 'T0000001', send);
      const card = await enrollTestCard(app, { balance: 10_000 });

      const balance = await terminal.pay(card);
      expect(balance.body).toMatchObject({ status: 'completed', balance: { value: 10_000 } });

      const sale = await terminal.pay(card, { amount: 3_000 });
      expect(sale.status).toBe(201);
      const { paymentId } = sale.body as { paymentId: string };
      const resent = await terminal.request('POST', `/v1/payments/${paymentId}/resend-otp`, {});
      expect(resent.body).toMatchObject({ otp: { resendsLeft: 1 } });
      const approved = await terminal.confirm(paymentId, await latestCodeFor(app, card.msisdn));
      expect(approved.status).toBe(200);
      const { reference } = approved.body as { reference: string };

      const byId = await terminal.request('GET', `/v1/payments/${paymentId}`);
      expect(byId.body).toMatchObject({ status: 'approved', reference });
      const trace = (byId.body as { trace: string }).trace;
      const byTrace = await terminal.request('GET', `/v1/payments?batch=000001&trace=${trace}`);
      expect(byTrace.body).toEqual(byId.body);

      const refund = await terminal.request('POST', '/v1/refunds', {
        batch: '000001',
        trace: terminal.nextTrace(),
        originalReference: reference,
        amount: { value: 1_000, currency: 'CNY' },
      });
      expect(refund.status).toBe(201);

      const second = await terminal.pay(card, { amount: 500 });
      const secondId = (second.body as { paymentId: string }).paymentId;
      await terminal.confirm(secondId, await latestCodeFor(app, card.msisdn));
      const voided = await terminal.request('POST', `/v1/payments/${secondId}/void`, {});
      expect(voided.body).toMatchObject({ status: 'voided' });

      const third = await terminal.pay(card, { amount: 200 });
      const thirdId = (third.body as { paymentId: string }).paymentId;
      const reversed = await terminal.request('POST', `/v1/payments/${thirdId}/reverse`, {
        reason: 'timeout',
      });
      expect(reversed.body).toEqual({ paymentId: thirdId, status: 'reversed' });

      const settled = await terminal.request('POST', '/v1/batches/000001/settle', {
        counts: { sale: 1, void: 1, refund: 1 },
        totals: {
          sale: { value: 3_000, currency: 'CNY' },
          refund: { value: 1_000, currency: 'CNY' },
        },
      });
      expect(settled.body).toMatchObject({ result: 'balanced', nextBatch: '000002' });

      const after = await terminal.pay(card);
      expect(after.status).toBe(409); // batch 000001 is closed: sign in again for 000002
      await terminal.signIn();
      expect((await terminal.pay(card)).body).toMatchObject({ balance: { value: 8_000 } });
    } finally {
      await app.close();
    }
  });
});
