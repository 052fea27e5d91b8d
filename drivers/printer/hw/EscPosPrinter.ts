import { Backoff } from '../../backoff.js';
import { systemClock, type Clock, type TimerHandle } from '../../../src/core/clock.js';
import type { Logger } from '../../../src/core/logger.js';
import { PosError } from '../../../src/core/PosError.js';
import {
  faultOf,
  isStatusByte,
  readRealTimeStatus,
  STATUS_REQUESTS,
  statusRequest,
  toPrinterStatus,
  type PrinterFaultCode,
  type RealTimeStatus,
  type StatusRequest,
} from '../escpos/realTimeStatus.js';
import type { Printer, PrinterStatus } from '../Printer.js';
import type { PrintDocument } from '../PrintDocument.js';
import { encodeDocument } from './encodeDocument.js';
import type { PrinterLink } from './PrinterLink.js';

export type PrinterLog = Pick<Logger, 'info' | 'warn'>;

export interface EscPosPrinterOptions {
  readonly link: PrinterLink;
  /** Runs the timeouts and the reconnect backoff (default the system clock). */
  readonly clock?: Clock;
  /** How long to wait for each real-time status answer (default 1000 ms). */
  readonly statusTimeoutMs?: number;
  /** How long a two-way print may take to come out before `PRINTER_UNAVAILABLE` (default 30 s). */
  readonly printTimeoutMs?: number;
  /** How often the real-time status is read while a print comes out (default 250 ms). */
  readonly pollMs?: number;
  /** First reconnect delay, doubled after each failure up to `maxReconnectDelayMs` (default 500 ms). */
  readonly reconnectDelayMs?: number;
  /** Default 30 s. */
  readonly maxReconnectDelayMs?: number;
  readonly log?: PrinterLog;
}

/** `GS r 1`: answered (bit 4 clear, unlike real-time answers) only once the data before it printed. */
const PRINTED_MARKER = Uint8Array.of(0x1d, 0x72, 0x01);
const isMarkerAnswer = (byte: number): boolean => (byte & 0x90) === 0;

const MESSAGES: Readonly<Record<PrinterFaultCode, string>> = {
  PRINTER_PAPER_OUT: 'the printer is out of paper',
  PRINTER_COVER_OPEN: 'the printer cover is open',
  PRINTER_UNAVAILABLE: 'the printer is not available',
};

interface Waiter {
  readonly accepts: (byte: number) => boolean;
  readonly resolve: (byte: number) => void;
  readonly cancel: () => void;
}

/**
 * The slip printer on ESC/POS (Epson-compatible 58 mm printers), keeping the {@link Printer}
 * contract. node-thermal-printer builds the bytes (see `encodeDocument`); the driver writes
 * them through a {@link PrinterLink}: `SerialLink`, `TcpLink` or `DeviceFileLink`.
 *
 * On a two-way link (serial, TCP) a print goes: real-time status (`DLE EOT 1, 2, 4`) → refuse
 * with `PRINTER_COVER_OPEN` / `PRINTER_PAPER_OUT` / `PRINTER_UNAVAILABLE` (printer error, or no
 * answer within `statusTimeoutMs`) → write the document followed by `GS r 1` → wait for the
 * `GS r` answer, which the printer sends only after printing what came before it, reading the
 * real-time status every `pollMs` meanwhile: paper out or cover open mid-print fails the print
 * with that code (the slip printed in part). Per the contract the cashier fixes the printer and
 * the flow prints the whole document again. A printer resumes its buffered data when paper is
 * loaded, so the end of the interrupted slip may come out before the reprint.
 *
 * On a one-way link (device file) paper and cover are `unknown` and a print resolves once its
 * bytes were written.
 *
 * Lifecycle: `open` resolves after the first connection attempt, whether or not it worked;
 * while the link is down (never came up, unplugged, socket closed, write failed) prints fail
 * `PRINTER_UNAVAILABLE` at once and the driver reopens the link with backoff
 * (`reconnectDelayMs`, doubling up to `maxReconnectDelayMs`), forever, until `close`. No link
 * error reaches the process as an uncaught exception.
 */
