import type { Logger } from '../../src/core/logger.js';
import type { Key } from './Keypad.js';

/** The log calls the keypads make (a pino logger from src/core/logger.ts fits). */
export type KeypadLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * The listener lists of a {@link Keypad} implementation: keys, and availability reported only
 * on change. A listener that throws breaks the contract; the error is logged and the other
 * listeners still run, so a bug elsewhere cannot stop the device reader.
 */
export class KeypadEvents {
  readonly #logger: KeypadLogger | undefined;
  #keyListeners: { readonly listener: (key: Key) => void }[] = [];
  #statusListeners: { readonly listener: (available: boolean) => void }[] = [];
  #available = true;

  constructor(logger?: KeypadLogger) {
    this.#logger = logger;
  }

  get available(): boolean {
    return this.#available;
  }

  onKey(listener: (key: Key) => void): () => void {
    const entry = { listener };
    this.#keyListeners.push(entry);
    return () => {
      this.#keyListeners = this.#keyListeners.filter((other) => other !== entry);
    };
  }

  onStatus(listener: (available: boolean) => void): () => void {
    const entry = { listener };
    this.#statusListeners.push(entry);
    return () => {
      this.#statusListeners = this.#statusListeners.filter((other) => other !== entry);
    };
  }

  key(key: Key): void {
    for (const { listener } of [...this.#keyListeners]) this.#call(() => listener(key));
  }

  /** Reports `available` if it differs from the last value reported. */
  status(available: boolean): void {
    if (available === this.#available) return;
    this.#available = available;
    for (const { listener } of [...this.#statusListeners]) this.#call(() => listener(available));
  }

  /** Takes the device as available again without telling anyone (on open). */
  resetStatus(): void {
    this.#available = true;
  }

  #call(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#logger?.error({ err: error }, 'keypad listener threw');
    }
  }
}
