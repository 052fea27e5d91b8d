import { Backoff } from '../../backoff.js';
import net from 'node:net';
import { NFC, type NfcCard, type Reader } from 'nfc-pcsc';
import { systemClock, type Clock, type TimerHandle } from '../../../src/core/clock.js';
import type { Logger } from '../../../src/core/logger.js';
import { PosError } from '../../../src/core/PosError.js';
import type { CardReader, PhoneAccount, PresentedCard } from '../CardReader.js';
import { Listeners } from '../../Listeners.js';
import {
  GET_UID,
  SW,
  exchangeApdu,
  parseUid,
  readPhoneAccount,
  type Transmit,
} from '../phoneApplet.js';

/** The logger calls the driver makes; a pino logger fits. */
export type ReaderLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** The part of nfc-pcsc's `NFC` the driver uses (tests pass their own). */
export interface NfcContext {
  on(event: 'reader', listener: (reader: Reader) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
}

export interface PcscCardReaderOptions {
  /** Which PC/SC reader to use: its exact name or a pattern; default the first one seen. */
  readonly readerName?: string | RegExp;
  readonly logger?: ReaderLog;
  /** Runs the backoff, exchange timeout and removal grace (default the system clock). */
  readonly clock?: Clock;
  /** First wait before reconnecting to pcscd, in ms (default 250); doubles on each failure. */
  readonly reconnectInitialMs?: number;
  /** Longest wait between reconnection attempts, in ms (default 5000). */
  readonly reconnectMaxMs?: number;
  /** Time allowed for SELECT + READ ACCOUNT, in ms (default 3000): then `CARD_UNREADABLE`. */
  readonly exchangeTimeoutMs?: number;
  /**
   * After a failed exchange, how long to wait for PC/SC to report the card gone before calling
   * the failure `CARD_UNREADABLE` rather than `CARD_REMOVED`, in ms (default 1500). A card pulled
   * mid-exchange shows first as a transmit error or an empty reply; pcscd notices the card has
   * left only at its next presence poll (about 400 ms with vpcd).
   */
  readonly removalGraceMs?: number;
  /** Makes the PC/SC context (default nfc-pcsc's `NFC`). */
  readonly createNfc?: () => NfcContext;
  /**
   * Whether pcscd answers now (default: its socket accepts a connection). nfc-pcsc's context
   * blocks the whole process in a retry loop while the service is down, so the driver asks
   * first.
   */
  readonly serviceAvailable?: () => Promise<boolean>;
}

/** pcscd's socket (pcsc-lite's PCSCLITE_CSOCK_NAME, which its client library also reads). */
export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
}

