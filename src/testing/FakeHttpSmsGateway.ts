import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { GatewayBehaviour, ReceivedSms } from '../host/sms/transportContract.js';

/**
 * The two gateway dialects the fake speaks:
 * - `kannel`: `GET /cgi-bin/sendsms?username&password&to&text…`, replying `202 0: Accepted for
 *   delivery`, `503 Sending failed.` (temporary) or `403 Not routable. Do not try again.`
 *   (permanent), and `403 Authorization failed for sendsms` to a wrong user or password;
 * - `json`: `POST /v1/messages` with `Authorization: Bearer <key>` and a JSON body
 *   `{ "to", "text", "ref" }`, replying `200 {"status":"ok","messages":[{"id":"m-1"}]}`,
 *   `200 {"status":"error","error":"throttled"}` (temporary: a 200 that is not a success) or
 *   `400 {"status":"error","error":"invalid number"}` (permanent); a wrong key is a 401.
 */
export type GatewayDialect = 'kannel' | 'json';

/** One request as the fake received it, for tests that check the wire form. */
export interface GatewayRequestRecord {
  method: string;
  /** Path and query as sent (still encoded). */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Replaces the dialect's answer for the following requests (bad replies, echoes…). */
export type GatewayReplyOverride = (request: GatewayRequestRecord) => {
  status: number;
  body: string;
};

export interface FakeHttpSmsGatewayOptions {
  dialect: GatewayDialect;
  user?: string;
  /** The password (kannel) or API key (json) it requires. */
  secret: string;
}

/**
 * A local HTTP SMS gateway for tests: decodes each message it accepts into `{ to, text }` on its
 * own (query string or JSON body), and answers as {@link GatewayBehaviour} says.
 */
export class FakeHttpSmsGateway {
  readonly requests: GatewayRequestRecord[] = [];
  readonly messages: ReceivedSms[] = [];
  behaviour: GatewayBehaviour = 'accept';
  override: GatewayReplyOverride | undefined;
  readonly #options: FakeHttpSmsGatewayOptions;
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  #nextId = 1;

  private constructor(options: FakeHttpSmsGatewayOptions) {
    this.#options = options;
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.#answer(
          {
            method: req.method ?? '',
            url: req.url ?? '',
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          },
          res,
        );
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(options: FakeHttpSmsGatewayOptions): Promise<FakeHttpSmsGateway> {
    const gateway = new FakeHttpSmsGateway(options);
    await new Promise<void>((resolve) => gateway.#server.listen(0, '127.0.0.1', resolve));
    return gateway;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Stops listening and drops every connection (hung requests included). */
  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #answer(request: GatewayRequestRecord, res: http.ServerResponse): void {
    this.requests.push(request);
    if (this.override) {
      const { status, body } = this.override(request);
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
      return;
    }
    if (this.behaviour === 'hang') return; // never answer: only the client's abort ends it
    const reply = this.#options.dialect === 'kannel' ? this.#kannel(request) : this.#json(request);
    res
      .writeHead(reply.status, {
        'content-type':
          this.#options.dialect === 'kannel' ? 'text/plain' : 'application/json; charset=utf-8',
      })
      .end(reply.body);
  }

  #kannel(request: GatewayRequestRecord): { status: number; body: string } {
    const url = new URL(request.url, 'http://gateway');
    const query = url.searchParams;
    if (request.method !== 'GET' || url.pathname !== '/cgi-bin/sendsms') {
      return { status: 404, body: 'Unknown service' };
    }
    if (
      query.get('username') !== (this.#options.user ?? '') ||
      query.get('password') !== this.#options.secret
    ) {
      return { status: 403, body: 'Authorization failed for sendsms' };
    }
    const to = query.get('to');
    const text = query.get('text');
    if (to === null || text === null) return { status: 400, body: 'Missing receiver number' };
    switch (this.behaviour) {
      case 'refuse-temporarily':
        return { status: 503, body: 'Sending failed.' };
      case 'refuse-permanently':
        return { status: 403, body: 'Not routable. Do not try again.' };
      case 'accept':
      case 'hang': // answered above: a hanging gateway never gets here
        this.messages.push({ to, text });
        return { status: 202, body: '0: Accepted for delivery' };
    }
  }

  #json(request: GatewayRequestRecord): { status: number; body: string } {
    if (request.method !== 'POST' || request.url !== '/v1/messages') {
      return { status: 404, body: '{"status":"error","error":"no such endpoint"}' };
    }
    if (request.headers.authorization !== `Bearer ${this.#options.secret}`) {
      return { status: 401, body: '{"status":"error","error":"bad key"}' };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body);
    } catch {
      return { status: 400, body: '{"status":"error","error":"bad json"}' };
    }
    const { to, text } = (parsed ?? {}) as { to?: unknown; text?: unknown };
    if (typeof to !== 'string' || typeof text !== 'string') {
      return { status: 400, body: '{"status":"error","error":"to and text are required"}' };
    }
    switch (this.behaviour) {
      case 'refuse-temporarily':
        return { status: 200, body: '{"status":"error","error":"throttled"}' };
      case 'refuse-permanently':
        return { status: 400, body: '{"status":"error","error":"invalid number"}' };
      case 'accept':
      case 'hang': {
        this.messages.push({ to, text });
        const id = `m-${this.#nextId++}`;
        return { status: 200, body: JSON.stringify({ status: 'ok', messages: [{ id }] }) };
      }
    }
  }
}
