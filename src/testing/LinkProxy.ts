import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the link does to a request that matches a rule:
 * - `drop`: forward it (the host acts on it), then lose the reply;
 * - `drop-then-down`: the same, and the link goes down: new connections are refused (a
 *   cellular link dropping mid-request) until {@link LinkProxy.up};
 * - `internal`: answer `500 INTERNAL` without forwarding (the host failing).
 */
export type LinkFault = 'drop' | 'drop-then-down' | 'internal';

/**
 * A loopback HTTP proxy standing for the cellular link between terminal and host, for tests:
 * it forwards requests, loses replies on chosen requests, and can go down and come back on the
 * same port. (FaultProxy cannot go down: its port would be lost.)
 */
export class LinkProxy {
  url = '';
  #port = 0;
  #server: http.Server | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #rules: { method: string; path: RegExp; fault: LinkFault; times: number }[] = [];
  /** `METHOD path fault-or-pass`, one line per request seen. */
  readonly log: string[] = [];

  constructor(readonly target: string) {}

  static async start(target: string): Promise<LinkProxy> {
    const proxy = new LinkProxy(target);
    await proxy.up();
    return proxy;
  }

  /** Brings the link (back) up on its port. */
  async up(): Promise<void> {
    const server = http.createServer((request, response) => {
      void this.#handle(request, response);
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.#port}`;
    this.#server = server;
  }

  /** Takes the link down: open connections cut, new ones refused. */
  down(): void {
    const server = this.#server;
    this.#server = undefined;
    server?.close();
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Applies `fault` to the next `times` requests matching `method` and `path`. */
  rule(method: 'GET' | 'POST', path: RegExp, fault: LinkFault, times = 1): void {
    this.#rules.push({ method, path, fault, times });
  }

  close(): void {
    this.down();
  }

  async #handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const rule = this.#rules.find((r) => r.times > 0 && r.method === method && r.path.test(path));
    if (rule) rule.times -= 1;
    this.log.push(`${method} ${path} ${rule?.fault ?? 'pass'}`);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (rule?.fault === 'internal') {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } }));
      return;
    }
    const reply = await this.#forward(request, Buffer.concat(chunks));
    if (rule) {
      request.socket.destroy();
      if (rule.fault === 'drop-then-down') this.down();
      return;
    }
    const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding']);
    const headers: http.OutgoingHttpHeaders = Object.fromEntries(
      Object.entries(reply.headers).filter(([name]) => !hopByHop.has(name)),
    );
    headers['content-length'] = String(reply.body.length);
    response.writeHead(reply.status, headers);
    response.end(reply.body);
  }

  #forward(request: http.IncomingMessage, body: Buffer) {
    const headers = { ...request.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        const upstream = http.request(
          `${this.target}${request.url ?? '/'}`,
          { method: request.method, headers, agent: false },
          (incoming) => {
            const parts: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => parts.push(chunk));
            incoming.on('end', () => {
              resolve({
                status: incoming.statusCode ?? 0,
                headers: incoming.headers,
                body: Buffer.concat(parts),
              });
            });
          },
        );
        upstream.on('error', reject);
        upstream.end(body);
      },
    );
  }
}
