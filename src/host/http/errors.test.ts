import { beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { unixSeconds } from '../../core/clock.js';
import { MAX_BODY_BYTES } from '../../protocol/endpoints.js';
import { authHeaderFields, signRequest } from '../../protocol/signing.js';
import type { HostApp } from '../buildHost.js';
import {
  createTestHost,
  openTestDatabase,
  TEST_DATABASE_KINDS,
} from '../../testing/hostHarness.js';
import { addTestTerminal } from '../../testing/hostScenario.js';
import type { TestTerminal } from '../../testing/TestTerminal.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

const SECRET_VALUE = 'do-not-echo-8f3a2c';

interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; problem: string }[] };
}

describe.each(TEST_DATABASE_KINDS)('error replies on %s', (kind) => {
  const database = useTestDatabase(kind);
  let app: HostApp;
  let terminal: TestTerminal;

  beforeEach(async () => {
    app = await createTestHost(database.db);
    terminal = await addTestTerminal(app);
    return () => app.close();
  });

  /** A correctly signed request with any raw body and content type, sent through inject. */
  function signed(
    method: 'GET' | 'POST',
    url: string,
    body: string,
    contentType: string | null = 'application/json',
    target: HostApp = app,
  ): Promise<LightMyRequestResponse> {
    const auth = signRequest({
      terminalId: terminal.identity.terminalId,
      key: terminal.identity.key,
      method,
      pathWithQuery: url,
      body,
      timestampSeconds: unixSeconds(target.context.clock),
    });
    return target.inject({
      method,
      url,
      headers: {
        ...authHeaderFields(auth),
        ...(contentType === null ? {} : { 'content-type': contentType }),
      },
      ...(body.length > 0 ? { payload: body } : {}),
    });
  }

  /** Asserts a 400 VALIDATION_FAILED with these fields named, and returns its details. */
  function expectValidation(response: LightMyRequestResponse, fields: string[]) {
    expect(response.statusCode).toBe(400);
    const body = response.json<ErrorBody>();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details?.map((detail) => detail.field).sort()).toEqual([...fields].sort());
    for (const detail of body.error.details ?? []) {
      expect(Object.keys(detail).sort()).toEqual(['field', 'problem']);
      expect(typeof detail.problem).toBe('string');
    }
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
    return body.error.details ?? [];
  }

  it('refuses an unknown body field, naming it without echoing any value', async () => {
    const response = await signed(
      'POST',
      '/v1/refunds',
      JSON.stringify({
        batch: '000001',
        trace: '000001',
        originalReference: '000000000001',
        amount: { value: 100, currency: 'CNY', note: SECRET_VALUE },
        pin: SECRET_VALUE,
      }),
    );
    const details = expectValidation(response, ['amount.note', 'pin']);
    expect(details.every((detail) => detail.problem === 'unknown field')).toBe(true);
    expect(response.body).not.toContain(SECRET_VALUE);
  });

  it('does not echo a malformed value either', async () => {
    const response = await signed(
      'POST',
      '/v1/payments/P1/confirm',
      JSON.stringify({ otp: SECRET_VALUE }),
    );
    expectValidation(response, ['otp']);
    expect(response.body).not.toContain(SECRET_VALUE);
  });

  it('refuses a "__proto__" member as an unknown field', async () => {
    const response = await signed('POST', '/v1/terminals/sign-in', '{"__proto__":{"x":1}}');
    expectValidation(response, ['__proto__']);
  });

  it(`refuses a body over ${MAX_BODY_BYTES} bytes and reads one of exactly that size`, async () => {
    const padded = (size: number) => {
      const base = JSON.stringify({ reason: 'timeout', pad: '' });
      return JSON.stringify({ reason: 'timeout', pad: 'x'.repeat(size - base.length) });
    };
    const exact = padded(MAX_BODY_BYTES);
    expect(Buffer.byteLength(exact)).toBe(MAX_BODY_BYTES);
    // Read in full (signature checked, body parsed): the only problem is the unknown field.
    expectValidation(await signed('POST', '/v1/payments/P1/reverse', exact), ['pad']);
    const over = padded(MAX_BODY_BYTES + 1);
    const response = await signed('POST', '/v1/payments/P1/reverse', over);
    expectValidation(response, ['body']);
    expect(response.json<ErrorBody>().error.details?.[0]?.problem).toContain(
      String(MAX_BODY_BYTES),
    );
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['no content type', null],
  ])('refuses a body sent as %s', async (_case, contentType) => {
    const response = await signed('POST', '/v1/terminals/sign-in', '{}', contentType);
    expectValidation(response, ['content-type']);
  });

  it('accepts application/json with a charset', async () => {
    const response = await signed(
      'POST',
      '/v1/terminals/sign-in',
      '{}',
      'application/json; charset=utf-8',
    );
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['truncated JSON', '{"reason":'],
    ['not JSON at all', 'reason=timeout'],
    ['an empty body', ''],
  ])('refuses %s', async (_case, body) => {
    const response = await signed('POST', '/v1/payments/P1/reverse', body);
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a JSON body that is not an object', async () => {
    expectValidation(await signed('POST', '/v1/terminals/sign-in', '[]'), ['']);
  });

  it.each([
    ['a character outside the id alphabet', '/v1/payments/P!1', 'paymentId'],
    ['an id of 65 characters', `/v1/payments/${'P'.repeat(65)}`, 'paymentId'],
    ['a leading dash', '/v1/payments/-P1/void', 'paymentId'],
  ])('refuses a payment id with %s', async (_case, url, field) => {
    const method = url.endsWith('/void') ? 'POST' : 'GET';
    const response = await signed(method, url, method === 'POST' ? '{}' : '');
    expectValidation(response, [field]);
  });

  it('refuses a malformed batch in the settle path', async () => {
    const body = JSON.stringify({
      counts: { sale: 0, void: 0, refund: 0 },
      totals: { sale: { value: 0, currency: 'CNY' }, refund: { value: 0, currency: 'CNY' } },
    });
    expectValidation(await signed('POST', '/v1/batches/1/settle', body), ['batch']);
  });

  it('refuses a query string on an endpoint that takes none', async () => {
    expectValidation(await signed('POST', '/v1/terminals/sign-in?debug=1', '{}'), ['query']);
  });

  it('hashes the empty string for a GET, whatever body it carries', async () => {
    // protocol.md: "a GET hashes the empty string", so a signature over a GET body fails.
    const response = await signed('GET', '/v1/payments/P1', '{}');
    expect(response.statusCode).toBe(401);
    expect(response.json<ErrorBody>().error.code).toBe('SIGNATURE_INVALID');
  });

  it.each([
    ['GET', '/v1/nothing'],
    ['POST', '/v1/health'],
    ['GET', '/v2/health'],
    ['GET', '/'],
  ] as const)(
    'answers %s %s, an unknown route, with 400 VALIDATION_FAILED',
    async (method, url) => {
      const response = await app.inject({ method, url });
      expectValidation(response, ['path']);
    },
  );

  it('answers an unexpected failure with a bare 500 INTERNAL', async () => {
    const broken = await openTestDatabase(kind);
    const host = await createTestHost(broken.db, { clock: app.context.clock });
    try {
      const other = await addTestTerminal(host, 'T0000001');
      await broken.db.destroy();
      const reply = await other.request('POST', '/v1/terminals/sign-in', {});
      expect(reply.status).toBe(500);
      expect(reply.body).toStrictEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
      expect(reply.headers['x-request-id']).toEqual(expect.any(String));
    } finally {
      await host.close();
      await broken.close();
    }
  });

  it('gives every reply its own x-request-id and ignores the client’s', async () => {
    const responses = [
      await app.inject({ method: 'GET', url: '/v1/health', headers: { 'x-request-id': 'mine' } }),
      await signed('POST', '/v1/terminals/sign-in', '{}'),
      await signed('POST', '/v1/terminals/sign-in', '{"x":1}'),
      await signed('GET', '/v1/payments/P1', ''),
      await app.inject({ method: 'POST', url: '/v1/terminals/sign-in', payload: {} }),
      await app.inject({ method: 'GET', url: '/nowhere' }),
      await signed('POST', '/v1/refunds', 'x'.repeat(MAX_BODY_BYTES + 1)),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([
      200, 200, 400, 404, 401, 400, 400,
    ]);
    const ids = responses.map((response) => response.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps every error body to the protocol shape', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/refunds', payload: {} });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      error: { code: 'TERMINAL_UNKNOWN', message: expect.any(String) as string },
    });
  });
});
