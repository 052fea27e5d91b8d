import { beforeEach, describe, expect, it } from 'vitest';
import { unixSeconds } from '../../core/clock.js';
import { ManualClock } from '../../core/ManualClock.js';
import { decodeBase64Url } from '../../protocol/base64url.js';
import { authHeaderFields, generateNonce, signRequest } from '../../protocol/signing.js';
import { buildHost, type HostApp } from '../buildHost.js';
import { HOST_VERSION } from '../version.js';
import { createLogger } from '../../core/logger.js';
import { createTestHost, TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard } from '../../testing/hostScenario.js';
import { sendSigned, type RawReply } from '../../testing/signedRequest.js';
import { errorCodeOf, injectSender, type TestTerminal } from '../../testing/TestTerminal.js';
import { setTerminalDisabled } from './terminalAdmin.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

const SIGN_IN = '/v1/terminals/sign-in';

describe.each(TEST_DATABASE_KINDS)('terminal authentication on %s', (kind) => {
  const database = useTestDatabase(kind);
  let app: HostApp;
  let clock: ManualClock;
  let terminal: TestTerminal;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
    app = await createTestHost(database.db, { clock });
    terminal = await addTestTerminal(app);
    return () => app.close();
  });

  /** Signs a sign-in with the right key as at `offsetSeconds` from the host's clock. */
  function signInAt(offsetSeconds: number, nonce?: string): Promise<RawReply> {
    return sendSigned(injectSender(app), terminal.identity, {
      method: 'POST',
      path: SIGN_IN,
      body: {},
      nowSeconds: unixSeconds(clock) + offsetSeconds,
      ...(nonce === undefined ? {} : { nonce }),
    });
  }

  /** A signed request whose headers, path or body the test then changes before sending. */
  function tampered(options: {
    signedPath?: string;
    sentPath?: string;
    signedBody?: string;
    sentBody?: string;
    headers?: Record<string, string | undefined>;
  }) {
    const signedBody = options.signedBody ?? '{}';
    const auth = signRequest({
      terminalId: terminal.identity.terminalId,
      key: terminal.identity.key,
      method: 'POST',
      pathWithQuery: options.signedPath ?? SIGN_IN,
      body: signedBody,
      timestampSeconds: unixSeconds(clock),
    });
    const headers: Record<string, string> = {
      ...authHeaderFields(auth),
      'content-type': 'application/json',
    };
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value === undefined) Reflect.deleteProperty(headers, name);
      else headers[name] = value;
    }
    return app.inject({
      method: 'POST',
      url: options.sentPath ?? options.signedPath ?? SIGN_IN,
      headers,
      payload: options.sentBody ?? signedBody,
    });
  }

  function codeOf(response: { json: () => unknown }): string | undefined {
    return (response.json() as { error?: { code?: string } }).error?.code;
  }

  it('answers GET /v1/health without a signature', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', version: expect.any(String) as string });
    expect(response.json<{ version: string }>().version).toBe(HOST_VERSION);
  });

  it('signs a terminal in with its merchant, PIN key and open batch', async () => {
    const reply = await terminal.request('POST', SIGN_IN, {});
    expect(reply.status).toBe(200);
    const body = reply.body as { pinKey: { id: string; publicKey: string } };
    expect(body).toEqual({
      serverTime: new Date(clock.now()).toISOString(),
      merchant: { id: 'M0001', name: '星巴克 Starbucks' },
      terminalId: 'T0000001',
      pinKey: { id: app.context.pinKeys.active.id, publicKey: expect.any(String) as string },
      batch: '000001',
    });
    expect(decodeBase64Url(body.pinKey.publicKey)?.length).toBe(32);
  });

  it('refuses a signed request without a signature on an endpoint other than health', async () => {
    const response = await app.inject({
      method: 'POST',
      url: SIGN_IN,
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(401);
    expect(codeOf(response)).toBe('TERMINAL_UNKNOWN');
  });

  it('refuses an unknown terminal id and a missing terminal header as TERMINAL_UNKNOWN', async () => {
    const unknown = await tampered({ headers: { 'x-pos-terminal': 'T9999999' } });
    expect(unknown.statusCode).toBe(401);
    expect(codeOf(unknown)).toBe('TERMINAL_UNKNOWN');
    const missing = await tampered({ headers: { 'x-pos-terminal': undefined } });
    expect(missing.statusCode).toBe(401);
    expect(codeOf(missing)).toBe('TERMINAL_UNKNOWN');
  });

  it('refuses a request signed with another key', async () => {
    const reply = await sendSigned(
      injectSender(app),
      { terminalId: 'T0000001', key: new Uint8Array(32).fill(7) },
      { method: 'POST', path: SIGN_IN, body: {}, nowSeconds: unixSeconds(clock) },
    );
    expect(reply.status).toBe(401);
    expect(errorCodeOf(reply)).toBe('SIGNATURE_INVALID');
  });

  it('refuses a body, path or query altered after signing', async () => {
    const body = await tampered({ signedBody: '{}', sentBody: '{ }' });
    expect(body.statusCode).toBe(401);
    expect(codeOf(body)).toBe('SIGNATURE_INVALID');
    const path = await tampered({
      signedPath: '/v1/payments/P1/void',
      sentPath: '/v1/payments/P2/void',
    });
    expect(path.statusCode).toBe(401);
    expect(codeOf(path)).toBe('SIGNATURE_INVALID');
    const query = await tampered({ sentPath: `${SIGN_IN}?x=1` });
    expect(query.statusCode).toBe(401);
    expect(codeOf(query)).toBe('SIGNATURE_INVALID');
  });

  it.each([
    ['not base64url', 'not/a+signature='],
    ['too short', 'AAAA'],
    ['padded', `${'A'.repeat(42)}E=`],
    ['missing', undefined],
  ])('refuses a malformed signature header (%s)', async (_case, signature) => {
    const response = await tampered({ headers: { 'x-pos-signature': signature } });
    expect(response.statusCode).toBe(401);
    expect(codeOf(response)).toBe('SIGNATURE_INVALID');
  });

  it('refuses malformed timestamp and nonce headers as SIGNATURE_INVALID', async () => {
    for (const headers of [
      { 'x-pos-timestamp': `0${String(unixSeconds(clock))}` },
      { 'x-pos-timestamp': undefined },
      { 'x-pos-nonce': 'ABCDEF0123456789ABCDEF0123456789' },
      { 'x-pos-nonce': undefined },
    ]) {
      const response = await tampered({ headers });
      expect(response.statusCode).toBe(401);
      expect(codeOf(response)).toBe('SIGNATURE_INVALID');
    }
  });

  it('refuses a repeated authentication header as SIGNATURE_INVALID', async () => {
    const auth = signRequest({
      terminalId: 'T0000001',
      key: terminal.identity.key,
      method: 'POST',
      pathWithQuery: SIGN_IN,
      body: '{}',
      timestampSeconds: unixSeconds(clock),
    });
    const response = await app.inject({
      method: 'POST',
      url: SIGN_IN,
      headers: {
        ...authHeaderFields(auth),
        'x-pos-nonce': [auth.nonce, auth.nonce],
        'content-type': 'application/json',
      },
      payload: '{}',
    });
    expect(response.statusCode).toBe(401);
    expect(codeOf(response)).toBe('SIGNATURE_INVALID');
  });

  it('accepts a clock 300 s off either way and refuses 301 s with the server time', async () => {
    expect((await signInAt(300)).status).toBe(200);
    expect((await signInAt(-300)).status).toBe(200);
    for (const offset of [301, -301]) {
      const reply = await signInAt(offset);
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        error: {
          code: 'TIMESTAMP_SKEW',
          message: expect.any(String) as string,
          serverTime: new Date(clock.now()).toISOString(),
        },
      });
    }
  });

  it('checks the signature before the clock', async () => {
    const response = await tampered({
      headers: { 'x-pos-timestamp': String(unixSeconds(clock) + 3_600) },
    });
    expect(codeOf(response)).toBe('SIGNATURE_INVALID');
  });

  it('refuses a disabled terminal until it is enabled again', async () => {
    await setTerminalDisabled(app.context, {
      terminalId: 'T0000001',
      disabled: true,
      actor: 'test',
    });
    const nonce = generateNonce();
    const refused = await terminal.request('POST', SIGN_IN, {}, nonce);
    expect(refused.status).toBe(403);
    expect(errorCodeOf(refused)).toBe('TERMINAL_DISABLED');
    // Only a holder of the key learns that the terminal is disabled.
    expect(codeOf(await tampered({ signedBody: '{}', sentBody: '{ }' }))).toBe('SIGNATURE_INVALID');
    await setTerminalDisabled(app.context, {
      terminalId: 'T0000001',
      disabled: false,
      actor: 'test',
    });
    // The refused request did not use up its nonce.
    expect((await terminal.request('POST', SIGN_IN, {}, nonce)).status).toBe(200);
  });

  it('refuses a nonce seen in the last 600 s and accepts it again after 601 s', async () => {
    const nonce = generateNonce();
    expect((await terminal.request('POST', SIGN_IN, {}, nonce)).status).toBe(200);
    const replayed = await terminal.request('POST', SIGN_IN, {}, nonce);
    expect(replayed.status).toBe(401);
    expect(errorCodeOf(replayed)).toBe('NONCE_REPLAYED');
    clock.advance(600_000);
    expect(errorCodeOf(await terminal.request('POST', SIGN_IN, {}, nonce))).toBe('NONCE_REPLAYED');
    clock.advance(1_000);
    expect((await terminal.request('POST', SIGN_IN, {}, nonce)).status).toBe(200);
  });

  it('keeps nonces per terminal', async () => {
    const other = await addTestTerminal(app, 'T0000002');
    const nonce = generateNonce();
    expect((await terminal.request('POST', SIGN_IN, {}, nonce)).status).toBe(200);
    expect((await other.request('POST', SIGN_IN, {}, nonce)).status).toBe(200);
  });

  it('still refuses a replayed nonce after a restart over the same database', async () => {
    const nonce = generateNonce();
    expect((await terminal.request('POST', SIGN_IN, {}, nonce)).status).toBe(200);
    const restarted = await buildHost({
      db: database.db,
      crypto: app.context.crypto,
      clock,
      logger: createLogger({ name: 'host', level: 'silent' }),
      closeDatabase: false,
    });
    try {
      const replay = await sendSigned(injectSender(restarted), terminal.identity, {
        method: 'POST',
        path: SIGN_IN,
        body: {},
        nowSeconds: unixSeconds(clock),
        nonce,
      });
      expect(replay.status).toBe(401);
      expect(errorCodeOf(replay)).toBe('NONCE_REPLAYED');
      const fresh = await sendSigned(injectSender(restarted), terminal.identity, {
        method: 'POST',
        path: SIGN_IN,
        body: {},
        nowSeconds: unixSeconds(clock),
      });
      expect(fresh.status).toBe(200);
    } finally {
      await restarted.close();
    }
  });

  it('changes nothing for a rejected request: no payment, no text, no nonce', async () => {
    const card = await enrollTestCard(app, { balance: 10_000 });
    const count = async (table: 'payments' | 'sms_messages' | 'sms_outbox' | 'terminal_nonces') =>
      Number(
        (
          await app.context.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = {
      payments: await count('payments'),
      sms: await count('sms_messages'),
      outbox: await count('sms_outbox'),
      nonces: await count('terminal_nonces'),
    };
    const body = terminal.paymentBody(card, { amount: 1250 });
    const nonce = generateNonce();
    const forged = await sendSigned(
      injectSender(app),
      { terminalId: 'T0000001', key: new Uint8Array(32).fill(1) },
      { method: 'POST', path: '/v1/payments', body, nowSeconds: unixSeconds(clock), nonce },
    );
    expect(errorCodeOf(forged)).toBe('SIGNATURE_INVALID');
    const skewed = await sendSigned(injectSender(app), terminal.identity, {
      method: 'POST',
      path: '/v1/payments',
      body,
      nowSeconds: unixSeconds(clock) - 301,
      nonce,
    });
    expect(errorCodeOf(skewed)).toBe('TIMESTAMP_SKEW');
    expect({
      payments: await count('payments'),
      sms: await count('sms_messages'),
      outbox: await count('sms_outbox'),
      nonces: await count('terminal_nonces'),
    }).toEqual(before);
    // The genuine request with the same nonce still goes through: nothing was used up.
    const genuine = await terminal.request('POST', '/v1/payments', body, nonce);
    expect(genuine.status).toBe(201);
    expect(await count('payments')).toBe(before.payments + 1);
  });
});
