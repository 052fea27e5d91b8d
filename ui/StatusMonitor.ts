import type { Clock, TimerHandle } from '../src/core/clock.js';
import type { Modem, ModemStatus } from '../drivers/modem/Modem.js';
import type { Printer, PrinterStatus } from '../drivers/printer/Printer.js';
import type { TerminalStatus } from './TerminalStatus.js';

/** Where the status bar's figures come from. */
export interface StatusSources {
  terminalId: string;
  clock: Clock;
  /** Asked every `printerPollMs`; a rejection shows the printer offline. */
  printer?: Pick<Printer, 'status'> | undefined;
  /** Followed through its status events; absent on a terminal without a modem. */
  modem?: Pick<Modem, 'status' | 'onStatus'> | undefined;
  /**
   * Asks the host whether it is there (`GET /v1/health`) when nothing was heard of the link for
   * `hostQuietMs`; its outcome must come back through {@link StatusMonitor.hostLink}, as every
   * host exchange's does (HostClient's `onLink`). Its rejection is ignored.
   */
  pingHost?: (() => Promise<unknown>) | undefined;
  /** Default 10 s. */
  printerPollMs?: number | undefined;
  /** Default 60 s: a cellular link is paid by the byte, so idle pings are rare. */
  hostQuietMs?: number | undefined;
}

/** The printer's report in the status bar's words. */
export function paperOf(status: PrinterStatus): TerminalStatus['paper'] {
  if (!status.online) return 'offline';
  if (status.coverOpen === true) return 'coverOpen';
  if (status.paper === 'out') return 'out';
  return status.paper === 'ok' ? 'ok' : 'unknown';
}

/** The modem's report in the status bar's words: 0 bars when it does not answer. */
export function signalOf(status: ModemStatus): TerminalStatus['signal'] {
  if (!status.available) return { bars: 0, registered: false };
  const registered = status.registration === 'home' || status.registration === 'roaming';
  return { bars: status.signalBars, registered };
}

/**
 * Gathers what the status bar shows: the modem's signal (from its events), the printer's paper
 * (polled), the host link (from each exchange, with a rare health ping when quiet). Timers run
 * on the injected clock. Listeners hear each change; the time itself is read on `current()`.
 */
export class StatusMonitor {
  readonly #sources: StatusSources;
  readonly #listeners = new Set<(status: TerminalStatus) => void>();
  #signal: TerminalStatus['signal'];
  #host: TerminalStatus['host'] = 'unknown';
  #paper: TerminalStatus['paper'] = 'unknown';
  #lastHeardOfHost: number;
  #timers: TimerHandle[] = [];
  #unsubscribe: (() => void) | undefined;
  #running = false;

  constructor(sources: StatusSources) {
    this.#sources = sources;
    this.#lastHeardOfHost = sources.clock.now();
    this.#signal = sources.modem ? signalOf(sources.modem.status()) : undefined;
  }

  /** Starts following the modem and polling the printer. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    // The modem may have changed since construction (opened meanwhile): start from now.
    if (this.#sources.modem) this.#set({ signal: signalOf(this.#sources.modem.status()) });
    this.#unsubscribe = this.#sources.modem?.onStatus((status) => {
      this.#set({ signal: signalOf(status) });
    });
    if (this.#sources.printer) void this.#pollPrinter();
    if (this.#sources.pingHost) this.#scheduleHostCheck();
  }

  /** Stops every timer and subscription. Idempotent. */
  stop(): void {
    this.#running = false;
    this.#unsubscribe?.();
    for (const timer of this.#timers) this.#sources.clock.clearTimeout(timer);
    this.#timers = [];
    this.#listeners.clear();
  }

  /** Reports what an exchange with the host showed (wire HostClient's `onLink` here). */
  hostLink(link: { reachable: boolean }): void {
    this.#lastHeardOfHost = this.#sources.clock.now();
    this.#set({ host: link.reachable ? 'up' : 'down' });
  }

  current(): TerminalStatus {
    return {
      signal: this.#signal,
      host: this.#host,
      paper: this.#paper,
      terminalId: this.#sources.terminalId,
      now: this.#sources.clock.now(),
    };
  }

  /** Called after each change. Returns a function that unsubscribes. */
  onChange(listener: (status: TerminalStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(change: Partial<Pick<TerminalStatus, 'signal' | 'host' | 'paper'>>): void {
    const before = JSON.stringify([this.#signal, this.#host, this.#paper]);
    if ('signal' in change) this.#signal = change.signal;
    if (change.host) this.#host = change.host;
    if (change.paper) this.#paper = change.paper;
    if (JSON.stringify([this.#signal, this.#host, this.#paper]) === before) return;
    const status = this.current();
    for (const listener of [...this.#listeners]) listener(status);
  }

  #isRunning(): boolean {
    return this.#running;
  }

  #later(callback: () => void, ms: number): void {
    if (!this.#running) return;
    const timer = this.#sources.clock.setTimeout(() => {
      this.#timers = this.#timers.filter((other) => other !== timer);
      callback();
    }, ms);
    this.#timers.push(timer);
  }

  async #pollPrinter(): Promise<void> {
    const printer = this.#sources.printer;
    if (!printer || !this.#running) return;
    let paper: TerminalStatus['paper'];
    try {
      paper = paperOf(await printer.status());
    } catch {
      paper = 'offline';
    }
    // stop() may have come while the printer was answering.
    if (!this.#isRunning()) return;
    this.#set({ paper });
    this.#later(() => void this.#pollPrinter(), this.#sources.printerPollMs ?? 10_000);
  }

  #scheduleHostCheck(): void {
    const quietMs = this.#sources.hostQuietMs ?? 60_000;
    const dueIn = this.#lastHeardOfHost + quietMs - this.#sources.clock.now();
    this.#later(
      () => {
        if (this.#sources.clock.now() - this.#lastHeardOfHost >= quietMs) {
          this.#sources.pingHost?.().catch(() => undefined);
          this.#lastHeardOfHost = this.#sources.clock.now();
        }
        this.#scheduleHostCheck();
      },
      Math.max(dueIn, 1_000),
    );
  }
}
