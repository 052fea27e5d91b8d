import type { Clock, TimerHandle } from '../../src/core/clock.js';
import { PosError } from '../../src/core/PosError.js';
import { isKey, type Key } from './Keypad.js';

/**
 * The electrical side of a key matrix, in logical terms: the real one drives GPIO lines
 * (hw/GpioMatrixKeypad.ts), tests use a fake. Polarity (active low, pull-ups) is the port's
 * business; the scanner only selects rows and reads closed contacts.
 */
export interface MatrixPort {
  /** Selects `row` (`active` true) or releases it. The scanner selects one row at a time. */
  driveRow(row: number, active: boolean): void;
  /**
   * Reads every column while a row is selected: `true` where the key at (row, column) is
   * closed. One entry per column.
   */
  readColumns(): readonly boolean[];
}

/** Rows × columns of the matrix: the key at each crossing, or null where none is wired. */
export type KeyMatrix = readonly (readonly (Key | null)[])[];

export interface MatrixScannerOptions {
  readonly keyMap: KeyMatrix;
  /** Time between two scans of the whole matrix, in ms; default 10. */
  readonly scanIntervalMs?: number;
  /**
   * Consecutive identical scans before the matrix counts as settled; default 3 (so a press is
   * reported 20–30 ms after the contact stops bouncing, at the default interval).
   */
  readonly debounceScans?: number;
  /** A key held this long, in ms, is reported stuck and ignored until released; default 10000. */
  readonly stuckAfterMs?: number;
}

/** What the scanner reports; only `key` is a keypress. */
export interface MatrixScannerEvents {
  /** A debounced press of `key` (once per press, no repeat). */
  key(key: Key): void;
  /** `key` has been held for `stuckAfterMs`: it is ignored from now until it is released. */
  stuck?(key: Key): void;
  /** A key reported stuck has been released and counts again. */
  unstuck?(key: Key): void;
  /** The first scan after {@link MatrixScanner.start} has read the whole matrix. */
  ready?(): void;
  /** The port threw (or read the wrong number of columns); scanning has stopped. */
  fault?(error: unknown): void;
}

/**
 * Scans a key matrix on a clock and turns closed contacts into key presses.
 *
 * Every `scanIntervalMs` each row is selected in turn and the columns read, giving the set of
 * closed keys. Debounce is over the whole matrix: the set counts only once `debounceScans`
 * scans in a row agree, so contact bounce (open/closed flicker) never reaches the listener.
 *
 * Rules, applied each time the settled set changes:
 * - A press is reported when a key closes while no other (non-stuck) key is closed. A key that
 *   closes while another is held, or together with another, is never reported, not even when
 *   the other is released first: the customer lifts and presses again. With no diodes, three
 *   closed keys make a fourth "ghost" appear; this rule never reports a key while two are
 *   down, so ghosts are never reported either. A spurious digit in a PIN is worse than a
 *   missed one, which the customer sees and repeats.
 * - Scanning starts from "no key closed": a key already held then is reported once when the
 *   first scans settle, as it cannot be told from a key pressed at that moment (and a press
 *   right after opening must not be lost).
 * - A key closed for `stuckAfterMs` is reported once through `stuck` and then ignored (it no
 *   longer blocks other keys) until it opens, which `unstuck` reports.
 * - Crossings with no key in the map are not read at all.
 */
export class MatrixScanner {
  readonly #port: MatrixPort;
  readonly #clock: Clock;
  readonly #events: MatrixScannerEvents;
  readonly #keyMap: KeyMatrix;
  readonly #columns: number;
  readonly #intervalMs: number;
  readonly #debounceScans: number;
  readonly #stuckAfterMs: number;
  #timer: TimerHandle;
  #running = false;
  #fresh = false;
  #candidate = '';
  #candidateCount = 0;
  /** Settled closed positions (row * columns + column). */
  #stable: ReadonlySet<number> = new Set();
  #closedSince = new Map<number, number>();
  #stuck = new Set<number>();

