import type { ConnectionOptions } from 'node:tls';
import type { PDU } from 'smpp';
import type { Clock, TimerHandle } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import { PosError } from '../../../core/PosError.js';
import type { Secret } from '../../../core/Secret.js';
import type {
  OutgoingSms,
  SmsAcceptance,
  SmsDeliveryReport,
  SmsTransport,
} from '../SmsTransport.js';
import { encodeSms, type EncodedSms } from './encodeSms.js';
import { isDeliveryReceipt, parseDeliveryReceipt, receiptText } from './parseDeliveryReceipt.js';
import { ReceiptTracker } from './ReceiptTracker.js';
import { RequestWindow } from './RequestWindow.js';
import { destinationAddress, type SmppAddress } from './smppAddress.js';
import { SmppLink, smppLinkError, type SmppBindMode } from './SmppLink.js';
import { isPermanentSubmitStatus, smppStatusName } from './smppStatus.js';

/** Everything {@link SmppTransport} needs, resolved (see `createSmppTransport` for the config). */
export interface SmppTransportOptions {
  host: string;
  port: number;
  /** TLS options; plain TCP when undefined. */
  tls?: ConnectionOptions | undefined;
  /** `transceiver` to receive delivery receipts (and ask for them), else `transmitter`. */
  bindMode: SmppBindMode;
  systemId: string;
  password: Secret;
  systemType: string;
  source: SmppAddress;
  /** Most `submit_sm` sent and not yet answered. */
  windowSize: number;
  enquireLinkMs: number;
  responseTimeoutMs: number;
  /** First reconnect delay, doubled per failed attempt up to `reconnectMaxMs`. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  clock: Clock;
  logger: Logger;
}

/** `registered_delivery`: ask for a receipt on final delivery or failure. */
const REGISTERED_DELIVERY_FINAL = 0x01;
/** Concatenation references remembered per host message id, so a retry reuses its own. */
const REMEMBERED_REFERENCES = 1000;

/**
 * SMS over SMPP 3.4 (the `smpp` package). Connects and binds when constructed and stays bound
 * until {@link close}: a lost link (socket closed, `enquire_link` unanswered, SMSC unbind, bind
 * refused) is opened again after a backoff from `reconnectMinMs` doubling to `reconnectMaxMs`
 * (straight to the maximum when the SMSC refuses the credentials, since hammering it may lock
 * the account).
 *
 * `send` submits every part (see {@link encodeSms}) through a window of `windowSize`
 * unanswered `submit_sm`, and resolves when the SMSC accepted all of them (`ESME_ROK`) with the
 * first part's `message_id` as `transportRef`. It rejects with `SMS_UNAVAILABLE`, permanent only
 * for a destination the SMSC refuses (`ESME_RINVDSTADR`, `ESME_RX_P_APPN`) or one that is no
 * phone number; throttling, a full queue, a lost link, a missing response, a link that is down
 * (rejected at once, so the queue can fail over instead of waiting) and an abort are temporary.
 * A split text whose parts were partly accepted is sent whole again on retry, under the same
 * concatenation reference, so the phone can still join it.
 *
 * Delivery receipts (transceiver only) are matched by {@link ReceiptTracker} and reported to
 * the `onDeliveryReport` listeners. Neither the text nor the number is logged or put in an error.
 */
export class SmppTransport implements SmsTransport {
  readonly name = 'smpp';
  readonly #options: SmppTransportOptions;
  readonly #window: RequestWindow;
  readonly #receipts = new ReceiptTracker();
  readonly #listeners: ((report: SmsDeliveryReport) => void)[] = [];
  readonly #references = new Map<string, number>();
  #nextReference = 0;
  #link: SmppLink | undefined;
  #connecting: Promise<SmppLink> | undefined;
  /** Why the link is down, for the rejections of sends until it is back. */
  #downReason: PosError<'SMS_UNAVAILABLE'> | undefined;
  #reconnectTimer: TimerHandle = undefined;
  #failedAttempts = 0;
  readonly #closing = new AbortController();
  #closed: Promise<void> | undefined;

  constructor(options: SmppTransportOptions) {
    this.#options = options;
    this.#window = new RequestWindow(options.windowSize);
    this.#connect();
  }

