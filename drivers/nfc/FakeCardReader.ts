import { systemClock, type Clock, type TimerHandle } from '../../src/core/clock.js';
import { PosError } from '../../src/core/PosError.js';
import type { CardReader, PhoneAccount, PresentedCard } from './CardReader.js';

/** The ATR nfc-pcsc reads as ISO 14443-4, the answer a phone's card emulation gives. */
export const PHONE_ATR: Readonly<Uint8Array> = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01);

/** What a test taps on the fake reader. */
export interface FakeCard {
  /** Upper-case hex UID of 4, 7 or 10 bytes. */
  readonly uid: string;
  /**
   * The token the applet returns (default `fake-token-<uid>`). A reply that is not an account
   * token (16–128 base64url characters) makes the read fail with `CARD_NOT_SUPPORTED`.
   */
  readonly token?: string;
  /** The answer to reset (default {@link PHONE_ATR}). */
  readonly atr?: Uint8Array;
  /** False for a card without the ComboPay applet (a transit card, a bank card). */
  readonly applet?: boolean;
}

/** The codes {@link FakeCardReader.failNextRead} can inject. */
export type CardReadFault = 'CARD_REMOVED' | 'CARD_UNREADABLE' | 'CARD_NOT_SUPPORTED';

export interface FakeCardReaderOptions {
  /** Runs the read delay (default the system clock). */
  readonly clock?: Clock;
}

const UID = /^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$/;
const ACCOUNT_TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

const FAULT_MESSAGES: Readonly<Record<CardReadFault, string>> = {
  CARD_REMOVED: 'the card left the field during the exchange',
  CARD_UNREADABLE: 'the exchange with the card failed',
  CARD_NOT_SUPPORTED: 'the card has no ComboPay applet',
};

interface CardInField {
  readonly presented: PresentedCard;
  readonly applet: boolean;
  readonly token: string;
}

interface PendingRead {
  timer?: TimerHandle;
  /** Settles the read now with `error`; false when it was already settled. */
  readonly interrupt: (error: PosError) => boolean;
}

/**
 * A simulated NFC reader that keeps the {@link CardReader} contract, driven by test hooks:
 * {@link tap} and {@link pull} move a card in and out of the field, {@link unplug} and
 * {@link plug} take the reader away and back, {@link failNextRead} and {@link setReadDelay}
 * inject faults and timing.
 *
 * The field and the plug are physical: they change while the reader is closed too, but events
 * are emitted only while it is open. Opening the reader reports a card already in the field
 * (PC/SC does the same at connect). One card at a time: tapping a card while another is in the
 * field first takes the other away. A read completes after the read delay on the injected clock
 * (at once, on a microtask, when the delay is 0); a card pulled, a reader unplugged or closed
 * before then ends it with `CARD_REMOVED` or `READER_UNAVAILABLE`. The reader recognises a card
 * by its UID, so a {@link PresentedCard} restored from a snapshot still reads.
 */
export class FakeCardReader implements CardReader {
  readonly #clock: Clock;
  readonly #cardListeners = new Listeners<PresentedCard>();
  readonly #removedListeners = new Listeners<string>();
  readonly #statusListeners = new Listeners<boolean>();
  readonly #pending = new Set<PendingRead>();
  #open = false;
  #plugged = true;
  #card: CardInField | undefined;
  #nextFault: CardReadFault | undefined;
  #readDelayMs = 0;
  #readCount = 0;

