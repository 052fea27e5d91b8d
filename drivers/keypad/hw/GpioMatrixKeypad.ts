import { Gpio, type BinaryValue, type Direction } from 'onoff';
import { systemClock, type Clock, type TimerHandle } from '../../../src/core/clock.js';
import { PosError } from '../../../src/core/PosError.js';
import { Backoff, type BackoffOptions } from '../../backoff.js';
import type { Key, Keypad } from '../Keypad.js';
import { KeypadEvents, type KeypadLogger } from '../KeypadEvents.js';
import {
  MatrixScanner,
  validateKeyMatrix,
  type MatrixPort,
  type MatrixScannerOptions,
} from '../matrixScanner.js';

/** The part of onoff's `Gpio` the keypad uses (tests pass a fake). */
export interface GpioPin {
  readSync(): BinaryValue;
  setDirection(direction: Direction): void;
  unexport(): void;
}

/** onoff's `Gpio` class, or a fake with the same shape. */
export interface GpioClass {
  readonly accessible: boolean;
  new (gpio: number, direction: Direction): GpioPin;
}

export interface GpioMatrixKeypadOptions extends MatrixScannerOptions {
  /** Sysfs GPIO numbers of the rows (driven), one per row of `keyMap`. */
  readonly rowPins: readonly number[];
  /** Sysfs GPIO numbers of the columns (read), one per column of `keyMap`. */
  readonly columnPins: readonly number[];
  /**
   * True (default): a closed key pulls its column low, through pull-ups fitted on the board
   * (sysfs cannot enable the SoC's); the selected row is driven low. False: the reverse.
   */
  readonly activeLow?: boolean;
  /** Retry delays after the GPIOs fail; default 250 ms doubling to 5 s. */
  readonly backoff?: BackoffOptions;
  readonly clock?: Clock;
  readonly logger?: KeypadLogger;
  /** The GPIO class; default onoff's `Gpio`. */
  readonly gpio?: GpioClass;
}

/**
 * A key matrix wired to GPIO lines, scanned through onoff (sysfs GPIO) by {@link MatrixScanner}
 * (debounce, two keys at once, stuck keys: see there).
 *
 * Rows not being read are left as inputs (high impedance) and only the selected row is driven,
 * so two keys pressed in one column cannot short a driven-high row to a driven-low one.
 *
 * {@link open} rejects with `KEYPAD_UNAVAILABLE` when this machine has no sysfs GPIO
 * (`Gpio.accessible` false: a new kernel without it, or no permission) or a pin cannot be
 * claimed (wrong number, in use). A GPIO read that fails later is a status: `onStatus(false)`,
 * the pins are released and claimed again with backoff, `onStatus(true)` when it works.
 *
 * Sysfs GPIO is deprecated and gone from new kernels; there, describe the matrix to the
 * kernel's gpio-matrix-keypad driver in the device tree and use EvdevKeypad instead.
 */
export class GpioMatrixKeypad implements Keypad {
  readonly #options: GpioMatrixKeypadOptions;
  readonly #gpio: GpioClass;
  readonly #clock: Clock;
  readonly #logger: KeypadLogger | undefined;
  readonly #events: KeypadEvents;
  readonly #backoff: Backoff;
  readonly #scanner: MatrixScanner;
  readonly #stuckListeners = new Set<(key: Key, stuck: boolean) => void>();
  #rows: GpioPin[] = [];
  #columns: GpioPin[] = [];
  #open = false;
  /** The GPIOs failed; the next good scan reports them available again. */
  #recovering = false;
  #retry: TimerHandle;