  /** The link now, for status displays: `down` is waiting to reconnect. */
  get linkState(): 'bound' | 'connecting' | 'down' | 'closed' {
    if (this.#closing.signal.aborted) return 'closed';
    if (this.#link?.isOpen) return 'bound';
    return this.#connecting ? 'connecting' : 'down';
  }

  get #wantsReceipts(): boolean {
    return this.#options.bindMode === 'transceiver';
  }

  async send(message: OutgoingSms, signal: AbortSignal): Promise<SmsAcceptance> {
    if (signal.aborted) throw aborted();
    if (this.#closing.signal.aborted) throw smppLinkError('closed', 'SMPP transport closed');
    const destination = destinationAddress(message.to);
    if (!destination) {
      throw new PosError('SMS_UNAVAILABLE', 'the destination is not a phone number', {
        details: { permanent: true, reason: 'bad-destination' },
      });
    }
    let encoded: EncodedSms;
    try {
      encoded = encodeSms(message.text, this.#referenceFor(message.messageId));
    } catch {
      throw new PosError('SMS_UNAVAILABLE', 'the text is too long for a concatenated SMS', {
        details: { permanent: true, reason: 'too-long' },
      });
    }
    const link = await this.#boundLink(signal);
    const ids = await this.#submitAll(link, destination, encoded, signal);
    // An SMSC that gives no message id cannot have its receipts matched.
    const [transportRef] = ids;
    const identified = transportRef !== undefined && ids.every((id) => id !== '');
    if (identified && this.#wantsReceipts) this.#receipts.track(ids);
    this.#options.logger.debug(
      { smsId: message.messageId, transportRef, parts: ids.length },
      'SMPP message accepted',
    );
    return identified ? { transportRef } : {};
  }

  onDeliveryReport(listener: (report: SmsDeliveryReport) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Unbinds and closes the link. Sends waiting for a place or a connection reject at once; a
   * submit in flight resolves if the SMSC answers it before its `unbind_resp`, else rejects.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing.abort(smppLinkError('closed', 'SMPP transport closed'));
    if (this.#reconnectTimer !== undefined) this.#options.clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    // An attempt under way either fails on the abort or has just bound: unbind that link too.
    const opened = await this.#connecting?.catch(() => undefined);
    const link = this.#link ?? opened;
    this.#link = undefined;
    await link?.unbind();
  }

  /** Opens a link now; on failure, schedules the next attempt. */
  #connect(): void {
    this.#reconnectTimer = undefined;
    const { logger } = this.#options;
    const opening = SmppLink.open(
      {
        ...this.#options,
        onDeliverSm: (pdu) => {
          this.#onDeliverSm(pdu);
        },
        onClose: (reason) => {
          this.#onLinkClosed(opening, reason);
        },
      },
      this.#closing.signal,
    );
    this.#connecting = opening;
    opening.then(
      (link) => {
        this.#connecting = undefined;
        if (this.#closing.signal.aborted) return; // close() unbinds it
        this.#link = link;
        this.#downReason = undefined;
        this.#failedAttempts = 0;
        logger.info(
          { host: this.#options.host, port: this.#options.port, bindMode: this.#options.bindMode },
          'SMPP bound',
        );
      },
      (error: unknown) => {
        this.#connecting = undefined;
        if (this.#closing.signal.aborted) return;
        const reason =
          error instanceof PosError
            ? (error as PosError<'SMS_UNAVAILABLE'>)
            : smppLinkError('connect-failed', 'could not open the SMPP link');
        this.#downReason = reason;
        const credentials = reason.details.credentials === true;
        const level = reason.details.reason === 'bind-refused' ? 'error' : 'warn';
        logger[level](
          { host: this.#options.host, port: this.#options.port, reason: reason.message },
          'SMPP link could not be opened',
        );
        this.#scheduleReconnect(credentials);
      },
    );
  }

  #onLinkClosed(opening: Promise<SmppLink>, reason: PosError<'SMS_UNAVAILABLE'>): void {
    // The link resolves `opening` before it can close, so this finds it set.
    void opening.then((link) => {
      if (this.#link !== link) return;
      this.#link = undefined;
      this.#downReason = reason;
      if (this.#closing.signal.aborted) return;
      this.#options.logger.warn({ reason: reason.message }, 'SMPP link down');
      this.#scheduleReconnect(false);
    });
  }

  #scheduleReconnect(credentials: boolean): void {
    const { reconnectMinMs, reconnectMaxMs, clock } = this.#options;
    const delay = credentials
      ? reconnectMaxMs
      : Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(this.#failedAttempts, 30));
    this.#failedAttempts += 1;
    this.#reconnectTimer = clock.setTimeout(() => {
      this.#connect();
    }, delay);
  }

  /**
   * The bound link, waiting for a connection attempt under way. While the link is down between
   * attempts this rejects at once: the queue's budget is better spent on another transport.
   */
  async #boundLink(signal: AbortSignal): Promise<SmppLink> {
    if (this.#link?.isOpen) return this.#link;
    if (this.#connecting) return raceAbort(this.#connecting, signal);
    const why = this.#downReason?.message ?? 'not connected';
    throw smppLinkError('link-lost', `SMPP link is down (${why}); reconnecting`);
  }

  /** Submits every part; the `message_id`s in order, or the first part's failure. */
  async #submitAll(
    link: SmppLink,
    destination: SmppAddress,
    encoded: EncodedSms,
    signal: AbortSignal,
  ): Promise<string[]> {
    // One failed part fails the message: parts still waiting for the window are not sent;
    // neither are they once the transport closes (the closing signal's reason says so).
    const failed = new AbortController();
    const stop = AbortSignal.any([signal, failed.signal, this.#closing.signal]);
    const { source } = this.#options;
    const submitPart = async (shortMessage: Buffer, index: number): Promise<string> => {
      const release = await this.#window.acquire(stop).catch((error: unknown) => {
        throw signal.aborted ? aborted() : error;
      });
      // The place is held until the SMSC answers (or the link ends), even if the caller gives up.
      const submitted = link
        .submit({
          source_addr_ton: source.ton,
          source_addr_npi: source.npi,
          source_addr: source.addr,
          dest_addr_ton: destination.ton,
          dest_addr_npi: destination.npi,
          destination_addr: destination.addr,
          esm_class: encoded.esmClass,
          registered_delivery: this.#wantsReceipts ? REGISTERED_DELIVERY_FINAL : 0,
          data_coding: encoded.dataCoding,
          short_message: shortMessage,
        })
        .finally(release);
      const response = await raceAbort(submitted, signal);
      return acceptedId(response, index, encoded.parts.length);
    };
    return Promise.all(
      encoded.parts.map((part, index) =>
        submitPart(part, index).catch((error: unknown) => {
          failed.abort();
          throw error;
        }),
      ),
    );
  }

  #onDeliverSm(pdu: PDU): void {
    const { logger, clock } = this.#options;
    const esmClass = typeof pdu.esm_class === 'number' ? pdu.esm_class : 0;
    if (!isDeliveryReceipt(esmClass)) {
      // A text from a phone (mobile originated): the host has no use for it.
      logger.debug('SMPP deliver_sm that is not a receipt ignored');
      return;
    }
    const dataCoding = typeof pdu.data_coding === 'number' ? pdu.data_coding : 0;
    const payload =
      pdu.message_payload !== undefined && isEmptyMessage(pdu.short_message)
        ? pdu.message_payload
        : pdu.short_message;
    const receipt = parseDeliveryReceipt({
      text: receiptText(payload, dataCoding),
      receiptedMessageId:
        typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : undefined,
      messageState: typeof pdu.message_state === 'number' ? pdu.message_state : undefined,
    });
    if (!receipt) {
      logger.warn('SMPP delivery receipt without a message id ignored');
      return;
    }
    const settled = this.#receipts.settle(receipt);
    if (!settled) return;
    const report: SmsDeliveryReport = { ...settled, at: new Date(clock.now()) };
    for (const listener of this.#listeners) {
      try {
        listener(report);
      } catch (error) {
        logger.error({ err: error }, 'SMS delivery report listener failed');
      }
    }
  }

  /** The concatenation reference of a message: its own again on retry, else the next one. */
  #referenceFor(messageId: string): number {
    let reference = this.#references.get(messageId);
    if (reference === undefined) {
      reference = this.#nextReference;
      this.#nextReference = (this.#nextReference + 1) & 0xff;
      this.#references.set(messageId, reference);
      if (this.#references.size > REMEMBERED_REFERENCES) {
        const oldest = this.#references.keys().next().value;
        if (oldest !== undefined) this.#references.delete(oldest);
      }
    }
    return reference;
  }
}

/** The part's `message_id` when the SMSC accepted it; else the rejection to throw. */
function acceptedId(response: PDU, index: number, parts: number): string {
  const status = response.command_status;
  if (status === 0) return typeof response.message_id === 'string' ? response.message_id : '';
  const name = smppStatusName(status);
  const permanent = isPermanentSubmitStatus(status);
  throw new PosError('SMS_UNAVAILABLE', `the SMSC refused the message: ${name}`, {
    details: {
      permanent,
      reason: 'refused',
      status: name,
      commandStatus: status,
      ...(parts > 1 ? { part: index + 1, parts } : {}),
    },
  });
}

function aborted(): PosError<'SMS_UNAVAILABLE'> {
  return new PosError('SMS_UNAVAILABLE', 'SMPP send aborted', {
    details: { permanent: false, reason: 'aborted' },
  });
}

/** `promise`, or a rejection as soon as `signal` aborts (the work behind it goes on). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise
      .finally(() => {
        signal.removeEventListener('abort', onAbort);
      })
      .then(resolve, reject);
  });
}

function isEmptyMessage(shortMessage: unknown): boolean {
  if (shortMessage === undefined || shortMessage === null) return true;
  const message =
    typeof shortMessage === 'object' && 'message' in shortMessage
      ? shortMessage.message
      : shortMessage;
  return (typeof message === 'string' || Buffer.isBuffer(message)) && message.length === 0;
}
