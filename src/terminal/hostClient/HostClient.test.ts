import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../core/clock.js';
import { createLogger } from '../../core/logger.js';
import { money } from '../../core/money.js';
import { isPosError, type PosError } from '../../core/PosError.js';
import { Secret } from '../../core/Secret.js';
import {
  decodeBase64Url,
  encryptPinBlock,
  pinBinding,
  type PaymentRequest,
  type SignInReply,
} from '../../protocol/index.js';
import { FaultProxy } from '../../testing/FaultProxy.js';
import { createTestHost } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../../testing/hostScenario.js';
import type { TestCard } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';
import {
  issueTestServerCertificate,
  makeTestCa,
  startTlsFront,
} from '../../testing/tlsFixtures.js';
import { HostClient, type HostClientOptions } from './HostClient.js';

type TestHost = Awaited<ReturnType<typeof createTestHost>>;

const TERMINAL_ID = 'T0000001';

/** The PosError a promise rejects with (fails the test if it resolves or throws anything else). */
async function failure(promise: Promise<unknown>): Promise<PosError> {
  try {
    await promise;
  } catch (error) {
    if (isPosError(error)) return error;
    throw error;
  }
  throw new Error('expected a PosError, but the call succeeded');
}

/** A payment request as the terminal builds it: the PIN encrypted to the key from sign-in. */
function paymentRequest(
  signedIn: SignInReply,
  card: TestCard,
  trace: string,
  options: { amount?: number; pin?: string } = {},
): PaymentRequest {
  const pinKey = {
    id: signedIn.pinKey.id,
    publicKey: decodeBase64Url(signedIn.pinKey.publicKey) ?? new Uint8Array(),
  };
  const amount = options.amount === undefined ? undefined : money(options.amount, 'CNY');
  const type = amount ? ('sale' as const) : ('balance' as const);
  const binding = pinBinding({
    terminalId: signedIn.terminalId,
    batch: signedIn.batch,
    trace,
    type,
    amount,
    cardUid: card.uid,
  });
  const common = {
    batch: signedIn.batch,
    trace,
    card: { uid: card.uid, token: card.token },
    pinBlock: encryptPinBlock(new Secret(options.pin ?? card.pin), pinKey, binding),
  };
  return amount
    ? { type: 'sale', ...common, amount: { value: amount.value, currency: amount.currency } }
    : { type: 'balance', ...common };
}

/** The account's balance as the host's database holds it. */
async function balanceOf(app: TestHost, msisdn: string): Promise<number> {
  const row = await app.context.db
    .selectFrom('accounts')
    .select('balance')
    .where('msisdn', '=', msisdn)
    .executeTakeFirstOrThrow();
  return row.balance;
}

/** How many texts the host has handed to its SMS outbox for `msisdn`. */
async function textsTo(app: TestHost, msisdn: string): Promise<number> {
  const rows = await app.context.db
    .selectFrom('sms_outbox')
    .select('id')
    .where('msisdn', '=', msisdn)
    .execute();
  return rows.length;
}

/** How many debit entries the ledger holds for an account. */
async function debitsOf(app: TestHost, accountId: string): Promise<number> {
  const rows = await app.context.db
    .selectFrom('ledger_entries')
    .select('id')
    .where('account_id', '=', accountId)
    .where('kind', '=', 'debit')
    .execute();
  return rows.length;
}

/** A clock `shiftMs` away from the real one, with real timers. */
function shiftedClock(shiftMs: number): Clock {
  return { ...systemClock, now: () => Date.now() + shiftMs };
}

// One PGlite database for the file, emptied before each test.
const database = useTestDatabase('pglite');

