import { PosError } from '../../src/core/PosError.js';
import { isKey, type Key } from './Keypad.js';

/**
 * Linux input events (`struct input_event`, linux/input.h), as read from /dev/input/eventN.
 *
 * A 64-bit process reads 24-byte records (`tv_sec` i64, `tv_usec` i64, `type` u16, `code`
 * u16, `value` i32); a 32-bit one reads 16-byte records (i32 seconds and microseconds), also
 * with a 64-bit `time_t`, since the kernel's layout follows the word size. Little-endian on
 * every board we target (ARM, x86).
 */
export interface InputEvent {
  readonly seconds: number;
  readonly microseconds: number;
  readonly type: number;
  readonly code: number;
  readonly value: number;
}

export type InputEventSize = 16 | 24;

export const EV_SYN = 0;
export const EV_KEY = 1;
/** EV_KEY values. */
export const KEY_RELEASE = 0;
export const KEY_PRESS = 1;
export const KEY_REPEAT = 2;

/** The record size the kernel gives a process on `arch` (a `process.arch` value). */
export function inputEventSizeFor(arch: string): InputEventSize {
  return arch.includes('64') ? 24 : 16;
}

/**
 * Splits a byte stream into input events. Records may arrive split across chunks (a FIFO, a
 * short read); the decoder keeps the incomplete tail for the next {@link push}.
 */
export class InputEventDecoder {
  readonly recordSize: InputEventSize;
  #pending: Buffer = Buffer.alloc(0);

  /** @throws PosError `CONFIG_INVALID` for a size other than 16 or 24 (from a config file) */
  constructor(recordSize: number) {
    if (recordSize !== 16 && recordSize !== 24) {
      throw new PosError('CONFIG_INVALID', `input_event size must be 16 or 24, not ${recordSize}`, {
        details: { field: 'recordSize' },
      });
    }
    this.recordSize = recordSize;
  }

