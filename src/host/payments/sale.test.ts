import { beforeEach, describe, expect, it } from 'vitest';
import type { HostApp } from '../buildHost.js';
import { createTestHost, TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import { errorCodeOf } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

describe.each(TEST_DATABASE_KINDS)('a sale on %s', (kind) => {
  const database = useTestDatabase(kind);
  let app: HostApp;

  beforeEach(async () => {
    app = await createTestHost(database.db);
    return () => app.close();
  });

  it('sends a code on the right PIN and debits once on the right code', async () => {
    const terminal = await addTestTerminal(app);
    const card = await enrollTestCard(app, { balance: 10_000 });
    const sale = await terminal.pay(card, { amount: 1250 });
    expect(sale.status).toBe(201);
    const body = sale.body as { paymentId: string; otp: { sentTo: string; attemptsLeft: number } };
    expect(body.otp).toMatchObject({
      sentTo: `${card.msisdn.slice(0, 3)}****${card.msisdn.slice(-4)}`,
      attemptsLeft: 3,
      resendsLeft: 2,
    });
    const code = await latestCodeFor(app, card.msisdn);
    const approved = await terminal.confirm(body.paymentId, code);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      amount: { value: 1250, currency: 'CNY' },
    });
    const again = await terminal.confirm(body.paymentId, code);
    expect(again.body).toEqual(approved.body);
    const account = await app.context.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', card.accountId)
      .executeTakeFirstOrThrow();
    expect(account.balance).toBe(8_750);
  });

  it('refuses a wrong PIN with the attempts left', async () => {
    const terminal = await addTestTerminal(app);
    const card = await enrollTestCard(app);
    const wrong = card.pin === '111111' ? '222222' : '111111';
    const reply = await terminal.pay(card, { amount: 100, pin: wrong });
    expect(reply.status).toBe(403);
    expect(errorCodeOf(reply)).toBe('PIN_INCORRECT');
    expect(reply.body).toMatchObject({ error: { attemptsLeft: 2 } });
  });
});
