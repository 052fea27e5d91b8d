import type { DeliveryReceipt } from './parseDeliveryReceipt.js';

/** A message's outcome, once its receipts settle it. */
export interface SettledDelivery {
  transportRef: string;
  delivered: boolean;
}

interface Tracked {
  readonly transportRef: string;
  /** Lower-cased ids of the parts not yet delivered. */
  readonly waiting: Set<string>;
  /** Lower-cased ids of every part, to forget them together. */
  readonly parts: readonly string[];
}

/**
 * Matches delivery receipts back to messages. A message's `transportRef` is the `message_id`
 * of its first part; a split message counts as delivered once every part's receipt says
 * DELIVRD, and as failed at the first part that failed (the phone cannot show half a text).
 *
 * Ids are matched without regard to case (some SMSCs write hex ids in upper case in receipts).
 * A receipt for an id not tracked here (sent before a restart, or forgotten past `capacity`)
 * is reported under its own id, which is right for single-part messages and harmless otherwise.
 */
export class ReceiptTracker {
  readonly #capacity: number;
  /** Lower-cased part id → its message; insertion order is age, for forgetting the oldest. */
  readonly #byPart = new Map<string, Tracked>();

  /** @param capacity most part ids remembered (default 10 000). */
  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** Remembers an accepted message by the `message_id`s of its parts, in order. */
  track(partIds: readonly string[]): void {
    const [first] = partIds;
    if (first === undefined) return;
    const parts = partIds.map((id) => id.toLowerCase());
    const tracked: Tracked = { transportRef: first, waiting: new Set(parts), parts };
    for (const id of parts) this.#byPart.set(id, tracked);
    while (this.#byPart.size > this.#capacity) {
      const oldest = this.#byPart.values().next().value;
      if (oldest === undefined) break;
      this.#forget(oldest);
    }
  }

  /** The delivery a receipt settles, or undefined while the message is still pending. */
  settle(receipt: DeliveryReceipt): SettledDelivery | undefined {
    if (receipt.outcome === 'pending') return undefined;
    const id = receipt.messageId.toLowerCase();
    const tracked = this.#byPart.get(id);
    if (tracked === undefined) {
      return { transportRef: receipt.messageId, delivered: receipt.outcome === 'delivered' };
    }
    if (receipt.outcome === 'failed') {
      this.#forget(tracked);
      return { transportRef: tracked.transportRef, delivered: false };
    }
    tracked.waiting.delete(id);
    if (tracked.waiting.size > 0) return undefined;
    this.#forget(tracked);
    return { transportRef: tracked.transportRef, delivered: true };
  }

  #forget(tracked: Tracked): void {
    for (const id of tracked.parts) {
      if (this.#byPart.get(id) === tracked) this.#byPart.delete(id);
    }
  }
}
