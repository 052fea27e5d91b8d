import { systemClock, type Clock, type TimerHandle } from '../../src/core/clock.js';
import { PosError } from '../../src/core/PosError.js';
import { Listeners } from '../Listeners.js';
import {
  AtParser,
  hasControlCharacter,
  type AtEvent,
  type AtFinal,
  type AtParserOptions,
} from './atParser.js';

/**
 * A duplex byte stream to a modem's AT port: a serial port on the board, one end of a PTY pair
 * or an in-memory pipe in tests. The channel never opens or closes it; its owner does.
 */
export interface ByteStream {
  /** Writes bytes; a rejection (or throw) means the link failed. */
  write(bytes: Uint8Array): Promise<void> | void;
  /** Called with every chunk read, in order. Returns a function that unsubscribes. */
  onData(listener: (bytes: Uint8Array) => void): () => void;
  /** Called once when the stream ends (port closed, device gone). Returns an unsubscriber. */
  onClose(listener: (error?: Error) => void): () => void;
}

/** What a command answered: its information lines (not echo, not URCs) and its final result. */
export interface AtResponse {
  readonly lines: readonly string[];
  readonly final: AtFinal;
}

/** An unsolicited result code: its line, and the second line of two-line URCs (+CMT, +CDS). */
export interface AtUrc {
  readonly lines: readonly string[];
}

export interface AtCommandOptions {
  /** How long the command may take, in ms on the channel's clock (default the channel's). */
  readonly timeoutMs?: number;
}

export interface AtPromptOptions extends AtCommandOptions {
  /** How long to wait for the `> ` prompt, in ms (default the channel's command timeout). */
  readonly promptTimeoutMs?: number;
}

export interface AtChannelOptions extends AtParserOptions {
  readonly stream: ByteStream;
  /** Runs the timeouts (default the system clock). */
  readonly clock?: Clock;
  /** Default per-command timeout in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Told about lines that fit nothing (noise); for debug logs. */
  readonly onNoise?: (text: string) => void;
}

/**
 * After a timeout the modem may still answer the command that timed out. Before the next
 * command the channel discards what arrives until the line has been quiet this long (ms), so
 * that late answer is not taken for the next command's.
 */
export const RESYNC_QUIET_MS = 300;
/** The longest the channel drains after a timeout, however chatty the line (ms). */
export const RESYNC_MAX_MS = 5_000;

const CTRL_Z = 0x1a;
const ESC = 0x1b;

/**
 * Commands whose arguments are secrets (SIM PIN and PUK, facility passwords): errors and logs
 * name only the command.
 */
const SECRET_ARGUMENTS = /^(AT\+(?:CPIN|CPWD|CLCK)=).*$/i;

/**
 * The command as errors and logs may show it: without the arguments of commands that carry a
 * PIN or password. Never includes the payload sent after a prompt.
 */
export function commandLabel(command: string): string {
  return command.trim().replace(SECRET_ARGUMENTS, '$1…');
}

interface Job {
  readonly command: string;
  readonly payload?: string;
  readonly timeoutMs: number;
  readonly promptTimeoutMs: number;
  readonly resolve: (response: AtResponse) => void;
  readonly reject: (error: PosError) => void;
}

interface Running {
  readonly job: Job;
  readonly lines: string[];
  timer: TimerHandle;
  /** True until the prompt came (for commands with a payload). */
  awaitingPrompt: boolean;
}

/**
 * An AT command channel over a {@link ByteStream}: one command in flight, the others queued in
 * call order.
 *
 * - {@link send} resolves with the command's lines and final result on `OK` (and the other
 *   non-error finals: `NO CARRIER`, `BUSY`… are returned, not thrown); rejects with
 *   `MODEM_ERROR` on `ERROR`, `+CME ERROR` or `+CMS ERROR` (`details.command`, `details.final`
 *   and `details.cme` / `details.cms`: the number or the verbose text), with `MODEM_TIMEOUT`
 *   when no final came in time (`details.command`, `details.timeoutMs`), and with
 *   `MODEM_UNAVAILABLE` when the channel is closed or the stream fails.
 * - {@link sendWithPrompt} writes the command, waits for `> `, then writes the payload and
 *   Ctrl-Z (AT+CMGS in PDU mode). A prompt that does not come is cancelled with ESC. Errors name
 *   the command, never the payload.
 * - URCs go to {@link onUrc} listeners at any time, also between a command's lines.
 *
 * After a timeout, the command's late reply (if any) is noise; a late final can still be taken
 * for the next command's if it arrives after that was written (inherent to AT; the health loop
 * of the driver keeps replies short).
 */