/** True when pcscd's socket accepts a connection within `timeoutMs`. */
export function pcscdAnswers(path = pcscdSocketPath(), timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/** A card in the field of the active reader, once its UID is known. */
interface CardSession {
  readonly presented: PresentedCard;
  readonly reader: Reader;
  /** Why the card is no longer usable, once it is not. */
  gone: PosError | undefined;
  readonly goneWaiters: Set<(error: PosError) => void>;
}

const NO_LOG: ReaderLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * The {@link CardReader} on PC/SC through nfc-pcsc, with `autoProcessing = false`: the driver
 * sends GET UID (`FF CA 00 00 00`) when a card arrives, and SELECT + READ ACCOUNT
 * (docs/phone-applet.md) when asked to read.
 *
 * It survives what happens to a terminal in the field: a reader unplugged (`onStatus(false)`,
 * then `onStatus(true)` when plugged back, the PC/SC service reporting it), and pcscd stopping
 * or restarting (the context is dropped, then rebuilt with a backoff of 250 ms doubling to 5 s
 * while pcscd does not answer). Every nfc-pcsc and pcsclite `error` event is caught and logged:
 * nothing here throws into the event loop.
 *
 * Not handled: a card whose shared connect fails is not reported at all (nfc-pcsc swallows
 * the error), and a card that does not answer GET UID with 4, 7 or 10 bytes is ignored (logged).
 */
export class PcscCardReader implements CardReader {
  readonly #log: ReaderLog;
  readonly #clock: Clock;
  readonly #readerName: string | RegExp | undefined;
  readonly #backoff: Backoff;
  readonly #exchangeTimeoutMs: number;
  readonly #removalGraceMs: number;
  readonly #createNfc: () => NfcContext;
  readonly #serviceAvailable: () => Promise<boolean>;
  readonly #cardListeners: Listeners<PresentedCard>;
  readonly #removedListeners: Listeners<string>;
  readonly #statusListeners: Listeners<boolean>;

  #open = false;
  #nfc: NfcContext | undefined;
  /** The matching readers, the active one first. */
  #readers: Reader[] = [];
  /** Every reader of the context, matching or not: all are closed with it. */
  #allReaders: Reader[] = [];
  #available = false;
  #session: CardSession | undefined;
  /** Identifies the card whose UID is being read; replaced on each arrival and removal. */
  #arrival: object | undefined;
  /** The pending reconnection attempt, boxed: a timer handle may be any value. */
  #retry: { readonly handle: TimerHandle } | undefined;
  #connecting = false;
  #exchanges: Promise<unknown> = Promise.resolve();

  constructor(options: PcscCardReaderOptions = {}) {
    this.#log = options.logger ?? NO_LOG;
    this.#clock = options.clock ?? systemClock;
    this.#readerName = options.readerName;
    this.#backoff = new Backoff({
      initialMs: options.reconnectInitialMs ?? 250,
      maxMs: options.reconnectMaxMs ?? 5000,
    });
    this.#exchangeTimeoutMs = options.exchangeTimeoutMs ?? 3000;
    this.#removalGraceMs = options.removalGraceMs ?? 1500;
    this.#createNfc = options.createNfc ?? (() => new NFC());
    this.#serviceAvailable = options.serviceAvailable ?? (() => pcscdAnswers());
    const onListenerError = (error: unknown): void => {
      this.#log.error({ err: error }, 'an NFC listener threw');
    };
    this.#cardListeners = new Listeners(onListenerError);
    this.#removedListeners = new Listeners(onListenerError);
    this.#statusListeners = new Listeners(onListenerError);
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** True while a matching reader is connected through a live pcscd. */
  get available(): boolean {
    return this.#available;
  }

  /**
   * Starts watching PC/SC. Resolves at once: the reader, and a card already in its field, are
   * reported by events when PC/SC reports them (`onStatus(true)`, then `onCard`).
   */
  open(): Promise<void> {
    if (!this.#open) {
      this.#open = true;
      this.#backoff.reset();
      void this.#connect();
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (!this.#open) return Promise.resolve();
    this.#open = false;
    if (this.#retry) this.#clock.clearTimeout(this.#retry.handle);
    this.#retry = undefined;
    this.#endSession(new PosError('READER_UNAVAILABLE', 'the reader was closed'));
    this.#dropContext();
    this.#available = false;
    // Resolves after the deferred release of the PC/SC threads (see releaseLater).
    return new Promise((resolve) => setImmediate(resolve));
  }

  onCard(listener: (card: PresentedCard) => void): () => void {
    return this.#cardListeners.add(listener);
  }

  onCardRemoved(listener: (uid: string) => void): () => void {
    return this.#removedListeners.add(listener);
  }

  onStatus(listener: (available: boolean) => void): () => void {
    return this.#statusListeners.add(listener);
  }

  readAccount(card: PresentedCard): Promise<PhoneAccount> {
    if (!this.#open) return Promise.reject(unavailable('the reader is not open'));
    if (!this.#activeReader()) return Promise.reject(unavailable('no reader is connected'));
    const session = this.#session;
    if (session?.presented.uid !== card.uid || session.gone) {
      return Promise.reject(cardError('CARD_REMOVED', card.uid, 'the card is not in the field'));
    }
    // One exchange at a time: APDUs of two reads must not interleave on the card.
    const run = this.#exchanges.then(() => this.#read(session));
    this.#exchanges = run.catch(() => undefined);
    return run;
  }

  async #read(session: CardSession): Promise<PhoneAccount> {
    const { uid } = session.presented;
    if (session.gone) throw session.gone;
    const gone = this.#whenGone(session);
    const timeout = this.#timeout(this.#exchangeTimeoutMs);
    try {
      const outcome = await Promise.race([
        readPhoneAccount(transmitter(session.reader)),
        gone.promise,
        timeout.promise,
      ]);
      if (outcome === 'timeout') {
        throw await this.#failure(session, 'CARD_UNREADABLE', 'the card did not answer in time');
      }
      if (outcome instanceof PosError) throw outcome;
      if (outcome.ok) return Object.freeze({ uid, token: outcome.token });
      this.#log.info({ uid, reason: outcome.reason }, 'phone account not read');
      if (outcome.code === 'CARD_NOT_SUPPORTED') {
        throw cardError('CARD_NOT_SUPPORTED', uid, 'the card has no ComboPay applet');
      }
      throw await this.#failure(session, 'CARD_UNREADABLE', outcome.reason);
    } catch (error) {
      if (error instanceof PosError) throw error;
      this.#log.info({ uid, err: error }, 'exchange with the card failed');
      throw await this.#failure(session, 'CARD_UNREADABLE', 'the exchange with the card failed');
    } finally {
      gone.cancel();
      timeout.cancel();
    }
  }

  /**
   * The error for an exchange that failed: if PC/SC reports the card gone within the removal
   * grace, the card was pulled (`CARD_REMOVED`); otherwise `code`.
   */
  async #failure(
    session: CardSession,
    code: 'CARD_UNREADABLE',
    message: string,
  ): Promise<PosError> {
    if (session.gone) return session.gone;
    const gone = this.#whenGone(session);
    const grace = this.#timeout(this.#removalGraceMs);
    const first = await Promise.race([gone.promise, grace.promise]);
    gone.cancel();
    grace.cancel();
    if (first instanceof PosError) return first;
    return cardError(code, session.presented.uid, message);
  }

  #whenGone(session: CardSession): { promise: Promise<PosError>; cancel: () => void } {
    let waiter: ((error: PosError) => void) | undefined;
    const promise = new Promise<PosError>((resolve) => {
      if (session.gone) {
        resolve(session.gone);
        return;
      }
      waiter = resolve;
      session.goneWaiters.add(resolve);
    });
    return {
      promise,
      cancel: () => {
        if (waiter) session.goneWaiters.delete(waiter);
      },
    };
  }

  #timeout(ms: number): { promise: Promise<'timeout'>; cancel: () => void } {
    let handle: TimerHandle = undefined;
    const promise = new Promise<'timeout'>((resolve) => {
      handle = this.#clock.setTimeout(() => {
        resolve('timeout');
      }, ms);
    });
    return {
      promise,
      cancel: () => {
        this.#clock.clearTimeout(handle);
      },
    };
  }

  // --- PC/SC context: connect, reconnect, drop ---

  async #connect(): Promise<void> {
    if (!this.#wantsContext() || this.#connecting) return;
    this.#connecting = true;
    let answers = false;
    try {
      answers = await this.#serviceAvailable();
    } catch (error) {
      this.#log.warn({ err: error }, 'checking pcscd failed');
    } finally {
      this.#connecting = false;
    }
    // The reader may have been closed, or connected, during the check.
    if (!this.#wantsContext()) return;
    if (!answers) {
      this.#log.debug('pcscd does not answer');
      this.#retryLater();
      return;
    }
    let nfc: NfcContext;
    try {
      nfc = this.#createNfc();
    } catch (error) {
      this.#log.warn({ err: error }, 'PC/SC context failed');
      this.#retryLater();
      return;
    }
    this.#nfc = nfc;
    nfc.on('reader', (reader) => {
      this.#onReader(nfc, reader);
    });
    nfc.on('error', (error) => {
      this.#onContextError(nfc, error);
    });
  }

  #wantsContext(): boolean {
    return this.#open && this.#nfc === undefined;
  }

  #retryLater(): void {
    if (!this.#open || this.#retry) return;
    const delay = this.#backoff.next();
    const handle = this.#clock.setTimeout(() => {
      this.#retry = undefined;
      void this.#connect();
    }, delay);
    this.#retry = { handle };
  }

  /** The monitoring thread of the context stopped: pcscd died or restarted. */
  #onContextError(nfc: NfcContext, error: Error): void {
    if (nfc !== this.#nfc) return;
    this.#log.warn({ err: error }, 'PC/SC service lost; reconnecting');
    this.#endSession(unavailable('the PC/SC service stopped'));
    this.#dropContext();
    this.#setAvailable(false);
    this.#retryLater();
  }

  #dropContext(): void {
    const nfc = this.#nfc;
    const readers = this.#allReaders;
    this.#nfc = undefined;
    this.#readers = [];
    this.#allReaders = [];
    this.#arrival = undefined;
    releaseLater(readers, nfc);
  }

  // --- readers ---

  #matches(name: string): boolean {
    const wanted = this.#readerName;
    if (wanted === undefined) return true;
    return typeof wanted === 'string' ? name === wanted : wanted.test(name);
  }

  #activeReader(): Reader | undefined {
    return this.#readers[0];
  }

  #onReader(nfc: NfcContext, reader: Reader): void {
    // An 'error' without a listener would throw: keep one on every reader, for good.
    reader.on('error', (error: Error) => {
      this.#log.debug({ err: error, reader: reader.name }, 'PC/SC reader error');
    });
    if (nfc !== this.#nfc) {
      releaseLater([reader], undefined);
      return;
    }
    this.#allReaders.push(reader);
    reader.on('end', () => {
      this.#onReaderGone(nfc, reader);
    });
    if (!this.#matches(reader.name)) return;
    reader.autoProcessing = false;
    this.#readers.push(reader);
    reader.on('card', (card: NfcCard) => {
      void this.#onCardArrived(reader, card);
    });
    reader.on('card.off', () => {
      this.#onCardLeft(reader);
    });
    this.#log.info({ reader: reader.name }, 'NFC reader connected');
    this.#backoff.reset();
    this.#setAvailable(true);
  }

  #onReaderGone(nfc: NfcContext, reader: Reader): void {
    if (nfc !== this.#nfc) return;
    this.#allReaders = this.#allReaders.filter((other) => other !== reader);
    if (!this.#readers.includes(reader)) return;
    const wasActive = reader === this.#activeReader();
    this.#readers = this.#readers.filter((other) => other !== reader);
    this.#log.info({ reader: reader.name }, 'NFC reader disconnected');
    if (!wasActive) return;
    this.#arrival = undefined;
    this.#endSession(unavailable('the reader was disconnected'));
    if (this.#readers.length === 0) this.#setAvailable(false);
  }

  async #onCardArrived(reader: Reader, card: NfcCard): Promise<void> {
    if (reader !== this.#activeReader()) return;
    const arrival = {};
    this.#arrival = arrival;
    let uid: string | undefined;
    try {
      const reply = await exchangeApdu(transmitter(reader), Uint8Array.from(GET_UID));
      uid = reply?.sw === SW.OK ? parseUid(reply.data) : undefined;
    } catch (error) {
      this.#log.info({ err: error }, 'GET UID failed');
    }
    if (this.#arrival !== arrival || reader !== this.#activeReader()) return;
    this.#arrival = undefined;
    if (uid === undefined) {
      this.#log.warn({ reader: reader.name }, 'a card without a usable UID was ignored');
      return;
    }
    const presented: PresentedCard = Object.freeze({
      uid,
      atr: Uint8Array.from(card.atr ?? []),
    });
    this.#endSession(cardError('CARD_REMOVED', uid, 'another card entered the field'));
    this.#session = { presented, reader, gone: undefined, goneWaiters: new Set() };
    this.#cardListeners.emit(presented);
  }

  #onCardLeft(reader: Reader): void {
    if (reader !== this.#activeReader()) return;
    this.#arrival = undefined;
    const session = this.#session;
    if (!session) return;
    const { uid } = session.presented;
    this.#endSession(cardError('CARD_REMOVED', uid, 'the card left the field during the exchange'));
  }

  /** Ends the current card (if any) with `error` for its reads, and reports it removed. */
  #endSession(error: PosError): void {
    const session = this.#session;
    if (!session) return;
    this.#session = undefined;
    session.gone = error;
    for (const waiter of [...session.goneWaiters]) waiter(error);
    session.goneWaiters.clear();
    if (this.#open) this.#removedListeners.emit(session.presented.uid);
  }

  #setAvailable(available: boolean): void {
    if (this.#available === available) return;
    this.#available = available;
    if (this.#open) this.#statusListeners.emit(available);
  }
}

/**
 * Stops the monitoring threads of `readers` and of `nfc`, on a later turn of the event loop.
 * pcsclite calls into JavaScript (events, and the promise continuations they resolve) while
 * holding the reader's mutex, and its synchronous `close()` takes that mutex: closing from
 * inside that call deadlocks the process. A macrotask runs only after the call returned.
 */
function releaseLater(readers: readonly Reader[], nfc: NfcContext | undefined): void {
  setImmediate(() => {
    for (const reader of readers) {
      try {
        reader.close();
      } catch {
        // Its thread already stopped (pcscd went away): nothing to release.
      }
    }
    try {
      nfc?.close();
    } catch {
      // Likewise.
    }
  });
}

/** `reader.transmit` as a {@link Transmit}: a synchronous throw becomes a rejection. */
function transmitter(reader: Reader): Transmit {
  return async (command, maxResponseLength) => {
    const reply = await reader.transmit(Buffer.from(command), maxResponseLength);
    return Uint8Array.from(reply);
  };
}

function cardError(
  code: 'CARD_REMOVED' | 'CARD_NOT_SUPPORTED' | 'CARD_UNREADABLE',
  uid: string,
  message: string,
): PosError {
  return new PosError(code, message, { details: { uid } });
}

function unavailable(message: string): PosError {
  return new PosError('READER_UNAVAILABLE', message);
}
