import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { enrollAccount } from './accounts/accountAdmin.js';
import {
  createTestHost,
  openTestDatabase,
  ScriptedRandom,
  type TestDatabase,
} from '../testing/hostHarness.js';
import { addTestTerminal } from '../testing/hostScenario.js';
import { httpSender } from '../testing/signedRequest.js';
import { TestTerminal } from '../testing/TestTerminal.js';
import type { OutgoingSms, SmsAcceptance, SmsTransport } from './sms/SmsTransport.js';

/** A gateway that takes its time, so a request is still in flight when the host is told to stop. */
class SlowTransport implements SmsTransport {
  readonly name = 'slow';
  started: () => void = () => undefined;
  async send(_message: OutgoingSms): Promise<SmsAcceptance> {
    this.started();
    await new Promise((resolve) => setTimeout(resolve, 400));
    return { transportRef: 'slow-1' };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase('pglite');
});
afterAll(async () => {
  await database.close();
});

it('finishes a request in flight before it closes, and refuses new ones meanwhile', async () => {
  const transport = new SlowTransport();
  const random = new ScriptedRandom();
  random.pins.push('739146');
  const app = await createTestHost(database.db, {
    clock: systemClock,
    smsTransport: transport,
    random,
  });
  const uid = '04A1B2C3D4E5F6';
  const enrolled = await enrollAccount(app.context, {
    msisdn: '13800138000',
    cardUid: uid,
    currency: 'CNY',
    balance: 5_000,
    actor: 'test',
  });
  const card = { uid, token: enrolled.cardToken, pin: '739146' };
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const terminal = new TestTerminal(
    httpSender(address),
    (await addTestTerminal(app, 'T0000002')).identity,
    systemClock,
  );
  await terminal.signIn();
  const inFlight = new Promise<void>((resolve) => {
    transport.started = resolve;
  });
  const sale = terminal.pay(card, { amount: 100 });
  await inFlight;
  const closing = app.close();
  const reply = await sale;
  await closing;
  expect(reply.status).toBe(201);
  const payments = await database.db.selectFrom('payments').select(['status', 'reply']).execute();
  expect(payments).toEqual([
    { status: 'otp_sent', reply: expect.objectContaining({ status: 201 }) as unknown },
  ]);
  await expect(
    httpSender(address)({ method: 'GET', path: '/v1/health', headers: {}, body: '' }),
  ).rejects.toThrow();
});
