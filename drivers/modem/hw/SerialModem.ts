import { Backoff, type BackoffOptions } from '../../backoff.js';
import { systemClock, type Clock, type TimerHandle } from '../../../src/core/clock.js';
import type { Logger } from '../../../src/core/logger.js';
import { hasErrorCode, isPosError, PosError } from '../../../src/core/PosError.js';
import { AtChannel, type AtResponse, type ByteStream } from '../AtChannel.js';
import {
  combineRegistration,
  parseCops,
  parseCpin,
  parseCsq,
  parseRegistration,
  simStateOfError,
} from '../atResponses.js';
import { Listeners } from '../../Listeners.js';
import {
  isRegistered,
  type Modem,
  type ModemErrorCode,
  type ModemStatus,
  type Registration,
  type SimState,
} from '../Modem.js';
import { openSerialByteStream } from './serialByteStream.js';

/** A byte stream the modem driver opened and may close. */
export interface ClosableByteStream extends ByteStream {
  close(): Promise<void>;
}

export interface SerialModemOptions {
  /** The modem's AT port, e.g. `/dev/ttyModemAT` (a udev name; docs/modem.md). */
  readonly path: string;
  /** Default 115200. USB modems ignore it. */
  readonly baudRate?: number;
  /** Runs every timeout, the health loop and the backoffs (default the system clock). */
  readonly clock?: Clock;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Timeout of the driver's own commands, ms (default 5000). */
  readonly commandTimeoutMs?: number;
  /** Timeout of AT+CFUN (switching the radio takes seconds), ms (default 20 000). */
  readonly radioTimeoutMs?: number;
  /** How often signal and registration are read, ms (default 30 000). */
  readonly healthIntervalMs?: number;
  /**
   * How long the registration may be lost before the radio is reset (AT+CFUN=0, AT+CFUN=1);
   * each further reset without registering in between waits twice as long, up to `maxMs`.
   * Default 120 000 up to 1 800 000 (2 to 30 minutes).
   */
  readonly radioReset?: { readonly afterMs: number; readonly maxMs: number };
  /** Waits between attempts to reopen a missing port (default 1 s up to 60 s). */
  readonly reconnectBackoff?: BackoffOptions;
  /** Health checks in a row without an answer before the port is reopened (default 2). */
  readonly unansweredChecksBeforeReconnect?: number;
  /** Opens the port (default serialport via `openSerialByteStream`); for tests. */
  readonly openStream?: (path: string, baudRate: number) => Promise<ClosableByteStream>;
}

interface Link {
  readonly stream: ClosableByteStream;
  readonly channel: AtChannel;
  /** AT+CEREG is known (an LTE module). */
  cereg: boolean;
  /** The start-up sequence went through (SIM ready); until then each tick retries it. */
  started: boolean;
}

const NO_LOG: Pick<Logger, 'info' | 'warn' | 'debug'> = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
};

/**
 * The cellular modem's AT port on serialport (see {@link Modem} for the contract).
 *
 * Start-up: `AT`, `ATE0`, `AT+CMEE=2`, `AT+CPIN?`, `AT+CREG=1`, `AT+CEREG=1` (URCs on loss and
 * return of the registration; a module without LTE answers ERROR and is read through CREG
 * only), `AT+COPS=3,0`, then a poll: `AT+CSQ`, `AT+CREG?`, `AT+CEREG?`, `AT+COPS?`.
 *
 * A health loop on the injected clock polls again every `healthIntervalMs` (and retries the
 * start-up while the SIM is not ready); `+CREG`/`+CEREG` URCs update the status at once. When
 * the registration has been lost for `radioReset.afterMs`, the radio is reset (AT+CFUN=0 then
 * AT+CFUN=1), with doubling waits between resets. A port that closes (USB modem reset or
 * unplugged) or a modem that stops answering is reopened with backoff, and the start-up runs
 * again. Every failure becomes a status (and a log line); nothing throws out of the loop.
 */
export class SerialModem implements Modem {
  readonly #path: string;
  readonly #baudRate: number;
  readonly #clock: Clock;
  readonly #log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  readonly #commandTimeoutMs: number;
  readonly #radioTimeoutMs: number;
  readonly #healthIntervalMs: number;
  readonly #resetAfterMs: number;
  readonly #resetMaxMs: number;
  readonly #reconnectBackoff: Backoff;
  readonly #unansweredLimit: number;
  readonly #openStream: (path: string, baudRate: number) => Promise<ClosableByteStream>;
  readonly #listeners: Listeners<ModemStatus>;

