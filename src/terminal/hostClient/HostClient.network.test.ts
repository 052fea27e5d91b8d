import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../core/clock.js';
import { createLogger } from '../../core/logger.js';
import { isPosError, type PosError } from '../../core/PosError.js';
import { Secret } from '../../core/Secret.js';
import { verifySignature, type ConfirmReply } from '../../protocol/index.js';
import { thrownCode } from '../../testing/thrownCode.js';
import { makeTestCa } from '../../testing/tlsFixtures.js';
import { HostClient, type HostClientOptions, type HostLink } from './HostClient.js';

const KEY = new Uint8Array(randomBytes(32));
const PAYMENT_ID = 'P0001';
const CA = makeTestCa().certPem;

const APPROVAL: ConfirmReply = {
  paymentId: PAYMENT_ID,
  status: 'approved',
  authCode: 'A1B2C3',
  reference: '000000000001',
  approvedAt: '2026-11-23T08:30:00.000Z',
  amount: { value: 100, currency: 'CNY' },
};

const REFUND = {
  batch: '000001',
  trace: '000002',
  originalReference: '000000000001',
  amount: { value: 100, currency: 'CNY' as const },
};

/** One request as a stub server received it. */
interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface Stub {
  url: string;
  seen: Seen[];
  connections: () => number;
  close: () => Promise<void>;
}

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function listening(server: net.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closing(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => {
        resolve();
      });
    });
}

