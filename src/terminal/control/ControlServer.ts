import { chmodSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../../core/logger.js';
import { isPosError, PosError } from '../../core/PosError.js';
import { Secret } from '../../core/Secret.js';
import type { ConsoleLogin } from './ConsoleLogin.js';
import {
  controlRequestSchema,
  MAX_LINE_BYTES,
  type ControlRequest,
  type LoginResult,
} from './controlProtocol.js';
import type { ControlService } from './ControlService.js';

export interface ControlServerOptions {
  /** The unix socket to listen on (created mode 0600; its directory 0700 if made here). */
  socketPath: string;
  service: ControlService;
  login: ConsoleLogin;
  /** Told to the console at login: it signs out after this long without input. */
  idleLogoutMs: number;
  logger: Logger;
}

type Send = (message: object) => void;

/** A log line longer than this goes to the console cut short (a stack trace can be long). */
const MAX_LOG_LINE_CHARS = 4096;

/** Room kept in a reply's line for what surrounds its log lines (`{"id":…,"result":…}`). */
const ENVELOPE_BYTES = 1024;

function cutLine(line: string): string {
  return line.length > MAX_LOG_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS)} …(cut)` : line;
}

/** The newest of `lines` (each cut) that fit in one reply line, oldest first. */
function linesThatFit(lines: readonly string[]): string[] {
  const kept: string[] = [];
  let bytes = ENVELOPE_BYTES;
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = cutLine(lines[index] ?? '');
    bytes += Buffer.byteLength(JSON.stringify(line)) + 1;
    if (bytes > MAX_LINE_BYTES) break;
    kept.push(line);
  }
  return kept.reverse();
}

/** Is something answering on `socketPath`? (A stale socket file from a crash does not.) */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * The terminal's control socket: serves the technician console (`pos-console`) the protocol of
 * controlProtocol.ts, one session per connection. Requests are validated, run one at a time per
 * connection, and answered; a malformed one gets `VALIDATION_FAILED` and changes nothing. No
 * request other than `login` runs before a successful login. Nothing secret is logged: not
 * the password, not a request's raw text.
 */
export class ControlServer {
  readonly #options: ControlServerOptions;
  readonly #server: net.Server;
  readonly #sessions = new Set<{ socket: net.Socket; send: Send; cancel: () => void }>();
  #closing: Promise<void> | undefined;

  constructor(options: ControlServerOptions) {
    this.#options = options;
    this.#server = net.createServer((socket) => {
      this.#serve(socket);
    });
  }

  /**
   * Listens. A socket file left by a terminal that crashed is replaced; one that a running
   * process answers on is not (rejects: two terminals must not run at once).
   */
  async listen(): Promise<void> {
    const { socketPath } = this.#options;
    mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
    let exists: boolean;
    try {
      exists = lstatSync(socketPath).isSocket();
    } catch {
      exists = false;
    }
    if (exists) {
      if (await answers(socketPath)) {
        throw new PosError('TERMINAL_BUSY', `another terminal answers on ${socketPath}`);
      }
      rmSync(socketPath, { force: true });
    }
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(socketPath, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    chmodSync(socketPath, 0o600);
    this.#server.on('error', (error) => {
      this.#options.logger.error({ err: error }, 'the control socket failed');
    });
    this.#options.logger.info({ socket: socketPath }, 'technician console socket listening');
  }

  /** Says `bye` with `reason` to every console, closes them and the socket. Idempotent. */
  close(reason: string): Promise<void> {
    this.#closing ??= (async () => {
      for (const session of this.#sessions) {
        session.cancel();
        session.send({ id: 0, event: { type: 'bye', reason } });
        session.socket.end();
      }
      await new Promise<void>((resolve) => {
        this.#server.close(() => resolve());
        for (const session of this.#sessions) session.socket.destroySoon();
      });
      rmSync(this.#options.socketPath, { force: true });
    })();
    return this.#closing;
  }

  #serve(socket: net.Socket): void {
    const { logger } = this.#options;
    let buffer = '';
    let signedIn = false;
    /** Set once the connection is being closed (logout, a line too long): input is ignored. */
    let hungUp = false;
    let running: { id: number; abort: AbortController } | undefined;
    const send: Send = (message) => {
      if (!socket.writable) return;
      let text = JSON.stringify(message);
      if (Buffer.byteLength(text) > MAX_LINE_BYTES) {
        // The console would drop the connection on it: say so instead.
        const { id } = message as { id?: unknown };
        if (!('ok' in message) || typeof id !== 'number') {
          logger.warn('a console event too long for the protocol was dropped');
          return;
        }
        text = JSON.stringify({
          id,
          ok: false,
          error: {
            code: 'VALIDATION_FAILED',
            message: `the reply would be longer than ${MAX_LINE_BYTES} bytes: ask for fewer`,
          },
        });
      }
      socket.write(`${text}\n`);
    };
    const hangUp = (): void => {
      hungUp = true;
      signedIn = false;
      buffer = '';
      running?.abort.abort();
      socket.destroySoon();
    };
    const session = { socket, send, cancel: () => running?.abort.abort() };
    this.#sessions.add(session);
    socket.setEncoding('utf8');
    socket.on('error', () => {
      // A console that vanished: nothing to tell it.
    });
    socket.on('close', () => {
      running?.abort.abort();
      this.#sessions.delete(session);
    });
    const reply = (id: number, result: unknown): void => send({ id, ok: true, result });
    const fail = (id: number, error: unknown): void => {
      if (isPosError(error)) {
        send({
          id,
          ok: false,
          error: { code: error.code, message: error.message, details: error.details },
        });
        return;
      }
      logger.error({ err: error }, 'a console request failed unexpectedly');
      send({ id, ok: false, error: { code: 'INTERNAL', message: 'internal error (see logs)' } });
    };

    const handle = (line: string): void => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        fail(0, new PosError('VALIDATION_FAILED', 'a request is one JSON object per line'));
        return;
      }
      const parsed = controlRequestSchema.safeParse(json);
      const rawId =
        typeof json === 'object' && json !== null && 'id' in json && Number.isSafeInteger(json.id)
          ? (json.id as number)
          : 0;
      if (!parsed.success) {
        const problems = parsed.error.issues
          .map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`)
          .join('; ');
        fail(rawId, new PosError('VALIDATION_FAILED', problems));
        return;
      }
      const request = parsed.data;
      // Nothing but login before a login, not even cancel.
      if (!signedIn && request.op !== 'login') {
        fail(request.id, new PosError('CONSOLE_LOGIN_REQUIRED', 'sign in first (login)'));
        return;
      }
      if (request.op === 'cancel') {
        if (running?.id === request.target) running.abort.abort();
        reply(request.id, {});
        return;
      }
      if (running) {
        fail(
          request.id,
          new PosError('CONSOLE_BUSY', `request ${running.id} is still running; cancel it first`),
        );
        return;
      }
      const abort = new AbortController();
      running = { id: request.id, abort };
      this.#run(request, abort.signal, (event) => send({ id: request.id, event }))
        .then(
          (result) => {
            if (hungUp) return;
            if (request.op === 'login') signedIn = true;
            reply(request.id, result);
            // Whatever the console sent after its logout is not run.
            if (request.op === 'logout') hangUp();
          },
          (error: unknown) => fail(request.id, error),
        )
        .finally(() => {
          if (running?.id === request.id) running = undefined;
        });
    };

    const tooLong = (): void => {
      fail(0, new PosError('VALIDATION_FAILED', `a line is longer than ${MAX_LINE_BYTES} bytes`));
      hangUp();
    };
    socket.on('data', (chunk: string) => {
      if (hungUp) return;
      buffer += chunk;
      // Every line is measured, the complete ones too: a chunk may hold a whole long line.
      // (`handle` never hangs up at once: a logout does when its reply is out.)
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
          tooLong();
          return;
        }
        if (line.trim() !== '') handle(line.trim());
        newline = buffer.indexOf('\n');
      }
      if (Buffer.byteLength(buffer) > MAX_LINE_BYTES) tooLong();
    });
  }

  async #run(
    request: ControlRequest,
    cancel: AbortSignal,
    onEvent: (event: Record<string, unknown> & { type: string }) => void,
  ): Promise<unknown> {
    const { service, login } = this.#options;
    switch (request.op) {
      case 'login': {
        await login.verify(new Secret(request.password));
        const result: LoginResult = {
          terminalId: service.terminalId,
          version: service.version,
          idleLogoutMs: this.#options.idleLogoutMs,
        };
        return result;
      }
      case 'logout':
        return {};
      case 'status':
        return service.status();
      case 'testReader':
        return service.testReader({ timeoutMs: request.timeoutMs }, onEvent, cancel);
      case 'testPrinter':
        return service.testPrinter();
      case 'testKeypad':
        return service.testKeypad({ timeoutMs: request.timeoutMs }, onEvent, cancel);
      case 'modemAt':
        return service.modemAt(request.command);
      case 'configShow':
        return service.configShow();
      case 'configSet':
        return service.configSet(request.path, request.value);
      case 'journalList':
        return service.journalList({ limit: request.limit, batch: request.batch });
      case 'journalShow':
        return service.journalShow(request.entry);
      case 'logsTail':
        return this.#logsTail(request, cancel, onEvent);
      case 'signIn':
        return service.signIn();
      case 'settlePreview':
        return service.settlePreview();
      case 'settle':
        return service.settle();
      case 'restart':
        service.restart();
        return {};
      case 'cancel':
        return {};
    }
  }

  async #logsTail(
    request: Extract<ControlRequest, { op: 'logsTail' }>,
    cancel: AbortSignal,
    onEvent: (event: { type: 'line'; line: string }) => void,
  ): Promise<{ lines: string[] }> {
    const { logs } = this.#options.service;
    const lines = logs.tail(request.lines ?? 20);
    // Long lines are cut, and a reply holds as many of the newest as fit in one protocol line.
    if (request.follow !== true) return { lines: linesThatFit(lines) };
    // The lines so far go out first as events, then new ones as they come, until cancelled.
    for (const line of lines) onEvent({ type: 'line', line: cutLine(line) });
    await new Promise<void>((resolve) => {
      const unfollow = logs.follow((line) => onEvent({ type: 'line', line: cutLine(line) }));
      const stop = (): void => {
        unfollow();
        resolve();
      };
      if (cancel.aborted) stop();
      else cancel.addEventListener('abort', stop, { once: true });
    });
    return { lines: [] };
  }
}