  constructor(
    port: MatrixPort,
    clock: Clock,
    options: MatrixScannerOptions,
    events: MatrixScannerEvents,
  ) {
    this.#columns = validateKeyMatrix(options.keyMap);
    this.#port = port;
    this.#clock = clock;
    this.#events = events;
    this.#keyMap = options.keyMap;
    this.#intervalMs = positive('scanIntervalMs', options.scanIntervalMs ?? 10);
    this.#debounceScans = positive('debounceScans', options.debounceScans ?? 3);
    this.#stuckAfterMs = positive('stuckAfterMs', options.stuckAfterMs ?? 10_000);
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts scanning from a clean state (nothing settled yet); a no-op while running. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#fresh = true;
    this.#candidate = '';
    this.#candidateCount = 0;
    this.#stable = new Set();
    this.#closedSince.clear();
    this.#stuck.clear();
    this.#timer = this.#clock.setTimeout(() => {
      this.#scan();
    }, this.#intervalMs);
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #scan(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#scan();
    }, this.#intervalMs);
    let closed: Set<number>;
    try {
      closed = this.#readMatrix();
    } catch (error) {
      this.stop();
      this.#events.fault?.(error);
      return;
    }
    if (this.#fresh) {
      this.#fresh = false;
      this.#events.ready?.();
    }
    this.#debounce(closed);
    this.#checkStuck();
  }

  #readMatrix(): Set<number> {
    const closed = new Set<number>();
    this.#keyMap.forEach((keys, row) => {
      this.#port.driveRow(row, true);
      let columns: readonly boolean[];
      try {
        columns = this.#port.readColumns();
      } finally {
        this.#port.driveRow(row, false);
      }
      if (columns.length !== this.#columns) {
        throw new RangeError(`read ${columns.length} columns, expected ${this.#columns}`);
      }
      keys.forEach((key, column) => {
        if (key !== null && columns[column] === true) closed.add(row * this.#columns + column);
      });
    });
    return closed;
  }

  #debounce(closed: Set<number>): void {
    const signature = [...closed].sort((a, b) => a - b).join(',');
    if (signature === this.#candidate) {
      this.#candidateCount++;
    } else {
      this.#candidate = signature;
      this.#candidateCount = 1;
    }
    if (this.#candidateCount !== this.#debounceScans) return;
    const previous = this.#stable;
    this.#stable = closed;
    this.#settle(previous, closed);
  }

  #settle(previous: ReadonlySet<number>, closed: ReadonlySet<number>): void {
    for (const position of previous) {
      if (closed.has(position)) continue;
      this.#closedSince.delete(position);
      if (this.#stuck.delete(position)) this.#events.unstuck?.(this.#keyAt(position));
    }
    const pressed = [...closed].filter((position) => !previous.has(position));
    for (const position of pressed) this.#closedSince.set(position, this.#clock.now());
    const held = [...closed].filter((position) => !this.#stuck.has(position));
    const [only] = pressed;
    if (only !== undefined && pressed.length === 1 && held.length === 1) {
      this.#events.key(this.#keyAt(only));
    }
  }

  #checkStuck(): void {
    const now = this.#clock.now();
    for (const [position, since] of this.#closedSince) {
      if (this.#stuck.has(position) || now - since < this.#stuckAfterMs) continue;
      this.#stuck.add(position);
      this.#events.stuck?.(this.#keyAt(position));
    }
  }

  #keyAt(position: number): Key {
    const key = this.#keyMap[Math.floor(position / this.#columns)]?.[position % this.#columns];
    if (key === undefined || key === null) throw new Error(`no key at position ${position}`);
    return key;
  }
}

/**
 * Checks that `keyMap` is a non-empty rectangle of keys (or null), each key at most once.
 *
 * @returns the number of columns
 * @throws PosError `CONFIG_INVALID` otherwise
 */
export function validateKeyMatrix(keyMap: KeyMatrix): number {
  const columns = keyMap[0]?.length ?? 0;
  const invalid = (reason: string): PosError =>
    new PosError('CONFIG_INVALID', `keypad key map: ${reason}`, { details: { field: 'keyMap' } });
  if (columns === 0) throw invalid('needs at least one row and one column');
  const seen = new Set<Key>();
  for (const keys of keyMap) {
    if (keys.length !== columns) throw invalid('every row needs the same number of columns');
    for (const key of keys) {
      if (key === null) continue;
      if (!isKey(key)) throw invalid(`${JSON.stringify(key)} is not a key`);
      if (seen.has(key)) throw invalid(`${key} appears twice`);
      seen.add(key);
    }
  }
  return columns;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new PosError('CONFIG_INVALID', `keypad ${name} must be a positive integer`, {
      details: { field: name },
    });
  }
  return value;
}