export class AtChannel {
  readonly #stream: ByteStream;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #parser: AtParser;
  readonly #onNoise: ((text: string) => void) | undefined;
  readonly #queue: Job[] = [];
  readonly #unsubscribe: (() => void)[];
  readonly #urcListeners = new Listeners<AtUrc>();
  #running: Running | undefined;
  #draining = false;
  #drainTimer: TimerHandle;
  #drainUntil = 0;
  #closed = false;

  constructor(options: AtChannelOptions) {
    this.#stream = options.stream;
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#parser = new AtParser(options);
    this.#onNoise = options.onNoise;
    this.#unsubscribe = [
      this.#stream.onData((bytes) => {
        this.#receive(bytes);
      }),
      this.#stream.onClose(() => {
        this.close();
      }),
    ];
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends `command` (e.g. `AT+CSQ`; CR added) and waits for its final result. */
  send(command: string, options: AtCommandOptions = {}): Promise<AtResponse> {
    return this.#enqueue(command, undefined, options);
  }

  /**
   * Sends `command`, waits for the `> ` prompt, then sends `payload` and Ctrl-Z and waits for
   * the final result. `promptTimeoutMs` bounds the wait for the prompt, `timeoutMs` the wait
   * for the final after the payload.
   */
  sendWithPrompt(
    command: string,
    payload: string,
    options: AtPromptOptions = {},
  ): Promise<AtResponse> {
    if (hasControlCharacter(payload)) {
      return Promise.reject(
        new PosError('VALIDATION_FAILED', 'a prompt payload is printable text', {
          details: { command: commandLabel(command) },
        }),
      );
    }
    return this.#enqueue(command, payload, options);
  }

  /** Called for every unsolicited result code. Returns a function that unsubscribes. */
  onUrc(listener: (urc: AtUrc) => void): () => void {
    return this.#urcListeners.add(listener);
  }

  /** Stops the channel: the command in flight and the queued ones fail with MODEM_UNAVAILABLE. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#drainTimer !== undefined) this.#clock.clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    const running = this.#running;
    this.#running = undefined;
    if (running) {
      this.#clearTimer(running);
      running.job.reject(unavailable(running.job.command, 'the AT channel was closed'));
    }
    for (const job of this.#queue.splice(0)) {
      job.reject(unavailable(job.command, 'the AT channel was closed'));
    }
    this.#urcListeners.clear();
  }

  #enqueue(
    command: string,
    payload: string | undefined,
    options: AtPromptOptions,
  ): Promise<AtResponse> {
    const label = commandLabel(command);
    if (!/^AT/i.test(command) || hasControlCharacter(command)) {
      return Promise.reject(
        new PosError('VALIDATION_FAILED', 'an AT command is one line starting with AT', {
          details: { command: label },
        }),
      );
    }
    if (this.#closed) return Promise.reject(unavailable(command, 'the AT channel is closed'));
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    return new Promise<AtResponse>((resolve, reject) => {
      this.#queue.push({
        command,
        ...(payload === undefined ? {} : { payload }),
        timeoutMs,
        promptTimeoutMs: options.promptTimeoutMs ?? timeoutMs,
        resolve,
        reject,
      });
      this.#next();
    });
  }

  #next(): void {
    if (this.#running || this.#closed || this.#draining) return;
    const job = this.#queue.shift();
    if (!job) return;
    const running: Running = {
      job,
      lines: [],
      timer: undefined,
      awaitingPrompt: job.payload !== undefined,
    };
    this.#running = running;
    this.#parser.begin({
      command: job.command,
      ...(job.payload === undefined ? {} : { payload: job.payload }),
    });
    this.#arm(running, running.awaitingPrompt ? job.promptTimeoutMs : job.timeoutMs);
    this.#write(running, `${job.command}\r`);
  }

  #arm(running: Running, ms: number): void {
    this.#clearTimer(running);
    running.timer = this.#clock.setTimeout(() => {
      this.#timedOut(running, ms);
    }, ms);
  }

  #clearTimer(running: Running): void {
    if (running.timer !== undefined) this.#clock.clearTimeout(running.timer);
    running.timer = undefined;
  }

  #timedOut(running: Running, ms: number): void {
    if (this.#running !== running) return;
    running.timer = undefined;
    this.#parser.abort();
    // A modem still waiting for the payload would take the next command as text: cancel it.
    if (running.awaitingPrompt) this.#writeBytes(Uint8Array.of(ESC));
    const { command } = running.job;
    const waited = running.awaitingPrompt ? 'the prompt' : 'a final result';
    this.#startDrain();
    this.#finish(
      running,
      new PosError('MODEM_TIMEOUT', `no ${waited} for ${commandLabel(command)} in ${ms} ms`, {
        details: { command: commandLabel(command), timeoutMs: ms },
      }),
    );
  }

  #finish(running: Running, outcome: AtResponse | PosError): void {
    if (this.#running !== running) return;
    this.#clearTimer(running);
    this.#running = undefined;
    if (outcome instanceof PosError) running.job.reject(outcome);
    else running.job.resolve(outcome);
    this.#next();
  }

  #receive(bytes: Uint8Array): void {
    if (this.#closed) return;
    if (this.#draining) {
      // A late answer to the command that timed out: drop it (unsolicited codes still count).
      for (const event of this.#parser.push(bytes)) {
        if (event.type === 'urc') this.#handle(event);
      }
      this.#armDrain();
      return;
    }
    for (const event of this.#parser.push(bytes)) this.#handle(event);
  }

  #startDrain(): void {
    this.#draining = true;
    this.#drainUntil = this.#clock.now() + RESYNC_MAX_MS;
    this.#armDrain();
  }

  #armDrain(): void {
    if (this.#drainTimer !== undefined) this.#clock.clearTimeout(this.#drainTimer);
    const left = Math.max(0, this.#drainUntil - this.#clock.now());
    this.#drainTimer = this.#clock.setTimeout(
      () => {
        this.#drainTimer = undefined;
        this.#draining = false;
        this.#next();
      },
      Math.min(RESYNC_QUIET_MS, left),
    );
  }

  #handle(event: AtEvent): void {
    const running = this.#running;
    switch (event.type) {
      case 'urc':
        this.#urcListeners.emit({ lines: event.lines });
        return;
      case 'noise':
        this.#onNoise?.(event.text);
        return;
      case 'echo':
        return;
      case 'info':
        running?.lines.push(event.text);
        return;
      case 'prompt':
        if (running?.awaitingPrompt && running.job.payload !== undefined) {
          running.awaitingPrompt = false;
          this.#arm(running, running.job.timeoutMs);
          const payload = Buffer.from(running.job.payload, 'latin1');
          this.#writeBytes(Buffer.concat([payload, Uint8Array.of(CTRL_Z)]), running);
        } else {
          // A prompt nobody has a payload for (AT+CMGS typed on the console): cancel it, or
          // the modem would take the next commands as message text.
          this.#writeBytes(Uint8Array.of(ESC));
        }
        return;
      case 'final':
        if (running) this.#finish(running, outcome(running, event.final));
        return;
    }
  }

  #write(running: Running, text: string): void {
    this.#writeBytes(Buffer.from(text, 'latin1'), running);
  }

  #writeBytes(bytes: Uint8Array, running?: Running): void {
    const failed = (cause: unknown): void => {
      if (running) {
        this.#finish(
          running,
          unavailable(running.job.command, 'writing to the modem failed', cause),
        );
      }
    };
    try {
      const written = this.#stream.write(bytes);
      if (written) written.catch(failed);
    } catch (cause) {
      failed(cause);
    }
  }
}

function outcome(running: Running, final: AtFinal): AtResponse | PosError {
  const label = commandLabel(running.job.command);
  if (final.kind === 'error' || final.kind === 'cme-error' || final.kind === 'cms-error') {
    return new PosError('MODEM_ERROR', `${label} failed: ${final.text}`, {
      details: errorDetails(label, final),
    });
  }
  if (running.awaitingPrompt) {
    return new PosError('MODEM_ERROR', `${label} ended with ${final.text} before the prompt`, {
      details: { command: label, final: final.kind },
    });
  }
  return { lines: running.lines, final };
}

/**
 * The details of a MODEM_ERROR: the command, the kind of final, and for `+CME`/`+CMS ERROR` the
 * modem's number or text under `cme` / `cms`.
 */
export function errorDetails(label: string, final: AtFinal): Record<string, unknown> {
  const detail = final.code ?? final.message;
  if (final.kind === 'cme-error') return { command: label, final: final.kind, cme: detail };
  if (final.kind === 'cms-error') return { command: label, final: final.kind, cms: detail };
  return { command: label, final: final.kind };
}

function unavailable(command: string, message: string, cause?: unknown): PosError {
  return new PosError('MODEM_UNAVAILABLE', message, {
    details: { command: commandLabel(command) },
    ...(cause === undefined ? {} : { cause }),
  });
}
