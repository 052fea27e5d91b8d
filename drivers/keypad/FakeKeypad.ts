import { isKey, type Key, type Keypad } from './Keypad.js';

/**
 * A simulated keypad that keeps the {@link Keypad} contract, driven by test hooks:
 * {@link press} and {@link type} press keys, {@link disconnect} and {@link reconnect} take the
 * device away and back.
 *
 * A press reaches the listeners only while the keypad is open and connected; otherwise it is
 * lost, as a key pressed on a keypad nobody reads. Listeners run synchronously in registration
 * order, one call per key, in the order pressed.
 *
 * It reports its connection through {@link onStatus} (false on disconnect, true on reconnect),
 * the `KEYPAD_UNAVAILABLE` status of the contract; opened while disconnected, it reports false
 * at once, as a real keypad whose device is absent does.
 */
export class FakeKeypad implements Keypad {
  #keyListeners: { readonly listener: (key: Key) => void }[] = [];
  #statusListeners: { readonly listener: (available: boolean) => void }[] = [];
  #open = false;
  #connected = true;

  get isOpen(): boolean {
    return this.#open;
  }

  get isConnected(): boolean {
    return this.#connected;
  }

  open(): Promise<void> {
    if (this.#open) return Promise.resolve();
    this.#open = true;
    if (!this.#connected) this.#emitStatus(false);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#open = false;
    return Promise.resolve();
  }

  onKey(listener: (key: Key) => void): () => void {
    const entry = { listener };
    this.#keyListeners.push(entry);
    return () => {
      this.#keyListeners = this.#keyListeners.filter((other) => other !== entry);
    };
  }

  /** Called with false when the keypad is disconnected and true when it is back. */
  onStatus(listener: (available: boolean) => void): () => void {
    const entry = { listener };
    this.#statusListeners.push(entry);
    return () => {
      this.#statusListeners = this.#statusListeners.filter((other) => other !== entry);
    };
  }

  /**
   * Test hook: presses `keys` one after the other.
   *
   * @throws TypeError when one is not a {@link Key}; then none is pressed
   */
  press(...keys: Key[]): void {
    for (const key of keys) {
      if (!isKey(key)) throw new TypeError(`not a key: ${JSON.stringify(key)}`);
    }
    for (const key of keys) {
      if (!this.#open || !this.#connected) continue;
      for (const { listener } of [...this.#keyListeners]) listener(key);
    }
  }

  /**
   * Test hook: types `text`, each digit its key and `{NAME}` the key named (`{OK}`, `{CANCEL}`,
   * `{CLEAR}`, `{BACKSPACE}`, `{F1}`…`{F4}`): `type('123456{OK}')`.
   *
   * @throws TypeError on anything else (a letter, a space, an unknown name); then nothing is
   *   pressed
   */
  type(text: string): void {
    this.press(...parseKeys(text));
  }

  /** Test hook: the device is gone; presses are lost until {@link reconnect}. */
  disconnect(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#emitStatus(false);
  }

  /** Test hook: the device is back. */
  reconnect(): void {
    if (this.#connected) return;
    this.#connected = true;
    this.#emitStatus(true);
  }

  #emitStatus(available: boolean): void {
    if (!this.#open) return;
    for (const { listener } of [...this.#statusListeners]) listener(available);
  }
}

/** The keys `text` names, in order (see {@link FakeKeypad.type}). */
export function parseKeys(text: string): Key[] {
  const keys: Key[] = [];
  for (const [token, name] of text.matchAll(/\{([^{}]*)\}|[^]/gu)) {
    const key = name ?? token;
    if (!isKey(key)) {
      throw new TypeError(`cannot type ${JSON.stringify(token)}`);
    }
    keys.push(key);
  }
  return keys;
}
