/** The keys of the terminal's keypad, whatever the hardware. */
export const KEYS = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  'OK',
  'CANCEL',
  'CLEAR',
  'BACKSPACE',
  'F1',
  'F2',
  'F3',
  'F4',
] as const;

export type Key = (typeof KEYS)[number];

export type DigitKey = Extract<Key, '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9'>;

export function isKey(value: unknown): value is Key {
  return typeof value === 'string' && (KEYS as readonly string[]).includes(value);
}

export function isDigitKey(key: Key): key is DigitKey {
  return key.length === 1;
}

/**
 * The keypad (a GPIO matrix or an evdev device on the board, the PC keyboard in the
 * simulator, a fake in tests).
 *
 * Keys: emits one event per press, after debouncing; auto-repeat and releases are not
 * reported. A press that happens while the keypad is closed or its device is unavailable is
 * lost, never delivered later. Listeners run synchronously in registration order and must not
 * throw.
 *
 * Lifecycle: {@link open} starts reading (opening twice is harmless); {@link close} releases
 * the device, cancels any reconnection and stops all events, key and status (closing twice is
 * harmless). A closed keypad can be opened again.
 *
 * Errors and status:
 * - A configuration that is wrong in itself (a ragged key map, a pin used twice, an unknown
 *   key) is refused when the keypad is made, with a `PosError` `CONFIG_INVALID`.
 * - {@link open} rejects with a `PosError` `KEYPAD_UNAVAILABLE` only when the keypad can never
 *   work on this machine as configured (no GPIO access, pins that cannot be claimed). It does
 *   not reject because the device is absent for now (a USB keypad unplugged): that is a
 *   status.
 * - A device that is absent or fails while open is the `KEYPAD_UNAVAILABLE` status:
 *   {@link onStatus} listeners get `false`; the keypad retries by itself with backoff and, once
 *   the device is back, listeners get `true`. The status is taken as available when
 *   {@link open} resolves (a keypad that cannot reach its device then has already reported
 *   `false`, or does so soon after); listeners hear only changes, never the same value twice in
 *   a row, and only while open.
 * - Nothing a device does (unplugged, read errors, garbage) throws into the caller or crashes
 *   the process.
 */
export interface Keypad {
  open(): Promise<void>;
  close(): Promise<void>;
  /** Called for each key pressed. Returns a function that unsubscribes. */
  onKey(listener: (key: Key) => void): () => void;
  /**
   * Called with `false` when the device becomes unavailable (`KEYPAD_UNAVAILABLE`) and `true`
   * when it is back. Returns a function that unsubscribes.
   */
  onStatus(listener: (available: boolean) => void): () => void;
}
