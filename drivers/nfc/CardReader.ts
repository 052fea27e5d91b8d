/**
 * A card the reader has detected in its field: what the reader knows before any exchange.
 * `uid` is the card's UID in upper-case hex (4, 7 or 10 bytes), `atr` its answer to reset.
 */
export interface PresentedCard {
  readonly uid: string;
  readonly atr: Uint8Array;
}

/**
 * What the phone's payment applet returned: the card UID and the account token the host
 * issued at enrollment (16–128 base64url characters). The token identifies the account; treat
 * it as confidential (never log it, never print it).
 */
export interface PhoneAccount {
  readonly uid: string;
  readonly token: string;
}

/**
 * The NFC reader (PC/SC on the board, a fake in tests and the simulator).
 *
 * Lifecycle: {@link open} before anything else; {@link close} releases the reader and stops
 * all events. Listeners run synchronously in registration order and must not throw.
 *
 * Errors (all `PosError`):
 * - `CARD_REMOVED`: the card left the field during the exchange; ask to tap again;
 * - `CARD_NOT_SUPPORTED`: the card answered but is not a phone with the ComboPay applet
 *   (SELECT refused, or a reply that is not an account token);
 * - `CARD_UNREADABLE`: the exchange failed for another reason (transmission error, timeout);
 * - `READER_UNAVAILABLE`: no reader, or the PC/SC service is down; the reader reconnects by
 *   itself and emits `onStatus(true)` when back.
 */
export interface CardReader {
  open(): Promise<void>;
  close(): Promise<void>;
  /** Called for every card that enters the field. Returns a function that unsubscribes. */
  onCard(listener: (card: PresentedCard) => void): () => void;
  /** Called when the card with `uid` leaves the field. Returns a function that unsubscribes. */
  onCardRemoved(listener: (uid: string) => void): () => void;
  /**
   * Whether a reader is connected and usable now (the last value {@link onStatus} reported;
   * false before {@link open} and after {@link close}).
   */
  readonly available: boolean;
  /** Called when the reader becomes available (true) or unavailable (false). */
  onStatus(listener: (available: boolean) => void): () => void;
  /**
   * Selects the payment applet on the card now in the field and reads its account.
   * Rejects with the codes above; `CARD_REMOVED` also when no card (or another card than
   * `card`) is present. Never retries by itself: the caller asks the customer to tap again.
   */
  readAccount(card: PresentedCard): Promise<PhoneAccount>;
}