describe('HostClient against the real host (PGlite)', () => {
  let app: TestHost;
  let baseUrl: string;
  let key: Uint8Array;
  const opened: { close(): unknown }[] = [];

  function client(options: Partial<HostClientOptions> = {}): HostClient {
    const made = new HostClient({
      baseUrl,
      terminalId: TERMINAL_ID,
      terminalKey: key,
      clock: systemClock,
      retryDelayMs: 0,
      ...options,
    });
    opened.push(made);
    return made;
  }

  async function proxy(): Promise<FaultProxy> {
    const started = await FaultProxy.start({ baseUrl });
    opened.push(started);
    return started;
  }

  beforeEach(async () => {
    app = await createTestHost(database.db, {
      clock: systemClock,
      policy: { resendCooldownSeconds: 0 },
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    // The key as `pos-host terminals add` printed it (base64url), decoded by the harness.
    key = (await addTestTerminal(app, TERMINAL_ID)).identity.key;
  });

  afterEach(async () => {
    for (const item of opened.splice(0)) await item.close();
    await app.close();
  });

  it('calls every operation once and reads each reply', async () => {
    const host = client();
    const health = await host.health();
    expect(health.reply.status).toBe('ok');
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);

    const signedIn = await host.signIn();
    expect(signedIn).toMatchObject({ terminalId: TERMINAL_ID, batch: '000001' });
    expect(Math.abs(host.clockOffsetMs)).toBeLessThan(2_000);

    const card = await enrollTestCard(app, { balance: 10_000 });
    const balance = await host.createPayment(paymentRequest(signedIn, card, '000001'));
    expect(balance).toMatchObject({ status: 'completed', balance: { value: 10_000 } });

    const sale = await host.createPayment(
      paymentRequest(signedIn, card, '000002', { amount: 3_000 }),
    );
    if (sale.status !== 'otp_sent') throw new Error('expected otp_sent');
    expect(sale.otp.resendsLeft).toBe(2);
    const resent = await host.resendOtp(sale.paymentId);
    expect(resent.otp.resendsLeft).toBe(1);
    const code = new Secret(await latestCodeFor(app, card.msisdn));
    const approved = await host.confirm(sale.paymentId, code);
    expect(approved).toMatchObject({ paymentId: sale.paymentId, status: 'approved' });

    const byId = await host.getPayment(sale.paymentId);
    expect(byId).toMatchObject({ status: 'approved', reference: approved.reference });
    expect(await host.findPayment('000001', '000002')).toEqual(byId);

    const refund = await host.createRefund({
      batch: '000001',
      trace: '000003',
      originalReference: approved.reference,
      amount: { value: 1_000, currency: 'CNY' },
    });
    expect(refund.status).toBe('refunded');

    const second = await host.createPayment(
      paymentRequest(signedIn, card, '000004', { amount: 500 }),
    );
    await host.confirm(second.paymentId, new Secret(await latestCodeFor(app, card.msisdn)));
    expect(await host.voidPayment(second.paymentId)).toMatchObject({ status: 'voided' });

    const third = await host.createPayment(
      paymentRequest(signedIn, card, '000005', { amount: 200 }),
    );
    expect(await host.reverse(third.paymentId, 'timeout')).toEqual({
      paymentId: third.paymentId,
      status: 'reversed',
    });

    const settled = await host.settle('000001', {
      counts: { sale: 1, void: 1, refund: 1 },
      totals: {
        sale: { value: 3_000, currency: 'CNY' },
        refund: { value: 1_000, currency: 'CNY' },
      },
    });
    expect(settled).toMatchObject({ result: 'balanced', nextBatch: '000002' });
    expect(await balanceOf(app, card.msisdn)).toBe(8_000);
  });

  it('throws the host error with its extra fields: PIN_INCORRECT with attemptsLeft', async () => {
    const host = client();
    const signedIn = await host.signIn();
    const card = await enrollTestCard(app);
    const wrongPin = String((Number(card.pin) + 1) % 1_000_000).padStart(6, '0');
    const error = await failure(
      host.createPayment(paymentRequest(signedIn, card, '000001', { amount: 100, pin: wrongPin })),
    );
    expect(error.code).toBe('PIN_INCORRECT');
    expect(error.details).toMatchObject({ attemptsLeft: 2 });

    const notFound = await failure(host.getPayment('P-no-such-payment'));
    expect(notFound.code).toBe('PAYMENT_NOT_FOUND');
  });

  it('resolves a lost confirm reply by retrying the same code: one approval, one debit', async () => {
    const faults = await proxy();
    const host = client({ baseUrl: faults.url });
    const signedIn = await host.signIn();
    const card = await enrollTestCard(app, { balance: 10_000 });
    const sale = await host.createPayment(
      paymentRequest(signedIn, card, '000001', { amount: 2_500 }),
    );
    faults.addRule({ method: 'POST', path: /\/confirm$/, fault: 'drop-reply' });

    const approved = await host.confirm(
      sale.paymentId,
      new Secret(await latestCodeFor(app, card.msisdn)),
    );
    expect(approved).toMatchObject({ paymentId: sale.paymentId, status: 'approved' });
    expect(faults.log.filter((entry) => entry.path.endsWith('/confirm'))).toEqual([
      {
        method: 'POST',
        path: `/v1/payments/${sale.paymentId}/confirm`,
        action: 'dropped-reply',
        status: 200,
      },
      {
        method: 'POST',
        path: `/v1/payments/${sale.paymentId}/confirm`,
        action: 'forwarded',
        status: 200,
      },
    ]);
    expect(await balanceOf(app, card.msisdn)).toBe(7_500);
    expect(await debitsOf(app, card.accountId)).toBe(1);
  });

  it('retries a payment whose reply was lost: the same paymentId, one SMS', async () => {
    const faults = await proxy();
    const host = client({ baseUrl: faults.url });
    const signedIn = await host.signIn();
    const card = await enrollTestCard(app);
    const textsBefore = await textsTo(app, card.msisdn);
    faults.addRule({ method: 'POST', path: /^\/v1\/payments$/, fault: 'drop-reply' });

    const sale = await host.createPayment(
      paymentRequest(signedIn, card, '000001', { amount: 100 }),
    );
    expect(sale.status).toBe('otp_sent');
    expect(faults.log.filter((entry) => entry.path === '/v1/payments')).toEqual([
      { method: 'POST', path: '/v1/payments', action: 'dropped-reply', status: 201 },
      { method: 'POST', path: '/v1/payments', action: 'forwarded', status: 201 },
    ]);
    expect((await textsTo(app, card.msisdn)) - textsBefore).toBe(1);
    expect((await host.findPayment('000001', '000001')).paymentId).toBe(sale.paymentId);
  });

  it('does not resend a code whose reply was lost: HOST_TIMEOUT after one request', async () => {
    const faults = await proxy();
    const host = client({ baseUrl: faults.url });
    const signedIn = await host.signIn();
    const card = await enrollTestCard(app);
    const sale = await host.createPayment(
      paymentRequest(signedIn, card, '000001', { amount: 100 }),
    );
    faults.addRule({ method: 'POST', path: /\/resend-otp$/, fault: 'drop-reply', times: 5 });

    const error = await failure(host.resendOtp(sale.paymentId));
    expect(error.code).toBe('HOST_TIMEOUT');
    expect(faults.log.filter((entry) => entry.path.endsWith('/resend-otp'))).toEqual([
      {
        method: 'POST',
        path: `/v1/payments/${sale.paymentId}/resend-otp`,
        action: 'dropped-reply',
        status: 200,
      },
    ]);
    // The host did resend: a second code went out, and only one.
    expect((await host.getPayment(sale.paymentId)).status).toBe('otp_sent');
    expect(await textsTo(app, card.msisdn)).toBe(3); // enrolment PIN, first code, the one resend
  });

  it('sees a refused or hung request as HOST_TIMEOUT (it was sent) and asks again', async () => {
    const faults = await proxy();
    const host = client({ baseUrl: faults.url, timeouts: { replyMs: 300 } });
    await host.signIn();
    faults.addRule({ method: 'GET', path: /^\/v1\/payments\?/, fault: 'refuse' });
    faults.addRule({ method: 'GET', path: /^\/v1\/payments\?/, fault: 'hang' });
    const error = await failure(host.findPayment('000001', '000009'));
    expect(error.code).toBe('PAYMENT_NOT_FOUND');
    expect(faults.log.slice(1).map((entry) => entry.action)).toEqual([
      'refused',
      'hung',
      'forwarded',
    ]);

    const once = client({ baseUrl: faults.url, timeouts: { replyMs: 300 }, retries: 0 });
    faults.addRule({ path: /^\/v1\/payments\?/, fault: 'refuse' });
    expect(await failure(once.findPayment('000001', '000009'))).toMatchObject({
      code: 'HOST_TIMEOUT',
      details: { cause: 'ECONNRESET' },
    });
    faults.addRule({ path: /^\/v1\/payments\?/, fault: 'hang' });
    expect(await failure(once.findPayment('000001', '000009'))).toMatchObject({
      code: 'HOST_TIMEOUT',
      details: { cause: 'REPLY_TIMEOUT' },
    });
  });

  it('corrects a clock an hour off from TIMESTAMP_SKEW and sends once more', async () => {
    const faults = await proxy();
    const behind = client({ baseUrl: faults.url, clock: shiftedClock(-3_600_000) });
    const signedIn = await behind.signIn();
    expect(signedIn.terminalId).toBe(TERMINAL_ID);
    expect(faults.log.map((entry) => entry.status)).toEqual([401, 200]);
    expect(behind.clockOffsetMs).toBeGreaterThan(3_600_000 - 5_000);
    expect(behind.clockOffsetMs).toBeLessThan(3_600_000 + 5_000);

    // A client that never signed in corrects itself on its first signed call too.
    const ahead = client({ baseUrl: faults.url, clock: shiftedClock(3_600_000) });
    const error = await failure(ahead.findPayment('000001', '000001'));
    expect(error.code).toBe('PAYMENT_NOT_FOUND');
    expect(faults.log.slice(2).map((entry) => entry.status)).toEqual([401, 404]);
    expect(ahead.clockOffsetMs).toBeLessThan(-3_600_000 + 5_000);
  });

  it('sets the clock offset from the sign-in reply', async () => {
    const host = client({ clock: shiftedClock(120_000) });
    expect(host.clockOffsetMs).toBe(0);
    await host.signIn();
    expect(host.clockOffsetMs).toBeGreaterThan(-120_000 - 2_000);
    expect(host.clockOffsetMs).toBeLessThan(-120_000 + 2_000);
  });

  it('logs method, path, status and latency, never a code or a body', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      name: 'terminal',
      level: 'debug',
      destination: { write: (line: string) => lines.push(line) },
    });
    const host = client({ logger });
    const signedIn = await host.signIn();
    const card = await enrollTestCard(app);
    const sale = await host.createPayment(
      paymentRequest(signedIn, card, '000001', { amount: 100 }),
    );
    const code = await latestCodeFor(app, card.msisdn);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect((await failure(host.confirm(sale.paymentId, new Secret(wrong)))).code).toBe(
      'OTP_INCORRECT',
    );
    await host.confirm(sale.paymentId, new Secret(code));

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        path: '/v1/terminals/sign-in',
        status: 200,
        latencyMs: expect.any(Number) as unknown,
      }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ status: 403, code: 'OTP_INCORRECT' }));
    const text = lines.join('');
    for (const secret of [code, wrong, card.pin, card.token]) expect(text).not.toContain(secret);
    expect(text).not.toContain('pinBlock');
  });
});