  /** @throws PosError `CONFIG_INVALID` when the pins do not fit the key map */
  constructor(options: GpioMatrixKeypadOptions) {
    validatePins(options);
    this.#options = options;
    this.#gpio = options.gpio ?? Gpio;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#events = new KeypadEvents(options.logger);
    this.#backoff = new Backoff(options.backoff);
    this.#scanner = new MatrixScanner(this.#port(), this.#clock, options, {
      key: (key) => {
        this.#events.key(key);
      },
      stuck: (key) => {
        this.#logger?.warn({ key }, 'keypad key stuck: ignored until released');
        this.#emitStuck(key, true);
      },
      unstuck: (key) => {
        this.#logger?.info({ key }, 'keypad key released after being stuck');
        this.#emitStuck(key, false);
      },
      ready: () => {
        if (this.#recovering) this.#available();
      },
      fault: (error) => {
        this.#failed(error);
      },
    });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(): Promise<void> {
    if (this.#open) return Promise.resolve();
    if (!this.#gpio.accessible) {
      return Promise.reject(
        new PosError('KEYPAD_UNAVAILABLE', 'no sysfs GPIO on this machine (/sys/class/gpio)'),
      );
    }
    try {
      this.#claim();
    } catch (error) {
      return Promise.reject(
        new PosError('KEYPAD_UNAVAILABLE', 'cannot claim the keypad GPIO pins', {
          cause: error,
          details: { rowPins: this.#options.rowPins, columnPins: this.#options.columnPins },
        }),
      );
    }
    this.#open = true;
    this.#recovering = false;
    this.#events.resetStatus();
    this.#backoff.reset();
    this.#scanner.start();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#open = false;
    this.#scanner.stop();
    if (this.#retry !== undefined) this.#clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#release();
    return Promise.resolve();
  }

  onKey(listener: (key: Key) => void): () => void {
    return this.#events.onKey(listener);
  }

  onStatus(listener: (available: boolean) => void): () => void {
    return this.#events.onStatus(listener);
  }

  /**
   * Called with `(key, true)` when a key has been held so long it counts as stuck (it is then
   * ignored), and `(key, false)` when it is released. Returns a function that unsubscribes.
   */
  onStuckKey(listener: (key: Key, stuck: boolean) => void): () => void {
    const entry = (key: Key, stuck: boolean): void => {
      listener(key, stuck);
    };
    this.#stuckListeners.add(entry);
    return () => this.#stuckListeners.delete(entry);
  }

  #emitStuck(key: Key, stuck: boolean): void {
    for (const listener of [...this.#stuckListeners]) {
      try {
        listener(key, stuck);
      } catch (error) {
        this.#logger?.error({ err: error }, 'keypad stuck-key listener threw');
      }
    }
  }

  #port(): MatrixPort {
    const activeLow = this.#options.activeLow ?? true;
    const closedLevel: BinaryValue = activeLow ? 0 : 1;
    return {
      driveRow: (row, active) => {
        this.#rows[row]?.setDirection(active ? (activeLow ? 'low' : 'high') : 'in');
      },
      readColumns: () => this.#columns.map((pin) => pin.readSync() === closedLevel),
    };
  }

  /** Exports every pin, rows as inputs until selected; on failure releases those exported. */
  #claim(): void {
    try {
      for (const pin of this.#options.rowPins) this.#rows.push(new this.#gpio(pin, 'in'));
      for (const pin of this.#options.columnPins) this.#columns.push(new this.#gpio(pin, 'in'));
    } catch (error) {
      this.#release();
      throw error;
    }
  }

  #release(): void {
    for (const pin of [...this.#rows, ...this.#columns]) {
      try {
        pin.unexport();
      } catch (error) {
        this.#logger?.debug({ err: error }, 'keypad GPIO unexport failed');
      }
    }
    this.#rows = [];
    this.#columns = [];
  }

  #failed(error: unknown): void {
    this.#release();
    if (!this.#open) return;
    this.#recovering = true;
    this.#logger?.warn({ err: error }, 'keypad GPIO failed (KEYPAD_UNAVAILABLE), retrying');
    this.#events.status(false);
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    this.#retry = this.#clock.setTimeout(() => {
      this.#retry = undefined;
      if (!this.#open) return;
      try {
        this.#claim();
      } catch (error) {
        this.#logger?.debug({ err: error }, 'keypad GPIO still unavailable');
        this.#scheduleRetry();
        return;
      }
      // Available again once a scan reads the matrix (`ready`); a fault starts over.
      this.#scanner.start();
    }, this.#backoff.next());
  }

  #available(): void {
    this.#recovering = false;
    this.#backoff.reset();
    this.#logger?.info('keypad GPIO available again');
    this.#events.status(true);
  }
}

function validatePins(options: GpioMatrixKeypadOptions): void {
  const columns = validateKeyMatrix(options.keyMap);
  const invalid = (reason: string): PosError =>
    new PosError('CONFIG_INVALID', `keypad pins: ${reason}`, {
      details: { field: 'rowPins/columnPins' },
    });
  if (options.rowPins.length !== options.keyMap.length) {
    throw invalid(`${options.keyMap.length} rows need as many row pins`);
  }
  if (options.columnPins.length !== columns) throw invalid(`${columns} columns need as many pins`);
  const all = [...options.rowPins, ...options.columnPins];
  if (all.some((pin) => !Number.isInteger(pin) || pin < 0)) {
    throw invalid('a pin is not a GPIO number');
  }
  if (new Set(all).size !== all.length) throw invalid('a pin is used twice');
}
