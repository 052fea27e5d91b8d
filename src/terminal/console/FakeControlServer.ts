import net from 'node:net';
import { ControlError } from './ControlError.js';
import {
  controlRequestSchema,
  type ControlRequest,
  type LoginResult,
} from '../control/controlProtocol.js';

/** What a fake operation gets: its request, a way to send events, and its cancellation. */
export interface FakeCall<R extends ControlRequest = ControlRequest> {
  request: R;
  event: (event: { type: string } & Record<string, unknown>) => void;
  /** Aborted when the console sends `cancel` for this request (or the connection ends). */
  cancelled: AbortSignal;
}

/** An operation's fake: returns the result, or throws a {@link ControlError} for `ok: false`. */
export type FakeHandler = (call: FakeCall) => unknown;

/** How the fake behaves. */
export interface FakeControlServerOptions {
  /** The only password that signs in. */
  password: string;
  login?: LoginResult | undefined;
  /** Wrong passwords in a row before `CONSOLE_LOCKED` (default 3). */
  maxTries?: number | undefined;
  /** Fakes by op; an op without one answers `{}`. */
  handlers?: Partial<Record<ControlRequest['op'], FakeHandler>> | undefined;
}

/**
 * A small in-process stand-in for the terminal's control socket, for the console's tests and
 * for trying the console by hand: speaks the protocol's framing, login (wrong-password count,
 * lockout), one request at a time (`CONSOLE_BUSY`), `cancel`, events, `bye`. Records every
 * request it received in {@link requests} (passwords included: it is a test double).
 */
export class FakeControlServer {
  readonly requests: ControlRequest[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private wrongInARow = 0;
  lockedUntil: string | undefined;

  constructor(private readonly options: FakeControlServerOptions) {
    this.server = net.createServer((socket) => {
      this.serve(socket);
    });
  }

  /** Listens on the unix socket `path`. */
  listen(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    this.drop();
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  /** Drops every open connection, as a crashed terminal would. */
  drop(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Sends `bye` with `reason` on every connection, then closes them. */
  bye(reason: string): void {
    for (const socket of this.sockets) {
      socket.end(`${JSON.stringify({ id: 0, event: { type: 'bye', reason } })}\n`);
    }
  }

  /** How many connections are open. */
  get connections(): number {
    return this.sockets.size;
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    let buffered = '';
    let signedIn = false;
    let running: { id: number; cancel: AbortController } | undefined;
    const send = (message: unknown): void => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    };
    const fail = (id: number, code: string, message: string, details?: unknown): void => {
      send({
        id,
        ok: false,
        error: { code, message, ...(details === undefined ? {} : { details }) },
      });
    };
    socket.on('close', () => {
      this.sockets.delete(socket);
      running?.cancel.abort();
    });
    socket.on('error', () => undefined);
    const handle = async (request: ControlRequest): Promise<void> => {
      this.requests.push(request);
      if (request.op === 'cancel') {
        if (running?.id === request.target) running.cancel.abort();
        send({ id: request.id, ok: true, result: {} });
        return;
      }
      if (running) {
        fail(request.id, 'CONSOLE_BUSY', 'another request is running');
        return;
      }
      if (request.op === 'login') {
        this.login(request, send, fail, () => (signedIn = true));
        return;
      }
      if (!signedIn) {
        fail(request.id, 'CONSOLE_LOGIN_REQUIRED', 'sign in first');
        return;
      }
      const cancel = new AbortController();
      running = { id: request.id, cancel };
      try {
        const handler = this.options.handlers?.[request.op];
        const result: unknown = handler
          ? await handler({
              request,
              cancelled: cancel.signal,
              event: (event) => {
                send({ id: request.id, event });
              },
            })
          : {};
        send({ id: request.id, ok: true, result });
      } catch (error) {
        if (error instanceof ControlError)
          fail(request.id, error.code, error.message, error.details);
        else fail(request.id, 'INTERNAL', 'internal error');
      } finally {
        running = undefined;
      }
      if (request.op === 'logout') socket.end();
    };
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          json = undefined;
        }
        const parsed = controlRequestSchema.safeParse(json);
        if (!parsed.success) {
          socket.destroy();
          return;
        }
        void handle(parsed.data);
      }
    });
  }

  private login(
    request: Extract<ControlRequest, { op: 'login' }>,
    send: (message: unknown) => void,
    fail: (id: number, code: string, message: string, details?: unknown) => void,
    signIn: () => void,
  ): void {
    if (this.lockedUntil !== undefined && Date.parse(this.lockedUntil) > Date.now()) {
      fail(request.id, 'CONSOLE_LOCKED', 'the console is locked', {
        lockedUntil: this.lockedUntil,
      });
      return;
    }
    if (request.password !== this.options.password) {
      this.wrongInARow += 1;
      const maxTries = this.options.maxTries ?? 3;
      if (this.wrongInARow >= maxTries) {
        this.wrongInARow = 0;
        this.lockedUntil = new Date(Date.now() + 60_000).toISOString();
        fail(request.id, 'CONSOLE_LOCKED', 'too many wrong passwords', {
          lockedUntil: this.lockedUntil,
        });
        return;
      }
      fail(request.id, 'CONSOLE_PASSWORD_WRONG', 'wrong password', {
        triesLeft: maxTries - this.wrongInARow,
      });
      return;
    }
    this.wrongInARow = 0;
    signIn();
    send({
      id: request.id,
      ok: true,
      result: this.options.login ?? {
        terminalId: 'T0000001',
        version: '0.1.0',
        idleLogoutMs: 600_000,
      },
    });
  }
}