describe('HostClient over HTTPS with the host CA pinned', () => {
  const ca = makeTestCa();
  const otherCa = makeTestCa();
  const server = issueTestServerCertificate(ca);
  let app: TestHost;
  let front: { url: string; close: () => Promise<void> };
  let key: Uint8Array;

  beforeEach(async () => {
    app = await createTestHost(database.db, { clock: systemClock });
    const plain = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
    front = await startTlsFront(server, Number(plain.port));
    key = (await addTestTerminal(app, TERMINAL_ID)).identity.key;
  });

  afterEach(async () => {
    await front.close();
    await app.close();
  });

  function pinned(caPem: string): HostClient {
    return new HostClient({
      baseUrl: front.url,
      terminalId: TERMINAL_ID,
      terminalKey: key,
      ca: caPem,
      clock: systemClock,
      retryDelayMs: 0,
    });
  }

  it('signs in over https when the host certificate chains to the pinned CA', async () => {
    const host = pinned(ca.certPem);
    try {
      expect((await host.health()).reply.status).toBe('ok');
      expect(await host.signIn()).toMatchObject({ terminalId: TERMINAL_ID });
    } finally {
      host.close();
    }
  });

  it('is HOST_UNREACHABLE with a certificate cause when another CA is pinned', async () => {
    const host = pinned(otherCa.certPem);
    try {
      const error = await failure(host.signIn());
      expect(error.code).toBe('HOST_UNREACHABLE');
      expect(error.details.cause).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      host.close();
    }
  });
});
