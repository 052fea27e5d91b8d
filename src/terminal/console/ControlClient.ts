import net from 'node:net';
import {
  controlMessageSchema,
  controlRequestSchema,
  MAX_LINE_BYTES,
  type ConfigSetResult,
  type ConfigShowResult,
  type ControlRequest,
  type JournalListResult,
  type JournalShowResult,
  type LoginResult,
  type ModemAtResult,
  type PrinterTestResult,
  type ReaderTestResult,
  type SettlePreviewResult,
  type SettleResult,
  type SignInResult,
  type StatusResult,
} from '../control/controlProtocol.js';
import { ConnectionLostError } from './ConnectionLostError.js';
import { ControlError } from './ControlError.js';

/** The result type of each operation, as the protocol documents it. */
export interface ControlResults {
  login: LoginResult;
  logout: object;
  status: StatusResult;
  testReader: ReaderTestResult;
  testPrinter: PrinterTestResult;
  testKeypad: { keys: number };
  modemAt: ModemAtResult;
  configShow: ConfigShowResult;
  configSet: ConfigSetResult;
  journalList: JournalListResult;
  journalShow: JournalShowResult;
  logsTail: { lines: string[] };
  signIn: SignInResult;
  settlePreview: SettlePreviewResult;
  settle: SettleResult;
  restart: object;
  cancel: object;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A request the console starts, without its id (the client numbers them). */
export type ClientRequest = WithoutId<Exclude<ControlRequest, { op: 'cancel' }>>;

/** An event the terminal sent for the running request. */
export type ControlEvent = { type: string } & Record<string, unknown>;

/** A request sent and not yet answered: how to settle it, where its events go. */
interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  onEvent?: ((event: ControlEvent) => void) | undefined;
}

/**
 * The console's side of the control protocol (`controlProtocol.ts`) on one connection to the
 * terminal's unix socket: newline-delimited JSON, at most `MAX_LINE_BYTES` per line, every
 * request validated before it is sent and every message validated when it arrives (a
 * malformed one ends the connection), ids increasing from 1, one request at a time (plus
 * `cancel` for the running one), events delivered to the running request.
 *
 * A final `ok: false` rejects with {@link ControlError}; the connection ending first rejects
 * with {@link ConnectionLostError}.
 */
export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private running: number | undefined;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private closeReason: string | undefined;
  private readonly byeListeners: ((reason: string) => void)[] = [];
  private readonly closeListeners: ((reason: string) => void)[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.end(error.code ?? error.message);
    });
    socket.on('close', () => {
      this.end('closed by the terminal');
    });
  }

  /**
   * Connects to the socket at `path`. Rejects with the system error (`code` `ENOENT`,
   * `ECONNREFUSED`, `EACCES`…) when it cannot.
   */
  static connect(path: string): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(path);
      const onError = (error: Error): void => {
        socket.destroy();
        reject(error);
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new ControlClient(socket));
      });
    });
  }

  /** Why the connection ended; undefined while it is open. */
  get closedBecause(): string | undefined {
    return this.closeReason;
  }

  /** Called with the reason of a `bye` event (the terminal stops; the connection ends next). */
  onBye(listener: (reason: string) => void): void {
    this.byeListeners.push(listener);
  }

  /** Called once when the connection ends, for whatever reason. */
  onClose(listener: (reason: string) => void): void {
    if (this.closeReason !== undefined) listener(this.closeReason);
    else this.closeListeners.push(listener);
  }

  /**
   * Sends `request` and waits for its final reply. `onEvent` gets the request's events (the
   * streaming operations). Rejects at once, sending nothing, when another request runs or the
   * request does not match the protocol (a {@link ControlError} with code `INVALID_REQUEST`).
   */
  request<R extends ClientRequest>(
    request: R,
    onEvent?: (event: ControlEvent) => void,
  ): Promise<ControlResults[R['op']]> {
    if (this.running !== undefined) {
      return Promise.reject(new Error('another request to the terminal is still running'));
    }
    const id = this.nextId++;
    const sent = this.send({ ...request, id }, onEvent);
    this.running = id;
    return sent.finally(() => {
      if (this.running === id) this.running = undefined;
    }) as Promise<ControlResults[R['op']]>;
  }

  /** Asks the terminal to end the running request early; nothing when none runs. */
  async cancel(): Promise<void> {
    if (this.running === undefined || this.closeReason !== undefined) return;
    const target = this.running;
    await this.send({ id: this.nextId++, op: 'cancel', target });
  }

  /** Closes the connection; pending requests reject. */
  close(): void {
    this.socket.destroy();
    this.end('closed by the console');
  }

  private send(
    request: Record<string, unknown>,
    onEvent?: (event: ControlEvent) => void,
  ): Promise<unknown> {
    if (this.closeReason !== undefined) {
      return Promise.reject(new ConnectionLostError(this.closeReason));
    }
    const checked = controlRequestSchema.safeParse(request);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue?.path.join('.') ?? '';
      const message = `${where === '' ? '' : `${where}: `}${issue?.message ?? 'invalid'}`;
      return Promise.reject(new ControlError('INVALID_REQUEST', message));
    }
    const line = `${JSON.stringify(checked.data)}\n`;
    if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
      return Promise.reject(new ControlError('INVALID_REQUEST', 'the request is too long'));
    }
    return new Promise((resolve, reject) => {
      this.pending.set(checked.data.id, { resolve, reject, onEvent });
      this.socket.write(line);
    });
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, newline);
      start = newline + 1;
      if (this.bufferedBytes + piece.length > MAX_LINE_BYTES) {
        this.fail('the terminal sent a line longer than the protocol allows');
        return;
      }
      const line = Buffer.concat([...this.buffered, piece]).toString('utf8');
      this.buffered = [];
      this.bufferedBytes = 0;
      this.onLine(line);
      if (this.closeReason !== undefined) return;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) return;
    this.buffered.push(rest);
    this.bufferedBytes += rest.length;
    if (this.bufferedBytes > MAX_LINE_BYTES) {
      this.fail('the terminal sent a line longer than the protocol allows');
    }
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.fail('the terminal sent a line that is not JSON');
      return;
    }
    const parsed = controlMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.fail('the terminal sent a message that does not match the protocol');
      return;
    }
    const message = parsed.data;
    if ('event' in message) {
      if (message.id === 0) {
        if (message.event.type === 'bye') {
          const reason = message.event.reason;
          const text = typeof reason === 'string' ? reason : 'the terminal is stopping';
          for (const listener of this.byeListeners) listener(text);
        }
        return;
      }
      this.pending.get(message.id)?.onEvent?.(message.event);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else {
      const { code, message: text, details } = message.error;
      pending.reject(new ControlError(code, text, details));
    }
  }

  private fail(reason: string): void {
    this.socket.destroy();
    this.end(reason);
  }

  private end(reason: string): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    const error = new ConnectionLostError(reason);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.running = undefined;
    for (const listener of this.closeListeners) listener(reason);
  }
}
