import { systemClock, type Clock, type TimerHandle } from '../../src/core/clock.js';
import { PosError } from '../../src/core/PosError.js';
import type { Printer, PrinterStatus } from './Printer.js';
import type { PrintDocument } from './PrintDocument.js';
import { renderDocumentText } from './renderDocumentText.js';

/** The codes {@link FakePrinter.failNext} can inject. */
export type PrinterFault = 'PRINTER_PAPER_OUT' | 'PRINTER_COVER_OPEN' | 'PRINTER_UNAVAILABLE';

export interface FakePrinterOptions {
  /** Runs the print delay (default the system clock). */
  readonly clock?: Clock;
  /** How long printing one document takes, in milliseconds on the clock (default 0). */
  readonly printDelayMs?: number;
}

const FAULT_MESSAGES: Readonly<Record<PrinterFault, string>> = {
  PRINTER_PAPER_OUT: 'the printer is out of paper',
  PRINTER_COVER_OPEN: 'the printer cover is open',
  PRINTER_UNAVAILABLE: 'the printer is not available',
};

interface Job {
  timer?: TimerHandle;
  /** Ends the job now with `code`; false when it had already ended. */
  readonly interrupt: (code: PrinterFault) => boolean;
}

/**
 * A simulated slip printer that keeps the {@link Printer} contract (a two-way link), driven by
 * test hooks: {@link setPaper}, {@link openCover} / {@link closeCover} and {@link setOffline}
 * change its state, {@link failNext} injects a one-off fault.
 *
 * Each document is laid out with `renderDocumentText` when its turn comes and takes the print
 * delay on the injected clock (at once, on a microtask, when the delay is 0). Documents print
 * one at a time in the order `print` was called; a failed one does not stop the next. A print
 * is refused when the printer is closed or offline (`PRINTER_UNAVAILABLE`), its cover is open
 * or it has no paper; paper running out, the cover opening, the link dropping or `close`
 * during a print end that print with the matching code. Only documents printed to the end are
 * in {@link printed}, as deep-frozen copies taken when `print` was called.
 */
export class FakePrinter implements Printer {
  readonly #clock: Clock;
  #printDelayMs: number;
  #open = false;
  #paper: 'ok' | 'out' = 'ok';
  #coverOpen = false;
  #offline = false;
  #nextFault: PrinterFault | undefined;
  #job: Job | undefined;
  #queue: Promise<void> = Promise.resolve();
  readonly #printed: PrintDocument[] = [];
  readonly #printedLines: (readonly string[])[] = [];
  #printedListeners: { readonly listener: (document: PrintDocument) => void }[] = [];

  constructor(options: FakePrinterOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#printDelayMs = checkedDelay(options.printDelayMs ?? 0);
  }

  /** The documents printed to the end, oldest first. */
  get printed(): readonly PrintDocument[] {
    return [...this.#printed];
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /**
   * Everything printed so far as the paper shows it: each line of each document followed by a
   * newline, a blank line between documents.
   */
  text(): string {
    return this.#printedLines.map((lines) => lines.map((line) => `${line}\n`).join('')).join('\n');
  }

  open(): Promise<void> {
    this.#open = true;
    return Promise.resolve();
  }

  /** Closes the printer: a print under way fails, and so do those waiting, `PRINTER_UNAVAILABLE`. */
  close(): Promise<void> {
    this.#open = false;
    this.#job?.interrupt('PRINTER_UNAVAILABLE');
    return Promise.resolve();
  }

  print(document: PrintDocument): Promise<void> {
    const copy = deepFreeze(structuredClone(document));
    const job = this.#queue.then(() => this.#printNow(copy));
    this.#queue = job.catch(() => undefined);
    return job;
  }

  /** What the printer reports; paper and cover are `unknown` while it is closed or offline. */
  status(): Promise<PrinterStatus> {
    if (!this.#open || this.#offline) {
      return Promise.resolve({ paper: 'unknown', coverOpen: 'unknown', online: false });
    }
    return Promise.resolve({ paper: this.#paper, coverOpen: this.#coverOpen, online: true });
  }

  /** Called with each document printed to the end. Returns a function that unsubscribes. */
  onPrinted(listener: (document: PrintDocument) => void): () => void {
    const entry = { listener };
    this.#printedListeners.push(entry);
    return () => {
      this.#printedListeners = this.#printedListeners.filter((other) => other !== entry);
    };
  }

  /** Test hook: paper loaded (`ok`) or run out (`out`, which ends a print under way). */
  setPaper(paper: 'ok' | 'out'): void {
    this.#paper = paper;
    if (paper === 'out') this.#job?.interrupt('PRINTER_PAPER_OUT');
  }

  /** Test hook: the cover is opened, which ends a print under way. */
  openCover(): void {
    this.#coverOpen = true;
    this.#job?.interrupt('PRINTER_COVER_OPEN');
  }

  /** Test hook: the cover is closed. */
  closeCover(): void {
    this.#coverOpen = false;
  }

  /** Test hook: the link drops (true, which ends a print under way) or is back (false). */
  setOffline(offline: boolean): void {
    this.#offline = offline;
    if (offline) this.#job?.interrupt('PRINTER_UNAVAILABLE');
  }

  /**
   * Test hook: the next print that starts fails with `code` at its end, the document printed in
   * part. The printer's state is left as it is: use the other hooks for a lasting fault.
   */
  failNext(code: PrinterFault): void {
    this.#nextFault = code;
  }

  /** Test hook: how long printing one document takes from now on, in milliseconds. */
  setPrintDelay(ms: number): void {
    this.#printDelayMs = checkedDelay(ms);
  }

  #refusal(): PrinterFault | undefined {
    if (!this.#open || this.#offline) return 'PRINTER_UNAVAILABLE';
    if (this.#coverOpen) return 'PRINTER_COVER_OPEN';
    if (this.#paper === 'out') return 'PRINTER_PAPER_OUT';
    return undefined;
  }

  #printNow(document: PrintDocument): Promise<void> {
    const refusal = this.#refusal();
    if (refusal) return Promise.reject(printerError(refusal));
    const lines = Object.freeze(renderDocumentText(document));
    const fault = this.#nextFault;
    this.#nextFault = undefined;
    return new Promise<void>((resolve, reject) => {
      const job: Job = {
        interrupt: (code) => {
          if (this.#job !== job) return false;
          this.#job = undefined;
          if (job.timer !== undefined) this.#clock.clearTimeout(job.timer);
          reject(printerError(code));
          return true;
        },
      };
      const finish = (): void => {
        if (fault) {
          job.interrupt(fault);
          return;
        }
        if (this.#job !== job) return;
        this.#job = undefined;
        this.#printed.push(document);
        this.#printedLines.push(lines);
        for (const { listener } of [...this.#printedListeners]) listener(document);
        resolve();
      };
      this.#job = job;
      if (this.#printDelayMs > 0) job.timer = this.#clock.setTimeout(finish, this.#printDelayMs);
      else queueMicrotask(finish);
    });
  }
}

function printerError(code: PrinterFault): PosError {
  return new PosError(code, FAULT_MESSAGES[code]);
}

function checkedDelay(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a print delay of ${ms} ms`);
  return ms;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const key of Reflect.ownKeys(value)) {
      deepFreeze((value as Record<PropertyKey, unknown>)[key]);
    }
    Object.freeze(value);
  }
  return value;
}
