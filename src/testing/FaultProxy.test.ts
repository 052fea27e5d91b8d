import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  issueServerCertificate,
} from '../host/tls/issueCertificates.js';
import { serverSubjectAltNames } from '../host/tls/subjectAltNames.js';
import { FaultProxy } from './FaultProxy.js';

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A host stand-in: records each request, answers 201 with a JSON body and a custom header. */
async function upstream(
  options: { tls?: { key: string; cert: string } } = {},
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const handler: http.RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        rawHeaders: request.rawHeaders,
        body: Buffer.concat(chunks),
      });
      const body = JSON.stringify({ n: seen.length, 名: '星巴克' });
      response.writeHead(201, {
        'content-type': 'application/json; charset=utf-8',
        'x-request-id': `r${seen.length}`,
      });
      response.end(body);
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  cleanups.push(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  );
  return { url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, seen };
}

async function proxyTo(target: { baseUrl: string; ca?: string }): Promise<FaultProxy> {
  const proxy = await FaultProxy.start(target);
  cleanups.push(() => proxy.close());
  return proxy;
}

/** One request on a connection of its own; rejects with the socket error, or on `timeoutMs`. */
function send(
  baseUrl: string,
  request: {
    method: string;
    path: string;
    headers?: Record<string, string | string[]>;
    body?: Buffer;
  },
  timeoutMs = 5_000,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.path, baseUrl);
    const outgoing = http.request(
      url,
      { method: request.method, headers: request.headers ?? {}, agent: false },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        incoming.on('error', reject);
      },
    );
    outgoing.setTimeout(timeoutMs, () => {
      outgoing.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' }));
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  throw new Error('expected the request to fail');
}

const BODY = Buffer.from('{"otp":"123456","note":"星巴克"}', 'utf8');

describe('FaultProxy', () => {
  it('forwards headers and exact body bytes, and relays status, headers and body', async () => {
    const host = await upstream();
    const proxy = await proxyTo({ baseUrl: host.url });
    const reply = await send(proxy.url, {
      method: 'POST',
      path: '/v1/payments/P1/confirm?x=1',
      headers: {
        'content-type': 'application/json',
        'x-pos-nonce': '0123456789abcdef0123456789abcdef',
        connection: 'keep-alive, x-hop',
        'x-hop': 'only for this connection',
        'X-Repeated': ['one', 'two'],
      },
      body: BODY,
    });
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.body)).toEqual({ n: 1, 名: '星巴克' });
    expect(reply.headers['x-request-id']).toBe('r1');
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');

    const [seen] = host.seen;
    expect(seen?.method).toBe('POST');
    expect(seen?.path).toBe('/v1/payments/P1/confirm?x=1');
    expect(seen?.body.equals(BODY)).toBe(true);
    expect(seen?.headers['x-pos-nonce']).toBe('0123456789abcdef0123456789abcdef');
    expect(seen?.headers['content-length']).toBe(String(BODY.length));
    expect(seen?.headers['x-hop']).toBeUndefined();
    expect(seen?.headers.connection).toBe('close'); // the proxy's own connection, not ours
    const raw = seen?.rawHeaders ?? [];
    const repeated = raw.filter((_value, i) => i % 2 === 1 && raw[i - 1] === 'X-Repeated');
    expect(repeated).toEqual(['one', 'two']);
    expect(proxy.log).toEqual([
      { method: 'POST', path: '/v1/payments/P1/confirm?x=1', action: 'forwarded', status: 201 },
    ]);
  });

  it('drop-reply: the host gets and answers the request, the client gets nothing', async () => {
    const host = await upstream();
    const proxy = await proxyTo({ baseUrl: host.url });
    proxy.addRule({ method: 'POST', path: /\/confirm$/, fault: 'drop-reply' });

    const code = await rejection(
      send(proxy.url, { method: 'POST', path: '/v1/p/confirm', body: BODY }),
    );
    expect(code).toBe('ECONNRESET');
    expect(host.seen).toHaveLength(1);
    expect(host.seen[0]?.body.equals(BODY)).toBe(true);

    // Used up after once (the default): the same request now goes through.
    const reply = await send(proxy.url, { method: 'POST', path: '/v1/p/confirm', body: BODY });
    expect(reply.status).toBe(201);
    expect(host.seen).toHaveLength(2);
    expect(proxy.log).toEqual([
      { method: 'POST', path: '/v1/p/confirm', action: 'dropped-reply', status: 201 },
      { method: 'POST', path: '/v1/p/confirm', action: 'forwarded', status: 201 },
    ]);
  });

  it('refuse: the client connection is destroyed and the host never sees the request', async () => {
    const host = await upstream();
    const proxy = await proxyTo({ baseUrl: host.url });
    proxy.addRule({ path: /^\/v1\/payments$/, fault: 'refuse', times: 2 });

    for (let i = 0; i < 2; i += 1) {
      expect(
        await rejection(send(proxy.url, { method: 'POST', path: '/v1/payments', body: BODY })),
      ).toBe('ECONNRESET');
    }
    expect(host.seen).toHaveLength(0);
    expect(
      (await send(proxy.url, { method: 'POST', path: '/v1/payments', body: BODY })).status,
    ).toBe(201);
    expect(proxy.log.map((entry) => entry.action)).toEqual(['refused', 'refused', 'forwarded']);
  });

  it('hang: nothing is forwarded or answered; close() still ends the connection', async () => {
    const host = await upstream();
    const proxy = await FaultProxy.start({ baseUrl: host.url });
    proxy.addRule({ method: 'GET', path: /^\/v1\/health/, fault: 'hang' });

    expect(await rejection(send(proxy.url, { method: 'GET', path: '/v1/health' }, 200))).toBe(
      'CLIENT_TIMEOUT',
    );
    proxy.addRule({ path: /again/, fault: 'hang' });
    const outcome = rejection(send(proxy.url, { method: 'GET', path: '/v1/health?again' }, 10_000));
    while (proxy.log.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await proxy.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await outcome).toBe('ECONNRESET');
    expect(host.seen).toHaveLength(0);
    expect(proxy.log.map((entry) => entry.action)).toEqual(['hung', 'hung']);
  });

  it('applies a rule only to its method, the first matching rule first', async () => {
    const host = await upstream();
    const proxy = await proxyTo({ baseUrl: host.url });
    proxy.addRule({ method: 'POST', path: /\/v1\/payments/, fault: 'refuse' });
    proxy.addRule({ path: /\/v1\/payments/, fault: 'drop-reply' });

    expect(
      await rejection(send(proxy.url, { method: 'GET', path: '/v1/payments?batch=000001' })),
    ).toBe('ECONNRESET');
    expect(
      await rejection(send(proxy.url, { method: 'POST', path: '/v1/payments', body: BODY })),
    ).toBe('ECONNRESET');
    expect(proxy.log).toEqual([
      { method: 'GET', path: '/v1/payments?batch=000001', action: 'dropped-reply', status: 201 },
      { method: 'POST', path: '/v1/payments', action: 'refused' },
    ]);
    expect(host.seen.map((seen) => seen.method)).toEqual(['GET']);
  });

  it('answers 502 when the host cannot be reached', async () => {
    const proxy = await proxyTo({ baseUrl: 'http://127.0.0.1:1' });
    const reply = await send(proxy.url, { method: 'GET', path: '/v1/health' });
    expect(reply.status).toBe(502);
    expect(proxy.log).toEqual([{ method: 'GET', path: '/v1/health', action: 'upstream-failed' }]);
  });

  it('forwards to an https host, trusting the given CA', async () => {
    const now = new Date();
    const ca = createCertificateAuthority(now);
    const cert = issueServerCertificate(ca, serverSubjectAltNames([]), now);
    const host = await upstream({ tls: { key: cert.keyPem, cert: cert.certPem } });

    const trusting = await proxyTo({ baseUrl: host.url, ca: ca.certPem });
    expect((await send(trusting.url, { method: 'POST', path: '/v1/x', body: BODY })).status).toBe(
      201,
    );
    expect(host.seen[0]?.body.equals(BODY)).toBe(true);

    const untrusting = await proxyTo({ baseUrl: host.url });
    expect((await send(untrusting.url, { method: 'GET', path: '/v1/health' })).status).toBe(502);
  });
});
