import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../core/clock.js';
import { createLogger, type Logger } from '../../../core/logger.js';
import { isPosError, type PosError } from '../../../core/PosError.js';
import { FakeHttpSmsGateway, type GatewayDialect } from '../../../testing/FakeHttpSmsGateway.js';
import { describeSmsTransportContract } from '../transportContract.js';
import { createHttpTransport, type HttpTransport } from './HttpTransport.js';
import {
  httpTransportConfigSchema,
  type HttpTransportConfig,
  type HttpTransportConfigInput,
} from './httpTransportConfig.js';

const SECRET = 'kannel-s3cret-Pa55';
const secretDir = mkdtempSync(join(tmpdir(), 'http-sms-'));
const secretFile = join(secretDir, 'gateway.secret');
writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
afterAll(() => rmSync(secretDir, { recursive: true, force: true }));

/** The config a deployment would write for each dialect, pointed at the fake gateway. */
function configFor(
  dialect: GatewayDialect,
  origin: string,
  extra: Partial<HttpTransportConfigInput> = {},
): HttpTransportConfig {
  const input: HttpTransportConfigInput =
    dialect === 'kannel'
      ? {
          url: `${origin}/cgi-bin/sendsms?username={user}&password={password}&to={to}&text={text}&coding=2&charset=UTF-8`,
          user: 'combopay',
          secretFile,
          acceptStatuses: [202],
          successPattern: '^[03]: ',
          permanentPattern: 'Not routable',
          ...extra,
        }
      : {
          method: 'POST',
          url: `${origin}/v1/messages`,
          headers: { Authorization: 'Bearer {password}' },
          body: '{"to":"{to}","text":"{text}","ref":"{messageId}"}',
          secretEnv: 'SMS_API_KEY',
          successJsonPath: 'status',
          successJsonValues: ['ok'],
          messageIdJsonPath: 'messages[0].id',
          permanentPattern: 'invalid number',
          ...extra,
        };
  return httpTransportConfigSchema.parse(input);
}

async function startGateway(dialect: GatewayDialect): Promise<FakeHttpSmsGateway> {
  return FakeHttpSmsGateway.start({
    dialect,
    secret: SECRET,
    ...(dialect === 'kannel' ? { user: 'combopay' } : {}),
  });
}

for (const dialect of ['kannel', 'json'] as const) {
  describeSmsTransportContract(
    `http (${dialect})`,
    async ({ logger, clock }) => {
      const gateway = await startGateway(dialect);
      const transport = createHttpTransport(configFor(dialect, gateway.origin), {
        logger,
        clock,
        env: { SMS_API_KEY: SECRET },
      });
      return {
        transport,
        setGateway: (behaviour) => {
          gateway.behaviour = behaviour;
        },
        received: () => gateway.messages,
        dispose: async () => {
          await transport.close();
          await gateway.stop();
        },
      };
    },
    // Kannel's sendsms reply carries no message id; the JSON gateway's does.
    { transportRef: dialect === 'json' },
  );
}