/** An HTTP server whose `answer` decides each reply (the request body already read). */
async function httpStub(
  answer: (seen: Seen, response: http.ServerResponse, index: number) => void,
): Promise<Stub> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Seen = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      seen.push(entry);
      answer(entry, response, seen.length - 1);
    });
  });
  server.on('connection', (socket: net.Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listening(server);
  const stub = {
    url: `http://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    close: closing(server, sockets),
  };
  cleanups.push(stub.close);
  return stub;
}

/** A TCP server that accepts and then does `onData` with what arrives (by default nothing). */
async function tcpStub(onData: (socket: net.Socket) => void = () => undefined): Promise<Stub> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      onData(socket);
    });
  });
  const port = await listening(server);
  const stub = {
    url: `http://127.0.0.1:${port}`,
    seen: [],
    connections: () => connections,
    close: closing(server, sockets),
  };
  cleanups.push(stub.close);
  return stub;
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function client(options: Partial<HostClientOptions> & { baseUrl: string }): HostClient {
  const made = new HostClient({
    terminalId: 'T0000001',
    terminalKey: KEY,
    clock: systemClock,
    retryDelayMs: 0,
    ...options,
  });
  cleanups.push(() => {
    made.close();
  });
  return made;
}

async function failure(promise: Promise<unknown>): Promise<PosError> {
  try {
    await promise;
  } catch (error) {
    if (isPosError(error)) return error;
    throw error;
  }
  throw new Error('expected a PosError, but the call succeeded');
}

/** True when `seen` carries a valid signature of the terminal key over what was received. */
function signedCorrectly(seen: Seen): boolean {
  const header = (name: string) => String(seen.headers[name]);
  return verifySignature(
    KEY,
    {
      method: seen.method,
      pathWithQuery: seen.path,
      timestamp: header('x-pos-timestamp'),
      nonce: header('x-pos-nonce'),
      body: seen.body,
    },
    header('x-pos-signature'),
  );
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('HostClient configuration', () => {
  const base = { terminalId: 'T0000001', terminalKey: KEY, clock: systemClock };

  it('refuses unusable options with CONFIG_INVALID', () => {
    const make = (options: Partial<HostClientOptions>) => () =>
      new HostClient({ ...base, baseUrl: 'https://host.example:8443', ca: CA, ...options });
    expect(thrownCode(make({}))).toBe('accepted');
    expect(thrownCode(make({ ca: undefined }))).toBe('CONFIG_INVALID');
    expect(thrownCode(make({ baseUrl: 'http://host.example:8443' }))).toBe('CONFIG_INVALID');
    expect(thrownCode(make({ baseUrl: 'http://10.0.0.1:8443' }))).toBe('CONFIG_INVALID');
    expect(thrownCode(make({ baseUrl: 'http://127.0.0.1:8443' }))).toBe('accepted');
    expect(thrownCode(make({ baseUrl: 'http://[::1]:8443' }))).toBe('accepted');
    expect(thrownCode(make({ baseUrl: 'https://host.example:8443/api' }))).toBe('CONFIG_INVALID');
    expect(thrownCode(make({ baseUrl: 'ftp://host.example' }))).toBe('CONFIG_INVALID');
    expect(thrownCode(make({ baseUrl: 'not a url' }))).toBe('CONFIG_INVALID');
    expect(thrownCode(make({ terminalKey: new Uint8Array(16) }))).toBe('CONFIG_INVALID');
    expect(thrownCode(make({ terminalId: 'T 1' }))).toBe('CONFIG_INVALID');
    expect(thrownCode(make({ retries: -1 }))).toBe('CONFIG_INVALID');
    expect(thrownCode(make({ timeouts: { replyMs: 0 } }))).toBe('CONFIG_INVALID');
  });

  it('checks arguments before sending: a malformed payment id never leaves', async () => {
    const stub = await httpStub((_seen, response) => {
      json(response, 200, APPROVAL);
    });
    const host = client({ baseUrl: stub.url });
    expect((await failure(host.confirm('bad/id', new Secret('123456')))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await failure(host.confirm(PAYMENT_ID, new Secret('12345')))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await failure(host.findPayment('1', '000001'))).code).toBe('VALIDATION_FAILED');
    expect(stub.seen).toHaveLength(0);
  });
});

describe('HostClient requests', () => {
  it('signs exactly the bytes it sends; GET has no body; keeps the connection alive', async () => {
    const stub = await httpStub((seen, response) => {
      if (seen.method === 'GET') {
        json(response, 200, {
          paymentId: PAYMENT_ID,
          type: 'sale',
          status: 'approved',
          batch: '000001',
          trace: '000007',
        });
      } else {
        json(response, 200, APPROVAL);
      }
    });
    const host = client({ baseUrl: stub.url });
    expect(await host.confirm(PAYMENT_ID, new Secret('123456'))).toEqual(APPROVAL);
    await host.findPayment('000001', '000007');

    const [post, get] = stub.seen;
    expect(post?.path).toBe(`/v1/payments/${PAYMENT_ID}/confirm`);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers['x-pos-terminal']).toBe('T0000001');
    expect(post?.body.toString('utf8')).toBe('{"otp":"123456"}');
    expect(get?.path).toBe('/v1/payments?batch=000001&trace=000007');
    expect(get?.body).toHaveLength(0);
    expect(get?.headers['content-type']).toBeUndefined();
    expect(stub.seen.every(signedCorrectly)).toBe(true);
    expect(stub.connections()).toBe(1);

    host.close();
    await host.findPayment('000001', '000007');
    expect(stub.connections()).toBe(2);
  });

  it('sends health unsigned', async () => {
    const stub = await httpStub((_seen, response) => {
      json(response, 200, { status: 'ok', version: '1.0.0' });
    });
    const { reply } = await client({ baseUrl: stub.url }).health();
    expect(reply).toEqual({ status: 'ok', version: '1.0.0' });
    expect(stub.seen[0]?.headers['x-pos-signature']).toBeUndefined();
  });
});

describe('HostClient link reports', () => {
  it('reports each attempt: reachable with its latency on any reply, unreachable on none', async () => {
    const stub = await httpStub((_seen, response) => {
      json(response, 409, { error: { code: 'PAYMENT_STATE', message: 'not pending' } });
    });
    const links: HostLink[] = [];
    const up = client({ baseUrl: stub.url, onLink: (link) => links.push(link) });
    expect((await failure(up.resendOtp(PAYMENT_ID))).code).toBe('PAYMENT_STATE');
    expect(links).toHaveLength(1);
    expect(links[0]?.reachable).toBe(true);
    expect(links[0]?.latencyMs).toBeGreaterThanOrEqual(0);

    links.length = 0;
    const port = await closedPort();
    const down = client({
      baseUrl: `http://127.0.0.1:${port}`,
      onLink: (link) => links.push(link),
    });
    expect((await failure(down.health())).code).toBe('HOST_UNREACHABLE');
    expect(links).toEqual([{ reachable: false }, { reachable: false }, { reachable: false }]);
  });
});

describe('HostClient failure classification', () => {
  it('connection refused: HOST_UNREACHABLE with ECONNREFUSED, retried, resend included', async () => {
    const port = await closedPort();
    const lines: string[] = [];
    const logger = createLogger({
      name: 'terminal',
      level: 'debug',
      destination: { write: (line: string) => lines.push(line) },
    });
    const host = client({ baseUrl: `http://127.0.0.1:${port}`, logger });
    const error = await failure(host.resendOtp(PAYMENT_ID));
    expect(error.code).toBe('HOST_UNREACHABLE');
    expect(error.details).toEqual({ cause: 'ECONNREFUSED' });
    const attempts = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(attempts.map((entry) => [entry.code, entry.attempt])).toEqual([
      ['HOST_UNREACHABLE', 1],
      ['HOST_UNREACHABLE', 2],
      ['HOST_UNREACHABLE', 3],
    ]);
  });

  it('no reply after connecting: HOST_TIMEOUT after replyMs; retried, except a resend', async () => {
    const stub = await tcpStub();
    const host = client({ baseUrl: stub.url, timeouts: { replyMs: 300 }, retries: 1 });
    const started = Date.now();
    const error = await failure(host.getPayment(PAYMENT_ID));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 300 - 20);
    expect(error.code).toBe('HOST_TIMEOUT');
    expect(error.details).toEqual({ cause: 'REPLY_TIMEOUT' });
    expect(stub.connections()).toBe(2);

    expect((await failure(host.resendOtp(PAYMENT_ID))).code).toBe('HOST_TIMEOUT');
    expect(stub.connections()).toBe(3);
  });

  it('a TLS handshake that never completes is a connect timeout: HOST_UNREACHABLE', async () => {
    const stub = await tcpStub();
    const host = client({
      baseUrl: stub.url.replace('http:', 'https:'),
      ca: CA,
      timeouts: { connectMs: 200, replyMs: 10_000 },
      retries: 0,
    });
    const started = Date.now();
    const error = await failure(host.signIn());
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('HOST_UNREACHABLE');
    expect(error.details).toEqual({ cause: 'CONNECT_TIMEOUT' });
  });

  it('reset after the request was read: HOST_TIMEOUT; the retry has a new nonce, same bytes', async () => {
    const stub = await httpStub((_seen, response, index) => {
      if (index === 0) response.socket?.destroy();
      else json(response, 200, APPROVAL);
    });
    const host = client({ baseUrl: stub.url });
    expect(await host.confirm(PAYMENT_ID, new Secret('654321'))).toEqual(APPROVAL);
    const [first, second] = stub.seen;
    expect(stub.seen).toHaveLength(2);
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    expect(second?.headers['x-pos-nonce']).not.toBe(first?.headers['x-pos-nonce']);
    expect(stub.seen.every(signedCorrectly)).toBe(true);

    const reset = await httpStub((_seen, response) => response.socket?.destroy());
    const host2 = client({ baseUrl: reset.url, retries: 0 });
    const error = await failure(host2.confirm(PAYMENT_ID, new Secret('654321')));
    expect(error.code).toBe('HOST_TIMEOUT');
    expect(error.details).toEqual({ cause: 'ECONNRESET' });
    expect(reset.seen).toHaveLength(1);
  });

  it('sent, then the link went down: the retries cannot connect, and it stays HOST_TIMEOUT', async () => {
    // The first attempt reaches the server, which reads it and drops the connection; then the
    // server stops listening, so the retries are refused. The request may have been acted on:
    // reporting the last failure (HOST_UNREACHABLE, "nothing sent") would be a lie.
    let stub: Stub | undefined = undefined;
    stub = await httpStub((_seen, response) => {
      response.socket?.destroy();
      void stub?.close();
    });
    const host = client({ baseUrl: stub.url });
    const error = await failure(host.createRefund(REFUND));
    expect(error.code).toBe('HOST_TIMEOUT');
    expect(error.details).toMatchObject({ cause: 'UNREACHABLE_AFTER_SENDING', attempts: 3 });
    expect(stub.seen).toHaveLength(1);

    // Never sent at all: still HOST_UNREACHABLE.
    const nowhere = client({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    expect((await failure(nowhere.createRefund(REFUND))).code).toBe('HOST_UNREACHABLE');
  });

  it("a proxy's 502 HTML page is HOST_REPLY_INVALID and is not retried", async () => {
    const stub = await httpStub((_seen, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    const error = await failure(client({ baseUrl: stub.url }).getPayment(PAYMENT_ID));
    expect(error.code).toBe('HOST_REPLY_INVALID');
    expect(error.details).toEqual({ status: 502 });
    expect(stub.seen).toHaveLength(1);
  });

  it('a success status the endpoint lacks, or a body off its schema, is HOST_REPLY_INVALID', async () => {
    const replies: [number, string][] = [
      [200, JSON.stringify({ refundId: 'R1', status: 'refunded', reference: '000000000002' })],
      [201, JSON.stringify({ refundId: 'R1', status: 'approved', reference: '000000000002' })],
      [201, 'not json'],
    ];
    const stub = await httpStub((_seen, response, index) => {
      const [status, body] = replies[index] ?? [500, ''];
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    });
    const host = client({ baseUrl: stub.url });
    const refund = {
      batch: '000001',
      trace: '000002',
      originalReference: '000000000001',
      amount: { value: 100, currency: 'CNY' as const },
    };
    for (const [status] of replies) {
      const error = await failure(host.createRefund(refund));
      expect([error.code, status]).toEqual(['HOST_REPLY_INVALID', status]);
    }
    expect(stub.seen).toHaveLength(replies.length);
  });

  it('bytes that are not HTTP are HOST_REPLY_INVALID', async () => {
    const stub = await tcpStub((socket) => {
      socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n');
    });
    const error = await failure(client({ baseUrl: stub.url, retries: 0 }).getPayment(PAYMENT_ID));
    expect(error.code).toBe('HOST_REPLY_INVALID');
    expect(String(error.details.cause)).toMatch(/^HPE_/);
  });

  it('never retries a protocol error; TIMESTAMP_SKEW is corrected once, then thrown', async () => {
    const serverTime = new Date(Date.now() + 3_600_000).toISOString();
    const stub = await httpStub((seen, response) => {
      if (seen.path.endsWith('/resend-otp')) {
        json(response, 503, { error: { code: 'SMS_UNAVAILABLE', message: 'sms gateway down' } });
      } else if (seen.path.endsWith('/void')) {
        json(response, 401, { error: { code: 'TIMESTAMP_SKEW', message: 'clock' } });
      } else {
        json(response, 401, { error: { code: 'TIMESTAMP_SKEW', message: 'clock', serverTime } });
      }
    });
    const host = client({ baseUrl: stub.url });

    expect((await failure(host.resendOtp(PAYMENT_ID))).code).toBe('SMS_UNAVAILABLE');
    expect(stub.seen).toHaveLength(1);

    const skew = await failure(host.reverse(PAYMENT_ID, 'timeout'));
    expect(skew.code).toBe('TIMESTAMP_SKEW');
    expect(skew.details).toMatchObject({ serverTime });
    expect(stub.seen).toHaveLength(3);
    const [, before, after] = stub.seen.map((seen) => Number(seen.headers['x-pos-timestamp']));
    expect((after ?? 0) - (before ?? 0)).toBeGreaterThanOrEqual(3_599);
    expect(host.clockOffsetMs).toBeGreaterThan(3_590_000);

    // Without a serverTime there is nothing to correct by: not sent again.
    expect((await failure(host.voidPayment(PAYMENT_ID))).code).toBe('TIMESTAMP_SKEW');
    expect(stub.seen).toHaveLength(4);
  });

  it('waits retryDelayMs on the injected clock between attempts', async () => {
    const port = await closedPort();
    const delays: number[] = [];
    const clock: Clock = {
      ...systemClock,
      setTimeout: (callback, delayMs) => {
        delays.push(delayMs);
        return systemClock.setTimeout(callback, delayMs);
      },
    };
    const host = client({
      baseUrl: `http://127.0.0.1:${port}`,
      clock,
      retryDelayMs: 40,
      timeouts: { connectMs: 1_234 },
    });
    expect((await failure(host.health())).code).toBe('HOST_UNREACHABLE');
    expect(delays).toEqual([1_234, 40, 1_234, 40, 1_234]);
  });
});