export class EscPosPrinter implements Printer {
  readonly #link: PrinterLink;
  readonly #clock: Clock;
  readonly #statusTimeoutMs: number;
  readonly #printTimeoutMs: number;
  readonly #pollMs: number;
  readonly #backoff: Backoff;
  readonly #log: PrinterLog | undefined;
  #wanted = false;
  #connected = false;
  #connecting: Promise<void> | undefined;
  #reconnectTimer: { readonly handle: TimerHandle } | undefined;
  #waiters: Waiter[] = [];
  #queue: Promise<void> = Promise.resolve();
  #statusLock: Promise<void> = Promise.resolve();
  /** Ends the print under way with a code (on close and link loss). */
  #abort: ((code: PrinterFaultCode) => void) | undefined;

  constructor(options: EscPosPrinterOptions) {
    this.#link = options.link;
    this.#clock = options.clock ?? systemClock;
    this.#statusTimeoutMs = options.statusTimeoutMs ?? 1000;
    this.#printTimeoutMs = options.printTimeoutMs ?? 30_000;
    this.#pollMs = options.pollMs ?? 250;
    this.#backoff = new Backoff({
      initialMs: options.reconnectDelayMs ?? 500,
      maxMs: options.maxReconnectDelayMs ?? 30_000,
    });
    this.#log = options.log;
  }

  /** Whether the link is up now. */
  get connected(): boolean {
    return this.#connected;
  }

  async open(): Promise<void> {
    if (this.#wanted) return this.#connecting;
    this.#wanted = true;
    this.#backoff.reset();
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#wanted = false;
    if (this.#reconnectTimer) this.#clock.clearTimeout(this.#reconnectTimer.handle);
    this.#reconnectTimer = undefined;
    await this.#connecting;
    this.#abort?.('PRINTER_UNAVAILABLE');
    this.#dropWaiters();
    if (this.#connected) {
      this.#connected = false;
      await this.#link.close().catch(() => undefined);
    }
  }

  print(document: PrintDocument): Promise<void> {
    const job = this.#queue.then(() => this.#printNow(document));
    this.#queue = job.catch(() => undefined);
    return job;
  }

  async status(): Promise<PrinterStatus> {
    const offline: PrinterStatus = { paper: 'unknown', coverOpen: 'unknown', online: false };
    if (!this.#connected) return offline;
    if (!this.#link.twoWay) return { paper: 'unknown', coverOpen: 'unknown', online: true };
    try {
      return toPrinterStatus(await this.#readStatus());
    } catch {
      return offline;
    }
  }

  #connect(): Promise<void> {
    const attempt = this.#link
      .open({
        data: (bytes) => {
          this.#received(bytes);
        },
        lost: (error) => {
          this.#lost(error);
        },
      })
      .then(
        async () => {
          if (!this.#wanted) {
            await this.#link.close().catch(() => undefined);
            return;
          }
          this.#connected = true;
          this.#backoff.reset();
          this.#log?.info({ link: this.#link.description }, 'printer connected');
        },
        (error: unknown) => {
          this.#log?.warn(
            { link: this.#link.description, err: error },
            'printer link failed to open',
          );
          this.#scheduleReconnect();
        },
      )
      .finally(() => {
        this.#connecting = undefined;
      });
    this.#connecting = attempt;
    return attempt;
  }

  #scheduleReconnect(): void {
    if (!this.#wanted || this.#reconnectTimer !== undefined) return;
    const delay = this.#backoff.next();
    const handle = this.#clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#wanted && !this.#connected) void this.#connect();
    }, delay);
    this.#reconnectTimer = { handle };
  }

  #lost(error: Error): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#log?.warn({ link: this.#link.description, err: error }, 'printer link lost');
    this.#abort?.('PRINTER_UNAVAILABLE');
    this.#dropWaiters();
    this.#scheduleReconnect();
  }

  #received(bytes: Buffer): void {
    for (const byte of bytes) {
      const index = this.#waiters.findIndex((waiter) => waiter.accepts(byte));
      // Bytes nobody waits for (a late answer, automatic status) are dropped.
      if (index < 0) continue;
      this.#waiters[index]?.resolve(byte);
    }
  }

  /** Ends every wait for a byte now, with no byte. */
  #dropWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.cancel();
  }

  /** Resolves with the next byte `accepts` takes, or undefined after `timeoutMs` or when dropped. */
  #nextByte(accepts: (byte: number) => boolean, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const end = (byte: number | undefined): void => {
        this.#clock.clearTimeout(timer);
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        resolve(byte);
      };
      const waiter: Waiter = { accepts, resolve: end, cancel: () => end(undefined) };
      const timer = this.#clock.setTimeout(() => {
        end(undefined);
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Reads `DLE EOT 1, 2, 4`; `PRINTER_UNAVAILABLE` when an answer does not come. */
  /**
   * One status read at a time: the answers to DLE EOT carry no tag, so two reads interleaved
   * (status() while a print polls) could take each other's bytes.
   */
  #readStatus(): Promise<RealTimeStatus> {
    const read = this.#statusLock.then(() => this.#readStatusNow());
    this.#statusLock = read.then(
      () => undefined,
      () => undefined,
    );
    return read;
  }

  async #readStatusNow(): Promise<RealTimeStatus> {
    const answers: Partial<Record<StatusRequest, number>> = {};
    for (const n of STATUS_REQUESTS) {
      const answer = this.#nextByte(isStatusByte, this.#statusTimeoutMs);
      await this.#write(statusRequest(n));
      const byte = await answer;
      if (byte === undefined) {
        throw new PosError('PRINTER_UNAVAILABLE', 'the printer does not answer', {
          details: { link: this.#link.description },
        });
      }
      answers[n] = byte;
    }
    return readRealTimeStatus(answers as Record<StatusRequest, number>);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    if (!this.#connected) throw printerError('PRINTER_UNAVAILABLE');
    try {
      await this.#link.write(bytes);
    } catch (error) {
      throw printerError('PRINTER_UNAVAILABLE', error);
    }
  }

  async #printNow(document: PrintDocument): Promise<void> {
    const bytes = encodeDocument(document);
    if (!this.#wanted || !this.#connected) throw printerError('PRINTER_UNAVAILABLE');
    if (!this.#link.twoWay) {
      await this.#write(bytes);
      return;
    }
    const aborted = new Promise<never>((_, reject) => {
      this.#abort = (code) => {
        reject(printerError(code));
      };
    });
    aborted.catch(() => undefined);
    try {
      await Promise.race([aborted, this.#printTwoWay(bytes)]);
    } finally {
      this.#abort = undefined;
    }
  }

  async #printTwoWay(bytes: Uint8Array): Promise<void> {
    const before = faultOf(await this.#readStatus());
    if (before) throw printerError(before);
    const printed = this.#nextByte(isMarkerAnswer, this.#printTimeoutMs);
    await this.#write(bytes);
    await this.#write(PRINTED_MARKER);
    const finished = printed.then((byte) => {
      if (byte === undefined) throw printerError('PRINTER_UNAVAILABLE');
      return true;
    });
    finished.catch(() => undefined);
    for (;;) {
      const sleeping = this.#sleep(this.#pollMs).then(() => false);
      if (await Promise.race([finished, sleeping])) return;
      const fault = faultOf(await this.#readStatus());
      if (fault) {
        for (const waiter of this.#waiters.filter((w) => w.accepts === isMarkerAnswer)) {
          waiter.cancel();
        }
        throw printerError(fault);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#clock.setTimeout(resolve, ms));
  }
}

function printerError(code: PrinterFaultCode, cause?: unknown): PosError {
  return new PosError(code, MESSAGES[code], cause === undefined ? {} : { cause });
}
