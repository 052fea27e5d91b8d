import type { HostContext } from '../../src/host/HostContext.js';
import { readOutbox, type OutboxMessage } from '../../src/host/sms/OutboxTransport.js';

/** One text on the phone, as its inbox lists it. */
export interface PhoneMessage {
  /** Position in the inbox, from 0, oldest first. */
  readonly index: number;
  readonly text: string;
  /** When the host handed it to the outbox (epoch ms). */
  readonly at: number;
  /** True when it arrived after the `since` the inbox was given (not history from before). */
  readonly unread: boolean;
}

export interface PhoneInboxOptions {
  /** Time between two looks at the outbox, in ms; default 500. */
  readonly intervalMs?: number;
  /**
   * Texts created at or after this time (epoch ms) are marked `unread`; default 0 (all). The
   * simulator passes its start time, so the history of earlier runs shows as read.
   */
  readonly since?: number;
  /** Told when a look at the outbox fails; polling goes on. Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** Reads every text to the phone, oldest first. */
export type OutboxSource = () => Promise<readonly OutboxMessage[]>;

/**
 * The customer's phone: the texts the host sent to one number, read from the host's SMS
 * outbox (`readOutbox`) the way `pos-host sms outbox` reads it, every {@link
 * PhoneInboxOptions.intervalMs}. The first look shows the whole history; later ones add only
 * what is new. The outbox only grows, in order, so a text is new when it is past the count
 * already shown: none is shown twice, and a new inbox (the next start) shows the history again
 * from the start, once.
 *
 * Looks never overlap, and `close` waits for one under way, so the host can close its
 * database right after.
 */
export class PhoneInbox {
  readonly #source: OutboxSource;
  readonly #intervalMs: number;
  readonly #since: number;
  readonly #onError: (error: unknown) => void;
  readonly #messages: PhoneMessage[] = [];
  readonly #listeners = new Set<(message: PhoneMessage) => void>();
  #timer: NodeJS.Timeout | undefined;
  #looking: Promise<void> | undefined;
  #closed = false;

  constructor(source: OutboxSource, options: PhoneInboxOptions = {}) {
    this.#source = source;
    this.#intervalMs = options.intervalMs ?? 500;
    this.#since = options.since ?? 0;
    this.#onError = options.onError ?? (() => undefined);
    this.#schedule(0);
  }

  /** The inbox of `msisdn` on the embedded host `ctx`. */
  static forHost(ctx: HostContext, msisdn: string, options: PhoneInboxOptions = {}): PhoneInbox {
    return new PhoneInbox(() => readOutbox(ctx.db, ctx.crypto, msisdn), options);
  }

  /** Every text shown so far, oldest first. */
  get messages(): readonly PhoneMessage[] {
    return [...this.#messages];
  }

  /**
   * Calls `listener` with each text already shown (oldest first, at once), then with each new
   * one as it arrives; so a listener added late misses nothing. Returns an unsubscribe.
   * Listeners must not throw.
   */
  onMessage(listener: (message: PhoneMessage) => void): () => void {
    for (const message of [...this.#messages]) listener(message);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Looks at the outbox now (after a look under way, if any) and resolves once the texts it
   * found were shown. A failed look rejects; the periodic polling goes on either way.
   */
  async poll(): Promise<void> {
    if (this.#closed) return;
    await this.#looking?.catch(() => undefined);
    await this.#look();
  }

  /** Stops polling; resolves when a look under way has ended. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
    await this.#looking?.catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#look()
        .catch((error: unknown) => {
          this.#onError(error);
        })
        .finally(() => {
          this.#schedule(this.#intervalMs);
        });
    }, delayMs);
  }

  /** One look, unless one is under way (then its outcome). */
  #look(): Promise<void> {
    this.#looking ??= this.#read().finally(() => {
      this.#looking = undefined;
    });
    return this.#looking;
  }

  async #read(): Promise<void> {
    const all = await this.#source();
    if (this.#closed) return;
    for (const found of all.slice(this.#messages.length)) {
      const at = Date.parse(found.createdAt);
      const message: PhoneMessage = Object.freeze({
        index: this.#messages.length,
        text: found.text,
        at,
        unread: at >= this.#since,
      });
      this.#messages.push(message);
      for (const listener of [...this.#listeners]) listener(message);
    }
  }
}
