import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import { createTestHost, TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard } from '../../testing/hostScenario.js';
import { errorCodeOf } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';
import { runMaintenance } from '../runMaintenance.js';

/**
 * A host that dies after committing a sale but before storing its reply leaves the payment
 * with no reply. The background pass (and any retry) must settle it: as sent if the gateway
 * had taken the code, else declined with SMS_UNAVAILABLE, and never leave it in doubt.
 */
describe.each(TEST_DATABASE_KINDS)('a sale left without a reply on %s', (kind) => {
  const database = useTestDatabase(kind);

  async function saleLeftWithoutReply(smsStatus: 'queued' | 'accepted') {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    const app = await createTestHost(database.db, { clock });
    const terminal = await addTestTerminal(app);
    const card = await enrollTestCard(app, { balance: 5_000 });
    const body = terminal.paymentBody(card, { amount: 700 });
    const first = await terminal.request('POST', '/v1/payments', body);
    const { paymentId } = first.body as { paymentId: string };
    // What the database holds if the host had died between the two steps.
    await database.db
      .updateTable('payments')
      .set({ reply: null })
      .where('id', '=', paymentId)
      .execute();
    await database.db
      .updateTable('sms_messages')
      .set({ status: smsStatus })
      .where('payment_id', '=', paymentId)
      .execute();
    clock.advance(app.context.policy.smsBudgetMs + 3_000);
    await runMaintenance(app.context);
    const retry = await terminal.request('POST', '/v1/payments', body);
    const payment = await database.db
      .selectFrom('payments')
      .selectAll()
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
    const sms = await database.db
      .selectFrom('sms_messages')
      .select('status')
      .where('payment_id', '=', paymentId)
      .executeTakeFirstOrThrow();
    await app.close();
    return { first, retry, payment, sms };
  }

  it('declines it with SMS_UNAVAILABLE and cancels the text when no gateway took it', async () => {
    const { retry, payment, sms } = await saleLeftWithoutReply('queued');
    expect(payment).toMatchObject({ status: 'declined', decline_code: 'SMS_UNAVAILABLE' });
    expect(sms.status).toBe('cancelled');
    expect(retry.status).toBe(503);
    expect(errorCodeOf(retry)).toBe('SMS_UNAVAILABLE');
  });

  it('keeps it as sent when the gateway had taken the code', async () => {
    const { first, retry, payment } = await saleLeftWithoutReply('accepted');
    expect(payment.status).toBe('otp_sent');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
  });
});