  #opened = false;
  #link: Link | undefined;
  #timer: TimerHandle;
  #tick: Promise<PosError | undefined> | undefined;
  #unanswered = 0;
  #creg: Registration | undefined;
  #cereg: Registration | undefined;
  /** Since when (clock ms) the modem has not been registered, while the SIM is ready. */
  #unregisteredSince: number | undefined;
  /** Radio resets since the modem was last registered (sets the wait before the next). */
  #resets = 0;
  #totalResets = 0;
  #status: ModemStatus;

  constructor(options: SerialModemOptions) {
    this.#path = options.path;
    this.#baudRate = options.baudRate ?? 115_200;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? NO_LOG;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.#radioTimeoutMs = options.radioTimeoutMs ?? 20_000;
    this.#healthIntervalMs = options.healthIntervalMs ?? 30_000;
    this.#resetAfterMs = options.radioReset?.afterMs ?? 120_000;
    this.#resetMaxMs = options.radioReset?.maxMs ?? 1_800_000;
    this.#reconnectBackoff = new Backoff(
      options.reconnectBackoff ?? { initialMs: 1000, maxMs: 60_000 },
    );
    this.#unansweredLimit = options.unansweredChecksBeforeReconnect ?? 2;
    this.#openStream = options.openStream ?? openSerialByteStream;
    this.#listeners = new Listeners((error: unknown) => {
      this.#log.warn({ err: error }, 'a modem status listener threw');
    });
    this.#status = initialStatus(this.#clock.now());
  }

  /** Radio resets since the driver was made (for tests and the technician). */
  get radioResets(): number {
    return this.#totalResets;
  }

  async open(): Promise<void> {
    if (this.#opened) return;
    this.#opened = true;
    const error = await this.#runTick();
    if (error) throw error;
  }

  async close(): Promise<void> {
    if (!this.#opened) return;
    this.#opened = false;
    this.#clearTimer();
    const link = this.#link;
    this.#link = undefined;
    link?.channel.close();
    await this.#tick;
    await link?.stream.close();
    this.#status = Object.freeze({ ...this.#status, available: false, updatedAt: this.#now() });
  }

  status(): ModemStatus {
    return this.#status;
  }

  onStatus(listener: (status: ModemStatus) => void): () => void {
    return this.#listeners.add(listener);
  }

  command(at: string, options: { readonly timeoutMs?: number } = {}): Promise<AtResponse> {
    const link = this.#link;
    if (!this.#opened || !link) {
      return Promise.reject(
        new PosError('MODEM_UNAVAILABLE', 'the modem is not connected', {
          details: { command: at.slice(0, 40) },
        }),
      );
    }
    return link.channel.send(at, { timeoutMs: options.timeoutMs ?? 10_000 });
  }

  // --- the loop --------------------------------------------------------------------------

  /** Runs one step of the loop (connect, start-up or health check) and schedules the next. */
  #runTick(): Promise<PosError | undefined> {
    if (this.#tick) return this.#tick;
    const tick = this.#step()
      .catch((error: unknown) => {
        this.#log.warn({ err: error }, 'modem loop step failed');
        return { next: this.#healthIntervalMs, error: asPosError(error) };
      })
      .then(({ next, error }) => {
        this.#tick = undefined;
        if (this.#opened) this.#schedule(next);
        return error;
      });
    this.#tick = tick;
    return tick;
  }

  async #step(): Promise<{ next: number; error?: PosError }> {
    if (!this.#link) {
      const error = await this.#connect();
      if (error) return { next: this.#reconnectDelay(), error };
    }
    const link = this.#link;
    if (!link) return { next: this.#reconnectDelay() };
    try {
      if (!link.started) await this.#startup(link);
      else await this.#poll(link);
      this.#unanswered = 0;
      this.#reconnectBackoff.reset();
      this.#update({ available: true, error: undefined });
      await this.#recover(link);
      return { next: this.#healthIntervalMs };
    } catch (caught) {
      return this.#failed(link, asPosError(caught));
    }
  }

  async #connect(): Promise<PosError | undefined> {
    let stream: ClosableByteStream;
    try {
      stream = await this.#openStream(this.#path, this.#baudRate);
    } catch (caught) {
      const error = hasErrorCode(caught, 'MODEM_UNAVAILABLE')
        ? caught
        : new PosError('MODEM_UNAVAILABLE', `cannot open the modem port ${this.#path}`, {
            details: { path: this.#path },
            cause: caught,
          });
      this.#unavailable(error);
      return error;
    }
    if (!this.#opened) {
      await stream.close();
      return undefined;
    }
    const channel = new AtChannel({
      stream,
      clock: this.#clock,
      timeoutMs: this.#commandTimeoutMs,
      onNoise: (text) => {
        this.#log.debug({ line: text }, 'modem noise');
      },
    });
    const link: Link = { stream, channel, cereg: true, started: false };
    channel.onUrc((urc) => {
      this.#onUrc(urc.lines);
    });
    stream.onClose(() => {
      this.#portClosed(link);
    });
    this.#link = link;
    this.#log.info({ path: this.#path }, 'modem port open');
    return undefined;
  }

  /** A failed step: SIM errors keep the link; a modem that is gone or mute is reopened. */
  async #failed(link: Link, error: PosError): Promise<{ next: number; error: PosError }> {
    if (hasErrorCode(error, 'SIM_ERROR')) {
      // Start again from the top when the SIM is back: a new SIM needs the whole start-up.
      link.started = false;
      this.#update({ available: true, error: statusError(error) });
      return { next: this.#healthIntervalMs, error };
    }
    if (hasErrorCode(error, 'MODEM_TIMEOUT')) this.#unanswered += 1;
    const gone =
      hasErrorCode(error, 'MODEM_UNAVAILABLE') ||
      this.#link !== link ||
      !link.started ||
      this.#unanswered >= this.#unansweredLimit;
    if (!gone) {
      this.#log.warn({ err: error }, 'modem health check failed');
      this.#update({ error: statusError(error) });
      return { next: this.#healthIntervalMs, error };
    }
    this.#log.warn({ err: error }, 'modem not answering; reopening the port');
    await this.#dropLink(link);
    this.#unavailable(error);
    return { next: this.#reconnectDelay(), error };
  }

  async #startup(link: Link): Promise<void> {
    const send = (command: string): Promise<AtResponse> => link.channel.send(command);
    try {
      await send('AT');
    } catch (error) {
      // The first command after power-on may meet garbage or a half-read line: once more.
      if (!hasErrorCode(error, 'MODEM_TIMEOUT', 'MODEM_ERROR')) throw error;
      await send('AT');
    }
    await send('ATE0');
    await send('AT+CMEE=2');
    await this.#checkSim(link);
    await send('AT+CREG=1');
    link.cereg = await succeeds(send('AT+CEREG=1'));
    await succeeds(send('AT+COPS=3,0'));
    link.started = true;
    this.#log.info('modem started');
    await this.#poll(link);
  }

  async #checkSim(link: Link): Promise<void> {
    let sim: SimState;
    let reason: string;
    try {
      const response = await link.channel.send('AT+CPIN?');
      sim = parseCpin(response.lines) ?? 'unknown';
      reason = response.lines.join(' ');
    } catch (error) {
      const final = isPosError(error) ? error.details.final : undefined;
      const cme = isPosError(error) ? error.details.cme : undefined;
      if (final !== 'cme-error') throw error;
      const parsed = simStateOfError({
        kind: 'cme-error',
        text: String(cme),
        ...(typeof cme === 'number' ? { code: cme } : { message: String(cme) }),
      });
      if (parsed === undefined) throw error;
      sim = parsed;
      reason = String(cme);
    }
    this.#update({ sim });
    if (sim === 'ready') return;
    this.#update({ registration: 'none', operator: undefined, signalBars: 0, rssiDbm: undefined });
    throw new PosError('SIM_ERROR', `the SIM is not ready: ${reason}`, {
      details: { sim, reason },
    });
  }

  async #poll(link: Link): Promise<void> {
    const signal = parseCsq((await link.channel.send('AT+CSQ')).lines);
    this.#update({ signalBars: signal?.bars ?? 0, rssiDbm: signal?.dbm });
    this.#creg = readRegistration((await link.channel.send('AT+CREG?')).lines);
    if (link.cereg) this.#cereg = readRegistration((await link.channel.send('AT+CEREG?')).lines);
    this.#registrationChanged();
    if (!isRegistered(this.#status.registration)) {
      // No network may mean no SIM (pulled, failed): a radio reset would not help then.
      await this.#checkSim(link);
      this.#update({ operator: undefined });
      return;
    }
    this.#update({ operator: parseCops((await link.channel.send('AT+COPS?')).lines) });
  }

  /** Resets the radio when the registration has been lost for long enough. */
  async #recover(link: Link): Promise<void> {
    const since = this.#unregisteredSince;
    if (since === undefined || this.#status.sim !== 'ready') return;
    const wait = Math.min(this.#resetAfterMs * 2 ** this.#resets, this.#resetMaxMs);
    if (this.#now() - since < wait) return;
    this.#resets += 1;
    this.#totalResets += 1;
    this.#log.warn(
      {
        registration: this.#status.registration,
        lostForMs: this.#now() - since,
        reset: this.#resets,
      },
      'modem registration lost; resetting the radio',
    );
    this.#unregisteredSince = this.#now();
    const timeoutMs = this.#radioTimeoutMs;
    await link.channel.send('AT+CFUN=0', { timeoutMs });
    await link.channel.send('AT+CFUN=1', { timeoutMs });
  }

  // --- events ----------------------------------------------------------------------------

  #onUrc(lines: readonly string[]): void {
    const line = lines[0] ?? '';
    const reading = parseRegistration(line, false);
    if (!reading || reading.kind === 'CGREG') return;
    if (reading.kind === 'CREG') this.#creg = reading.registration;
    else this.#cereg = reading.registration;
    this.#registrationChanged();
  }

  #registrationChanged(): void {
    const registration = combineRegistration(this.#creg, this.#cereg);
    if (isRegistered(registration)) {
      this.#unregisteredSince = undefined;
      this.#resets = 0;
    } else {
      this.#unregisteredSince ??= this.#now();
    }
    const patch: Partial<MutableStatus> = { registration };
    if (!isRegistered(registration)) patch.operator = undefined;
    this.#update(patch);
  }

  #portClosed(link: Link): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    link.channel.close();
    this.#log.warn({ path: this.#path }, 'modem port closed');
    this.#unavailable(
      new PosError('MODEM_UNAVAILABLE', 'the modem port closed', { details: { path: this.#path } }),
    );
    // A step in progress sees its command fail and schedules the reconnect itself.
    if (this.#opened && !this.#tick) this.#schedule(this.#reconnectDelay());
  }

  async #dropLink(link: Link): Promise<void> {
    if (this.#link === link) this.#link = undefined;
    link.channel.close();
    await link.stream.close();
  }

  // --- state -----------------------------------------------------------------------------

  #unavailable(error: PosError): void {
    this.#creg = undefined;
    this.#cereg = undefined;
    this.#unregisteredSince = undefined;
    this.#update({
      available: false,
      sim: 'unknown',
      registration: 'unknown',
      signalBars: 0,
      rssiDbm: undefined,
      operator: undefined,
      error: statusError(error),
    });
  }

  #update(patch: Partial<MutableStatus>): void {
    const next = { ...this.#status, ...patch };
    const changed = (Object.keys(patch) as (keyof MutableStatus)[]).some(
      (key) => !sameValue(next[key], this.#status[key]),
    );
    if (!changed) return;
    this.#status = Object.freeze({ ...next, updatedAt: this.#now() });
    if (this.#opened) this.#listeners.emit(this.#status);
  }

  #reconnectDelay(): number {
    return this.#reconnectBackoff.next();
  }

  #schedule(ms: number): void {
    this.#clearTimer();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#runTick();
    }, ms);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #now(): number {
    return this.#clock.now();
  }
}

type MutableStatus = { -readonly [K in keyof ModemStatus]: ModemStatus[K] };

function initialStatus(now: number): ModemStatus {
  return Object.freeze({
    available: false,
    sim: 'unknown',
    signalBars: 0,
    rssiDbm: undefined,
    registration: 'unknown',
    operator: undefined,
    error: undefined,
    updatedAt: now,
  });
}

function readRegistration(lines: readonly string[]): Registration | undefined {
  for (const line of lines) {
    const reading = parseRegistration(line, true);
    if (reading) return reading.registration;
  }
  return undefined;
}

async function succeeds(command: Promise<AtResponse>): Promise<boolean> {
  try {
    await command;
    return true;
  } catch (error) {
    if (hasErrorCode(error, 'MODEM_ERROR')) return false;
    throw error;
  }
}

const MODEM_CODES: readonly ModemErrorCode[] = [
  'MODEM_UNAVAILABLE',
  'MODEM_TIMEOUT',
  'MODEM_ERROR',
  'SIM_ERROR',
];

function statusError(error: PosError): ModemStatus['error'] {
  const code = (MODEM_CODES as readonly string[]).includes(error.code)
    ? (error.code as ModemErrorCode)
    : 'MODEM_ERROR';
  return Object.freeze({ code, message: error.message });
}

function asPosError(error: unknown): PosError {
  if (isPosError(error)) return error;
  return new PosError('MODEM_ERROR', 'unexpected failure in the modem driver', { cause: error });
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return false;
}
