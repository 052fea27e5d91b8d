import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does to a request that a rule matches:
 * - `drop-reply`: forwards it unchanged, waits for the host's whole reply (so the host did act
 *   on it), then destroys the client's connection without sending a byte of that reply;
 * - `refuse`: destroys the client's connection as soon as the request line and headers are in,
 *   without forwarding (the host never sees it). The client's bytes were sent, so to the client
 *   this looks exactly like `drop-reply`: it cannot tell which of the two happened;
 * - `hang`: forwards nothing and never answers (the client's own timer must end it).
 */
export type Fault = 'drop-reply' | 'refuse' | 'hang';

/** Picks requests by method (any when absent) and path with query (`RegExp` searched in it). */
export interface FaultRule {
  method?: 'GET' | 'POST';
  path: RegExp;
  fault: Fault;
  /** How many matching requests it applies to before it is used up; default 1. */
  times?: number;
}

/**
 * What the proxy did with a request: `forwarded` (the host's reply relayed), one of the faults,
 * or `upstream-failed` (the host could not be reached; the client got a plain-text 502).
 */
export type FaultAction = 'forwarded' | 'dropped-reply' | 'refused' | 'hung' | 'upstream-failed';

/** One request the proxy saw. `status` is the host's, present when the host replied. */
export interface FaultProxyLogEntry {
  method: string;
  path: string;
  action: FaultAction;
  status?: number;
}

/** Where the proxy forwards to: the host's origin and, for https, the CA to trust for it. */
export interface FaultProxyTarget {
  baseUrl: string;
  ca?: string;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are not relayed. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * The end-to-end headers of a message as it arrived (Node's `rawHeaders`: name, value, name,
 * value…, original case, order and repeats kept), without hop-by-hop headers and those the
 * `Connection` header names.
 */
function endToEnd(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    pairs.push([rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '']);
  }
  const listed = new Set(
    pairs
      .filter(([name]) => name.toLowerCase() === 'connection')
      .flatMap(([, value]) => value.split(','))
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
  return pairs.filter(([name]) => {
    const lower = name.toLowerCase();
    return !HOP_BY_HOP.has(lower) && !listed.has(lower);
  });
}

/** `pairs` with `content-length` set to `length` (replacing any), flattened for Node. */
function withLength(pairs: [string, string][], length: number | undefined): string[] {
  const kept = pairs.filter(([name]) => name.toLowerCase() !== 'content-length');
  if (length !== undefined) kept.push(['content-length', String(length)]);
  return kept.flat();
}

function readBody(stream: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    stream.on('error', reject);
    stream.on('aborted', () => {
      reject(new Error('stream aborted'));
    });
  });
}

interface UpstreamReply {
  status: number;
  rawHeaders: string[];
  body: Buffer;
}

interface ActiveRule {
  rule: FaultRule;
  left: number;
}

/**
 * A plain-HTTP proxy on `127.0.0.1` in front of a host, for tests of what a terminal does when
 * the network loses a request or a reply. Requests no rule matches are forwarded unchanged
 * (every end-to-end header, the exact body bytes) and the host's status, end-to-end headers and
 * body relayed. Rules are tried in the order added; the first that matches and is not used up
 * applies. Point the client at {@link url} (loopback http, which the host client allows).
 */
export class FaultProxy {
  /** `http://127.0.0.1:<port>`: the origin clients use instead of the host's. */
  readonly url: string;
  readonly #server: http.Server;
  readonly #target: URL;
  readonly #ca: string | undefined;
  readonly #rules: ActiveRule[] = [];
  readonly #log: FaultProxyLogEntry[] = [];
  readonly #upstream = new Set<http.ClientRequest>();
  readonly #hung = new Set<Socket>();

  private constructor(server: http.Server, url: string, target: FaultProxyTarget) {
    this.#server = server;
    this.url = url;
    this.#target = new URL(target.baseUrl);
    this.#ca = target.ca;
  }

  /**
   * Starts a proxy to `target` (`http://…` or `https://…` with its `ca`), listening on a
   * random port of 127.0.0.1.
   */
  static async start(target: FaultProxyTarget): Promise<FaultProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const proxy = new FaultProxy(server, `http://127.0.0.1:${port}`, target);
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      proxy.#handle(request, response);
    });
    return proxy;
  }

  /** Adds a rule after those already added. */
  addRule(rule: FaultRule): void {
    this.#rules.push({ rule, left: rule.times ?? 1 });
  }

  /** Requests seen, oldest first: method, path with query, what was done, the host's status. */
  get log(): readonly FaultProxyLogEntry[] {
    return this.#log;
  }

  /** Stops listening and destroys every open connection, hung ones and forwards included. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
    this.#server.closeAllConnections();
    for (const socket of this.#hung) socket.destroy();
    for (const request of this.#upstream) request.destroy();
    await closed;
  }

  #take(method: string, path: string): FaultRule | undefined {
    const active = this.#rules.find(
      ({ rule, left }) =>
        left > 0 &&
        (rule.method === undefined || rule.method === method) &&
        path.search(rule.path) !== -1,
    );
    if (!active) return undefined;
    active.left -= 1;
    return active.rule;
  }

  #handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const fault = this.#take(method, path)?.fault;
    switch (fault) {
      case 'refuse':
        this.#log.push({ method, path, action: 'refused' });
        request.socket.destroy();
        return;
      case 'hang':
        this.#log.push({ method, path, action: 'hung' });
        this.#hung.add(request.socket);
        request.socket.once('close', () => this.#hung.delete(request.socket));
        return;
      case 'drop-reply':
      case undefined:
        void this.#pass(request, response, method, path, fault === 'drop-reply');
        return;
    }
  }

  async #pass(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    method: string,
    path: string,
    dropReply: boolean,
  ): Promise<void> {
    let reply: UpstreamReply;
    try {
      const body = await readBody(request);
      reply = await this.#forward(method, path, request.rawHeaders, body);
    } catch {
      this.#log.push({ method, path, action: 'upstream-failed' });
      if (!response.headersSent && !response.destroyed) {
        response.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('bad gateway');
      }
      return;
    }
    if (dropReply) {
      this.#log.push({ method, path, action: 'dropped-reply', status: reply.status });
      request.socket.destroy();
      return;
    }
    this.#log.push({ method, path, action: 'forwarded', status: reply.status });
    response.writeHead(reply.status, withLength(endToEnd(reply.rawHeaders), reply.body.length));
    response.end(reply.body);
  }

  #forward(
    method: string,
    path: string,
    rawHeaders: readonly string[],
    body: Buffer,
  ): Promise<UpstreamReply> {
    const target = this.#target;
    const secure = target.protocol === 'https:';
    // The body was read whole: it goes with a length if it came with one or chunked.
    const framed = rawHeaders.some((value, i) => {
      const name = value.toLowerCase();
      return i % 2 === 0 && (name === 'content-length' || name === 'transfer-encoding');
    });
    const headers = withLength(endToEnd(rawHeaders), framed ? body.length : undefined);
    return new Promise((resolve, reject) => {
      const options: https.RequestOptions = {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: target.port,
        method,
        path,
        headers,
        agent: false,
        ...(secure && this.#ca !== undefined ? { ca: this.#ca } : {}),
      };
      const upstream = (secure ? https.request : http.request)(options, (incoming) => {
        readBody(incoming).then((replyBody) => {
          resolve({
            status: incoming.statusCode ?? 0,
            rawHeaders: incoming.rawHeaders,
            body: replyBody,
          });
        }, reject);
      });
      this.#upstream.add(upstream);
      upstream.once('close', () => this.#upstream.delete(upstream));
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}
