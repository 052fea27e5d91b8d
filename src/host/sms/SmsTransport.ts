/** One text as handed to a transport. */
export interface OutgoingSms {
  /** The host's id for the message (`sms_messages.id`); transports may use it for dedup. */
  messageId: string;
  /** The customer's number as enrolled (digits, optionally with a leading `+`). */
  to: string;
  /** The full text; the transport splits and encodes it as its link needs. */
  text: string;
}

/** What a transport reports when it took a message. */
export interface SmsAcceptance {
  /** The gateway's reference for the message (modem message reference, SMPP message id…). */
  transportRef?: string;
}

/** A delivery report from the network, matched back to a message by `transportRef`. */
export interface SmsDeliveryReport {
  transportRef: string;
  delivered: boolean;
  at: Date;
}

/**
 * A way of sending texts to phones: the outbox (development and the simulator), later a GSM
 * modem, an SMPP link or an HTTP gateway. The {@link SmsQueue} decides retries, backoff and
 * failover; a transport makes one attempt per call.
 *
 * Contract:
 * - `send` resolves once the gateway **accepted** the message (not once the phone got it).
 * - It rejects when the gateway did not accept it. A `PosError('SMS_UNAVAILABLE')` whose
 *   details carry `permanent: true` means retrying cannot help (a number the gateway refuses);
 *   anything else is retried.
 * - When `signal` aborts, give up promptly and reject; the queue then treats the attempt as
 *   failed. A transport that cannot know whether an aborted message went out should prefer
 *   sending twice over never (a duplicate code text is harmless; a missing one fails a sale).
 * - The text may hold a PIN or a code: never log it, never put it in an error.
 */
export interface SmsTransport {
  /** Short name for status displays and logs: `outbox`, `gsm-modem`, `smpp`, `http`. */
  readonly name: string;
  send(message: OutgoingSms, signal: AbortSignal): Promise<SmsAcceptance>;
  /** Registers the listener for delivery reports, for transports whose network gives them. */
  onDeliveryReport?(listener: (report: SmsDeliveryReport) => void): void;
  /** Releases the link; pending sends reject. */
  close(): Promise<void>;
}