describe('the http SMS transport', () => {
  let gateway: FakeHttpSmsGateway;
  let transport: HttpTransport | undefined;
  let lines: string[];
  let logger: Logger;

  beforeEach(() => {
    lines = [];
    logger = createLogger({
      name: 'http-sms',
      level: 'trace',
      destination: { write: (line: string) => void lines.push(line) },
    });
  });

  afterEach(async () => {
    await transport?.close();
    transport = undefined;
    await gateway.stop();
  });

  async function setUp(dialect: GatewayDialect, extra: Partial<HttpTransportConfigInput> = {}) {
    gateway = await startGateway(dialect);
    transport = createHttpTransport(configFor(dialect, gateway.origin, extra), {
      logger,
      clock: systemClock,
      env: { SMS_API_KEY: SECRET },
    });
    return transport;
  }

  const sms = (text: string) => ({ messageId: 'S-1', to: '13800138000', text });
  const never = new AbortController().signal;

  async function failure(promise: Promise<unknown>): Promise<PosError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (!isPosError(error)) throw new Error(`expected a PosError, got ${String(error)}`);
    return error;
  }

  it('URL-encodes the number and text in the query, so &, #, + and % cannot break it', async () => {
    const http = await setUp('kannel');
    const text = 'a&text=evil #1 +86 100% 星巴克 ok?';
    await http.send({ messageId: 'S-1', to: '+8613800138000', text }, never);
    expect(gateway.messages).toEqual([{ to: '+8613800138000', text }]);
    expect(gateway.requests[0]?.url).toContain('&coding=2&charset=UTF-8');
  });

  it('JSON-escapes the text in a JSON body and sends the secret only in its header', async () => {
    const http = await setUp('json');
    const text = 'say "hi"\\ \n new line {text} 星巴克';
    const accepted = await http.send(sms(text), never);
    expect(accepted).toEqual({ transportRef: 'm-1' });
    expect(gateway.messages).toEqual([{ to: '13800138000', text }]);
    const request = gateway.requests[0];
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request?.body ?? '')).toMatchObject({ ref: 'S-1' });
    expect(request?.body).not.toContain(SECRET);
  });

  it('takes Kannel’s "3: Queued for later delivery" as accepted, and reads an id by regex', async () => {
    const http = await setUp('kannel', { messageIdPattern: 'id (?<id>[\\w-]+)' });
    gateway.override = () => ({ status: 202, body: '3: Queued for later delivery, id q-77' });
    expect(await http.send(sms('hello'), never)).toEqual({ transportRef: 'q-77' });
  });

  it('refuses, temporarily, a reply with an accepted status but a body that is not a success', async () => {
    const http = await setUp('kannel');
    gateway.override = () => ({ status: 202, body: '<html>proxy error</html>' });
    const error = await failure(http.send(sms('hello'), never));
    expect(error.code).toBe('SMS_UNAVAILABLE');
    expect(error.details.permanent).toBe(false);
    expect(error.message).toContain('does not match successPattern');
  });

  it('refuses a JSON gateway reply that is not JSON, and an unexpected status', async () => {
    const http = await setUp('json');
    gateway.override = () => ({ status: 200, body: 'OK' });
    expect((await failure(http.send(sms('hello'), never))).message).toContain('not JSON');
    gateway.override = () => ({ status: 302, body: '' });
    const error = await failure(http.send(sms('hello'), never));
    expect(error.message).toContain('HTTP 302');
    expect(error.details.permanent).toBe(false);
  });

  it('keeps a 5xx or 429 temporary even when its body matches the permanent pattern', async () => {
    const http = await setUp('kannel');
    for (const status of [500, 429]) {
      gateway.override = () => ({ status, body: 'Not routable' });
      expect((await failure(http.send(sms('hello'), never))).details.permanent).toBe(false);
    }
    gateway.override = () => ({ status: 400, body: 'Not routable' });
    expect((await failure(http.send(sms('hello'), never))).details.permanent).toBe(true);
  });

  it('treats configured 4xx statuses as permanent whatever the body', async () => {
    const http = await setUp('kannel', { permanentStatuses: [404] });
    gateway.override = () => ({ status: 404, body: 'whatever' });
    expect((await failure(http.send(sms('hello'), never))).details.permanent).toBe(true);
    gateway.override = () => ({ status: 403, body: 'Authorization failed for sendsms' });
    expect((await failure(http.send(sms('hello'), never))).details.permanent).toBe(false);
  });

  it('gives up after timeoutMs when the gateway never answers, though the caller waits on', async () => {
    const http = await setUp('kannel', { timeoutMs: 300 });
    gateway.behaviour = 'hang';
    const started = performance.now();
    const error = await failure(http.send(sms('hello'), never));
    const took = performance.now() - started;
    expect(error.code).toBe('SMS_UNAVAILABLE');
    expect(error.message).toBe('no reply from the gateway within 300 ms');
    expect(error.details.permanent).toBe(false);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
  });

  it('reports an unreachable gateway as temporary, naming only the network error', async () => {
    const http = await setUp('kannel');
    await gateway.stop();
    gateway = await startGateway('kannel'); // a fresh one on another port, so afterEach can stop it
    const error = await failure(http.send(sms('hello'), never));
    expect(error.message).toBe('cannot reach the gateway (ECONNREFUSED)');
    expect(error.details.permanent).toBe(false);
  });

  it('logs the URL with the secret and the text redacted and the number masked', async () => {
    const http = await setUp('kannel');
    await http.send(sms('Zebra crossing'), never);
    const log = lines.join('');
    expect(log).toContain(
      '/cgi-bin/sendsms?username=combopay&password=[REDACTED]&to=138****8000&text=[REDACTED]&coding=2',
    );
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain('Zebra');
    expect(log).not.toContain('13800138000');
  });

  it('logs a refusal’s reply without the text, the secret or any code it echoes', async () => {
    const http = await setUp('kannel');
    const text = 'ComboPay Zebra 482915 pay';
    gateway.override = (request) => ({
      status: 400,
      body: `rejected ${new URL(request.url, 'http://x').searchParams.get('text') ?? ''} for ${SECRET}; ref 482915-x`,
    });
    const error = await failure(http.send(sms(text), never));
    const log = lines.join('');
    expect(log).toContain('SMS gateway refused');
    expect(log).toContain('rejected [REDACTED] for [REDACTED]');
    for (const secret of ['Zebra', '482915', SECRET]) {
      expect(log).not.toContain(secret);
      expect(error.message).not.toContain(secret);
    }
  });

  it('reads the secret from a file (trailing newline dropped) or the environment', async () => {
    gateway = await startGateway('kannel');
    transport = createHttpTransport(configFor('kannel', gateway.origin), {
      logger,
      clock: systemClock,
    });
    await transport.send(sms('by file'), never);
    await transport.close();
    transport = createHttpTransport(
      configFor('kannel', gateway.origin, { secretFile: undefined, secretEnv: 'KANNEL_PASSWORD' }),
      { logger, clock: systemClock, env: { KANNEL_PASSWORD: SECRET } },
    );
    await transport.send(sms('by env'), never);
    expect(gateway.messages.map((m) => m.text)).toEqual(['by file', 'by env']);
  });

  it('refuses to start without its secret, naming the field and never the value', async () => {
    gateway = await startGateway('kannel');
    const missing = configFor('kannel', gateway.origin, {
      secretFile: join(secretDir, 'absent'),
    });
    expect(() => createHttpTransport(missing, { logger, clock: systemClock })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        details: {
          issues: [expect.objectContaining({ field: 'sms.http.secretFile' })],
        },
      }),
    );
    const unset = configFor('kannel', gateway.origin, {
      secretFile: undefined,
      secretEnv: 'KANNEL_PASSWORD',
    });
    expect(() => createHttpTransport(unset, { logger, clock: systemClock, env: {} })).toThrow(
      /sms\.http\.secretEnv \(env KANNEL_PASSWORD\): the variable is not set/,
    );
  });
});