  /** Bytes held back waiting for the rest of their record. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  /** The complete events in what has arrived so far, in order. */
  push(chunk: Uint8Array): InputEvent[] {
    const bytes = Buffer.concat([this.#pending, chunk]);
    const events: InputEvent[] = [];
    let offset = 0;
    for (; offset + this.recordSize <= bytes.length; offset += this.recordSize) {
      events.push(decodeInputEvent(bytes, offset, this.recordSize));
    }
    this.#pending = Buffer.from(bytes.subarray(offset));
    return events;
  }

  /** Forgets a held-back partial record (the device was reopened). */
  reset(): void {
    this.#pending = Buffer.alloc(0);
  }
}

function decodeInputEvent(bytes: Buffer, offset: number, size: InputEventSize): InputEvent {
  const long = size === 24;
  const timeBytes = long ? 16 : 8;
  return {
    seconds: long ? Number(bytes.readBigInt64LE(offset)) : bytes.readInt32LE(offset),
    microseconds: long ? Number(bytes.readBigInt64LE(offset + 8)) : bytes.readInt32LE(offset + 4),
    type: bytes.readUInt16LE(offset + timeBytes),
    code: bytes.readUInt16LE(offset + timeBytes + 2),
    value: bytes.readInt32LE(offset + timeBytes + 4),
  };
}

/** One event in the kernel's layout: for tests, recordings and simulators. */
export function encodeInputEvent(event: InputEvent, size: InputEventSize): Buffer {
  const bytes = Buffer.alloc(size);
  const long = size === 24;
  if (long) {
    bytes.writeBigInt64LE(BigInt(event.seconds), 0);
    bytes.writeBigInt64LE(BigInt(event.microseconds), 8);
  } else {
    bytes.writeInt32LE(event.seconds, 0);
    bytes.writeInt32LE(event.microseconds, 4);
  }
  const at = long ? 16 : 8;
  bytes.writeUInt16LE(event.type, at);
  bytes.writeUInt16LE(event.code, at + 2);
  bytes.writeInt32LE(event.value, at + 4);
  return bytes;
}

/** Linux key codes (linux/input-event-codes.h) the terminal knows. */
export const KEYCODES = {
  KEY_ESC: 1,
  KEY_1: 2,
  KEY_2: 3,
  KEY_3: 4,
  KEY_4: 5,
  KEY_5: 6,
  KEY_6: 7,
  KEY_7: 8,
  KEY_8: 9,
  KEY_9: 10,
  KEY_0: 11,
  KEY_BACKSPACE: 14,
  KEY_ENTER: 28,
  KEY_F1: 59,
  KEY_F2: 60,
  KEY_F3: 61,
  KEY_F4: 62,
  KEY_KP7: 71,
  KEY_KP8: 72,
  KEY_KP9: 73,
  KEY_KP4: 75,
  KEY_KP5: 76,
  KEY_KP6: 77,
  KEY_KP1: 79,
  KEY_KP2: 80,
  KEY_KP3: 81,
  KEY_KP0: 82,
  KEY_KPENTER: 96,
  KEY_DELETE: 111,
} as const;

const K = KEYCODES;

/**
 * The default key code → key map: the top-row and keypad digits, Enter (either) → OK,
 * Esc → CANCEL, Backspace → BACKSPACE, Delete → CLEAR, F1–F4. A gpio-matrix-keypad device tree
 * (`linux,keymap`) should use these codes.
 */
export const DEFAULT_KEYCODE_MAP: ReadonlyMap<number, Key> = new Map<number, Key>([
  [K.KEY_0, '0'],
  [K.KEY_1, '1'],
  [K.KEY_2, '2'],
  [K.KEY_3, '3'],
  [K.KEY_4, '4'],
  [K.KEY_5, '5'],
  [K.KEY_6, '6'],
  [K.KEY_7, '7'],
  [K.KEY_8, '8'],
  [K.KEY_9, '9'],
  [K.KEY_KP0, '0'],
  [K.KEY_KP1, '1'],
  [K.KEY_KP2, '2'],
  [K.KEY_KP3, '3'],
  [K.KEY_KP4, '4'],
  [K.KEY_KP5, '5'],
  [K.KEY_KP6, '6'],
  [K.KEY_KP7, '7'],
  [K.KEY_KP8, '8'],
  [K.KEY_KP9, '9'],
  [K.KEY_ENTER, 'OK'],
  [K.KEY_KPENTER, 'OK'],
  [K.KEY_ESC, 'CANCEL'],
  [K.KEY_BACKSPACE, 'BACKSPACE'],
  [K.KEY_DELETE, 'CLEAR'],
  [K.KEY_F1, 'F1'],
  [K.KEY_F2, 'F2'],
  [K.KEY_F3, 'F3'],
  [K.KEY_F4, 'F4'],
]);

/**
 * Key code overrides from the configuration: a code to a key, or to null to ignore a code the
 * default map knows (`{ "96": null, "83": "CLEAR" }`). Keys are decimal key codes.
 */
export type KeycodeOverrides = Readonly<Record<string, Key | null>>;

/**
 * The default map with `overrides` applied.
 *
 * @throws PosError `CONFIG_INVALID` for a code that is not an integer 0–767 (KEY_MAX) or a
 *   value that is not a key or null
 */
export function keycodeMap(overrides: KeycodeOverrides = {}): ReadonlyMap<number, Key> {
  const map = new Map(DEFAULT_KEYCODE_MAP);
  for (const [text, key] of Object.entries(overrides)) {
    const code = Number(text);
    if (!/^\d+$/u.test(text) || code > 0x2ff) {
      throw new PosError('CONFIG_INVALID', `keypad key code ${JSON.stringify(text)} is invalid`, {
        details: { field: 'keycodes' },
      });
    }
    if (key === null) {
      map.delete(code);
    } else if (isKey(key)) {
      map.set(code, key);
    } else {
      throw new PosError('CONFIG_INVALID', `keypad key code ${text}: not a key`, {
        details: { field: 'keycodes' },
      });
    }
  }
  return map;
}

/** The key `event` presses, or undefined (a release, an auto-repeat, another event or code). */
export function keyPressed(event: InputEvent, map: ReadonlyMap<number, Key>): Key | undefined {
  if (event.type !== EV_KEY || event.value !== KEY_PRESS) return undefined;
  return map.get(event.code);
}
