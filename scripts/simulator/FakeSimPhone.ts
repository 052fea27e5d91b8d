import type { FakeCardReader } from '../../drivers/nfc/FakeCardReader.js';
import type { SimPhone, SimPhoneChange } from './SimPhone.js';

/**
 * The phone on the fake reader: a tap is `FakeCardReader.tap`, which keeps the card in the
 * field until `pull` (tapping again takes it away first, then presents it anew).
 */
export class FakeSimPhone implements SimPhone {
  readonly #reader: FakeCardReader;
  readonly #card: { readonly uid: string; readonly token: string };
  readonly #listeners = new Set<(change: SimPhoneChange) => void>();
  #onReader = false;
  #closed = false;

  constructor(reader: FakeCardReader, card: { readonly uid: string; readonly token: string }) {
    this.#reader = reader;
    this.#card = { uid: card.uid, token: card.token };
  }

  get onReader(): boolean {
    return this.#onReader;
  }

  tap(): void {
    if (this.#closed) return;
    this.#reader.tap(this.#card);
    this.#set(true);
  }

  pull(): void {
    if (this.#closed || !this.#onReader) return;
    this.#reader.pull();
    this.#set(false);
  }

  toggle(): void {
    if (this.#onReader) this.pull();
    else this.tap();
  }

  onChange(listener: (change: SimPhoneChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.pull();
    this.#closed = true;
    this.#listeners.clear();
  }

  #set(onReader: boolean): void {
    this.#onReader = onReader;
    for (const listener of [...this.#listeners]) listener({ onReader });
  }
}
