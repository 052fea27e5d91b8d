import epoll from 'epoll';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { systemClock, type Clock, type TimerHandle } from '../../../src/core/clock.js';
import { Backoff, type BackoffOptions } from '../../backoff.js';
import {
  InputEventDecoder,
  inputEventSizeFor,
  keyPressed,
  keycodeMap,
  type InputEventSize,
  type KeycodeOverrides,
} from '../evdev.js';
import type { Key, Keypad } from '../Keypad.js';
import { KeypadEvents, type KeypadLogger } from '../KeypadEvents.js';

const { Epoll } = epoll;

export interface EvdevKeypadOptions {
  /** The input device, `/dev/input/eventN` (better a stable udev link: /dev/input/by-id/…). */
  readonly path: string;
  /** `input_event` size; default from the process's word size (24 on 64-bit, 16 on 32-bit). */
  readonly recordSize?: InputEventSize;
  /** Key code overrides on top of the default map (see evdev.ts). */
  readonly keycodes?: KeycodeOverrides;
  /** Retry delays while the device is absent; default 250 ms doubling to 5 s. */
  readonly backoff?: BackoffOptions;
  readonly clock?: Clock;
  readonly logger?: KeypadLogger;
}

/** A device that opens and ends at once this many times in a row counts as unavailable. */
const MAX_EMPTY_CONNECTIONS = 3;

/**
 * The keypad as a Linux input device: the kernel's gpio-matrix-keypad driver (which scans and
 * debounces itself) or a USB keypad, both at /dev/input/eventN.
 *
 * The device is opened non-blocking and watched with epoll, so nothing waits in Node's thread
 * pool and {@link close} releases it at once. When the device goes away (unplugged: the read
 * fails or ends) the keypad reopens it at once and, if that fails, reports
 * `onStatus(false)` and retries with backoff until it is back (`onStatus(true)`). A missing
 * device at {@link open} is the same: open resolves and retries. A FIFO works as a device:
 * when its writer closes, the keypad reopens it and keeps reading (used by the tests).
 *
 * Limitation: the device is not grabbed (EVIOCGRAB needs an ioctl Node does not offer), so a
 * USB keypad also types into the Linux console.
 */
export class EvdevKeypad implements Keypad {
  readonly #path: string;
  readonly #clock: Clock;
  readonly #logger: KeypadLogger | undefined;
  readonly #keys: ReadonlyMap<number, Key>;
  readonly #decoder: InputEventDecoder;
  readonly #backoff: Backoff;
  readonly #events: KeypadEvents;
  readonly #buffer: Buffer;
  #open = false;
  #fd: number | undefined;
  /**
   * One for the keypad's life, never closed: epoll 4's close() frees the callback that may be
   * running (close() can be called from a key listener). Without file descriptors it neither
   * holds the process open nor escapes garbage collection.
   */
  #watcher: InstanceType<typeof Epoll> | undefined;
  #retry: TimerHandle;
  #readSinceConnect = false;
  #emptyConnections = 0;

  constructor(options: EvdevKeypadOptions) {
    this.#path = options.path;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#keys = keycodeMap(options.keycodes);
    this.#decoder = new InputEventDecoder(options.recordSize ?? inputEventSizeFor(process.arch));
    this.#backoff = new Backoff(options.backoff);
    this.#events = new KeypadEvents(options.logger);
    this.#buffer = Buffer.alloc(this.#decoder.recordSize * 64);
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Whether the device is open and being read now. */
  get isConnected(): boolean {
    return this.#fd !== undefined;
  }

  open(): Promise<void> {
    if (this.#open) return Promise.resolve();
    this.#open = true;
    this.#events.resetStatus();
    this.#backoff.reset();
    this.#emptyConnections = 0;
    if (!this.#connect()) this.#unavailable();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#open = false;
    if (this.#retry !== undefined) this.#clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#disconnect();
    return Promise.resolve();
  }

  onKey(listener: (key: Key) => void): () => void {
    return this.#events.onKey(listener);
  }

  onStatus(listener: (available: boolean) => void): () => void {
    return this.#events.onStatus(listener);
  }

  /** Opens the device and starts watching it; false (logged) when it cannot. */
  #connect(): boolean {
    let fd: number;
    try {
      fd = openSync(this.#path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      this.#logger?.debug({ err: error, path: this.#path }, 'keypad device cannot be opened');
      return false;
    }
    try {
      this.#watcher ??= new Epoll((error, ready) => {
        if (ready !== this.#fd) return;
        if (error) this.#lost(error);
        else this.#drain();
      });
      this.#watcher.add(fd, Epoll.EPOLLIN);
    } catch (error) {
      closeSync(fd);
      this.#logger?.warn({ err: error, path: this.#path }, 'keypad device cannot be watched');
      return false;
    }
    this.#fd = fd;
    this.#readSinceConnect = false;
    this.#decoder.reset();
    return true;
  }

  #disconnect(): void {
    const fd = this.#fd;
    if (fd === undefined) return;
    this.#fd = undefined;
    try {
      this.#watcher?.remove(fd);
    } catch (error) {
      this.#logger?.debug({ err: error }, 'keypad epoll remove failed');
    }
    try {
      closeSync(fd);
    } catch (error) {
      this.#logger?.debug({ err: error }, 'keypad device close failed');
    }
  }

  /** Reads all that is waiting; the end of the file or an error means the device is gone. */
  #drain(): void {
    for (;;) {
      const fd = this.#fd;
      if (fd === undefined) return;
      let count: number;
      try {
        count = readSync(fd, this.#buffer, 0, this.#buffer.length, null);
      } catch (error) {
        // All read. (A stale wake-up for a file descriptor since closed ends here as well.)
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return;
        this.#lost(error);
        return;
      }
      if (count === 0) {
        this.#lost('end of file');
        return;
      }
      this.#readSinceConnect = true;
      this.#emptyConnections = 0;
      for (const event of this.#decoder.push(this.#buffer.subarray(0, count))) {
        const key = keyPressed(event, this.#keys);
        if (key !== undefined) this.#events.key(key);
        if (this.#fd !== fd) return;
      }
    }
  }

  /** The device went away: reopen it at once, or report it unavailable and retry later. */
  #lost(reason: unknown): void {
    this.#disconnect();
    if (!this.#open) return;
    if (!this.#readSinceConnect) this.#emptyConnections++;
    this.#logger?.info({ reason, path: this.#path }, 'keypad device lost, reopening');
    if (this.#emptyConnections < MAX_EMPTY_CONNECTIONS && this.#connect()) return;
    this.#unavailable();
  }

  #unavailable(): void {
    if (this.#events.available) {
      this.#logger?.warn({ path: this.#path }, 'keypad unavailable (KEYPAD_UNAVAILABLE)');
    }
    this.#events.status(false);
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#retry !== undefined) return;
    this.#retry = this.#clock.setTimeout(() => {
      this.#retry = undefined;
      if (!this.#open) return;
      if (!this.#connect()) {
        this.#scheduleRetry();
        return;
      }
      this.#backoff.reset();
      this.#emptyConnections = 0;
      this.#logger?.info({ path: this.#path }, 'keypad available again');
      this.#events.status(true);
    }, this.#backoff.next());
  }
}