  constructor(options: FakeCardReaderOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** Number of {@link readAccount} calls, failed ones included. */
  get readCount(): number {
    return this.#readCount;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(): Promise<void> {
    if (!this.#open) {
      this.#open = true;
      if (this.#card) this.#cardListeners.emit(this.#card.presented);
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.#open) {
      this.#open = false;
      this.#interruptAll(() => unavailable('the reader was closed'));
    }
    return Promise.resolve();
  }

  onCard(listener: (card: PresentedCard) => void): () => void {
    return this.#cardListeners.add(listener);
  }

  onCardRemoved(listener: (uid: string) => void): () => void {
    return this.#removedListeners.add(listener);
  }

  get available(): boolean {
    return this.#open && this.#plugged;
  }

  onStatus(listener: (available: boolean) => void): () => void {
    return this.#statusListeners.add(listener);
  }

  readAccount(card: PresentedCard): Promise<PhoneAccount> {
    this.#readCount += 1;
    if (!this.#open) return Promise.reject(unavailable('the reader is not open'));
    if (!this.#plugged) return Promise.reject(unavailable('no reader is connected'));
    const inField = this.#card;
    if (inField?.presented.uid !== card.uid) {
      return Promise.reject(cardError('CARD_REMOVED', card.uid, 'the card is not in the field'));
    }
    const fault = this.#nextFault;
    this.#nextFault = undefined;
    return new Promise<PhoneAccount>((resolve, reject) => {
      const pending: PendingRead = {
        interrupt: (error) => {
          if (!this.#pending.delete(pending)) return false;
          if (pending.timer !== undefined) this.#clock.clearTimeout(pending.timer);
          reject(error);
          return true;
        },
      };
      const complete = (): void => {
        if (!this.#pending.delete(pending)) return;
        const outcome = exchange(inField, fault);
        if (outcome instanceof PosError) reject(outcome);
        else resolve(outcome);
      };
      this.#pending.add(pending);
      if (this.#readDelayMs > 0)
        pending.timer = this.#clock.setTimeout(complete, this.#readDelayMs);
      else queueMicrotask(complete);
    });
  }

  /**
   * Test hook: a card enters the field; `onCard` reports it while the reader is open. Ignored
   * (the card is returned but never seen) while the reader is unplugged.
   *
   * @throws TypeError when the UID is not upper-case hex of 4, 7 or 10 bytes
   */
  tap(card: FakeCard): PresentedCard {
    if (typeof card.uid !== 'string' || !UID.test(card.uid)) {
      throw new TypeError(`a card UID is upper-case hex of 4, 7 or 10 bytes, not ${card.uid}`);
    }
    const presented: PresentedCard = Object.freeze({
      uid: card.uid,
      atr: Uint8Array.from(card.atr ?? PHONE_ATR),
    });
    if (!this.#plugged) return presented;
    this.pull();
    this.#card = {
      presented,
      applet: card.applet ?? true,
      token: card.token ?? `fake-token-${card.uid}`,
    };
    if (this.#open) this.#cardListeners.emit(presented);
    return presented;
  }

  /** Test hook: the card leaves the field; a read in progress fails with `CARD_REMOVED`. */
  pull(): void {
    const card = this.#card;
    if (!card) return;
    this.#card = undefined;
    const { uid } = card.presented;
    this.#interruptAll(() => cardError('CARD_REMOVED', uid, FAULT_MESSAGES.CARD_REMOVED));
    if (this.#open) this.#removedListeners.emit(uid);
  }

  /** Test hook: the next read that finds its card in the field fails with `code`. */
  failNextRead(code: CardReadFault): void {
    this.#nextFault = code;
  }

  /** Test hook: how long a read takes, in milliseconds on the injected clock (default 0). */
  setReadDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a read delay of ${ms} ms`);
    this.#readDelayMs = ms;
  }

  /**
   * Test hook: the reader disappears (USB pulled, pcscd stopped). Reads in progress fail with
   * `READER_UNAVAILABLE`; a card in the field is reported removed, then `onStatus(false)`.
   */
  unplug(): void {
    if (!this.#plugged) return;
    this.#plugged = false;
    this.#interruptAll(() => unavailable('the reader was disconnected'));
    const card = this.#card;
    this.#card = undefined;
    if (!this.#open) return;
    if (card) this.#removedListeners.emit(card.presented.uid);
    this.#statusListeners.emit(false);
  }

  /** Test hook: the reader is back; `onStatus(true)`. */
  plug(): void {
    if (this.#plugged) return;
    this.#plugged = true;
    if (this.#open) this.#statusListeners.emit(true);
  }

  #interruptAll(error: () => PosError): void {
    for (const pending of [...this.#pending]) pending.interrupt(error());
  }
}

/** What the applet of `card` answers to SELECT and READ, or the fault injected. */
function exchange(card: CardInField, fault: CardReadFault | undefined): PhoneAccount | PosError {
  const { uid } = card.presented;
  if (fault) return cardError(fault, uid, FAULT_MESSAGES[fault]);
  if (!card.applet) return cardError('CARD_NOT_SUPPORTED', uid, FAULT_MESSAGES.CARD_NOT_SUPPORTED);
  if (!ACCOUNT_TOKEN.test(card.token)) {
    return cardError('CARD_NOT_SUPPORTED', uid, 'the applet did not return an account token');
  }
  return Object.freeze({ uid, token: card.token });
}

function cardError(code: CardReadFault, uid: string, message: string): PosError {
  return new PosError(code, message, { details: { uid } });
}

function unavailable(message: string): PosError {
  return new PosError('READER_UNAVAILABLE', message);
}

/** Listeners called synchronously in registration order; each registration removed once. */
class Listeners<T> {
  #entries: { readonly listener: (value: T) => void }[] = [];

  add(listener: (value: T) => void): () => void {
    const entry = { listener };
    this.#entries.push(entry);
    return () => {
      this.#entries = this.#entries.filter((other) => other !== entry);
    };
  }

  emit(value: T): void {
    for (const { listener } of [...this.#entries]) listener(value);
  }
}
