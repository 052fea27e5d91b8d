import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_KEYCODE_MAP,
  EV_KEY,
  EV_SYN,
  KEY_PRESS,
  KEY_RELEASE,
  encodeInputEvent,
  type InputEvent,
  type InputEventSize,
} from './evdev.js';
import type { Key } from './Keypad.js';

/**
 * A stand-in for /dev/input/eventN: a named pipe that tests (and the simulator) write kernel
 * `input_event` records into, for EvdevKeypad to read. {@link unplug} removes it the way a
 * USB keypad's device node goes away; {@link plug} brings it back.
 *
 * Each write opens the pipe, writes and closes it again, so every write ends with the reader
 * seeing the writer go (a hang-up), which EvdevKeypad must survive by reopening. A write with
 * no reader (keypad closed, device unplugged) is lost, as a key pressed on a keypad nobody
 * reads. Linux only (mkfifo).
 */
export class FifoInputDevice {
  readonly path: string;
  readonly recordSize: InputEventSize;
  #seconds = 1_767_225_600;
  #plugged = false;

  constructor(path: string, recordSize: InputEventSize) {
    this.path = path;
    this.recordSize = recordSize;
  }

  get plugged(): boolean {
    return this.#plugged;
  }

  /** Creates the pipe. */
  plug(): void {
    if (this.#plugged) return;
    execFileSync('mkfifo', ['-m', '600', this.path]);
    this.#plugged = true;
  }

  /** Removes the pipe; a reader that has it open sees a hang-up. */
  unplug(): void {
    if (!this.#plugged) return;
    const writer = this.#openWriter();
    unlinkSync(this.path);
    this.#plugged = false;
    if (writer !== undefined) closeSync(writer);
  }

  /** Presses and releases each of `keys` (EV_KEY 1 then 0, each followed by SYN_REPORT). */
  press(...keys: Key[]): boolean {
    const events = keys.flatMap((key) => [
      this.#event(EV_KEY, keycodeOf(key), KEY_PRESS),
      this.#event(EV_SYN, 0, 0),
      this.#event(EV_KEY, keycodeOf(key), KEY_RELEASE),
      this.#event(EV_SYN, 0, 0),
    ]);
    return this.write(
      Buffer.concat(events.map((event) => encodeInputEvent(event, this.recordSize))),
    );
  }

  /** Writes raw bytes in one writer session; false when nobody reads the pipe (lost). */
  write(bytes: Uint8Array): boolean {
    const writer = this.#openWriter();
    if (writer === undefined) return false;
    try {
      writeSync(writer, bytes);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') return false;
      throw error;
    } finally {
      closeSync(writer);
    }
  }

  /**
   * Writes `chunks` in one writer session, `pauseMs` apart, so that the reader may get partial
   * records; false when nobody reads.
   */
  async writeChunks(chunks: readonly Uint8Array[], pauseMs: number): Promise<boolean> {
    const writer = this.#openWriter();
    if (writer === undefined) return false;
    try {
      for (const chunk of chunks) {
        writeSync(writer, chunk);
        await sleep(pauseMs);
      }
      return true;
    } finally {
      closeSync(writer);
    }
  }

  /** The pipe opened for writing, or undefined when it is absent or nobody reads it. */
  #openWriter(): number | undefined {
    if (!this.#plugged) return undefined;
    try {
      return openSync(this.path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENXIO') return undefined;
      throw error;
    }
  }

  #event(type: number, code: number, value: number): InputEvent {
    this.#seconds++;
    return { seconds: this.#seconds, microseconds: 0, type, code, value };
  }
}

/** The first key code the default map gives `key`. */
export function keycodeOf(key: Key): number {
  for (const [code, mapped] of DEFAULT_KEYCODE_MAP) if (mapped === key) return code;
  throw new TypeError(`no key code for ${key}`);
}
