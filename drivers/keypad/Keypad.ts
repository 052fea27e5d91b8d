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
 * Emits one event per press, after debouncing; auto-repeat is not reported. Listeners run
 * synchronously in registration order and must not throw. A device failure is reported as a
 * `KEYPAD_UNAVAILABLE` status, and the keypad reconnects by itself.
 */
export interface Keypad {
  open(): Promise<void>;
  close(): Promise<void>;
  /** Called for each key pressed. Returns a function that unsubscribes. */
  onKey(listener: (key: Key) => void): () => void;
}
