import type { ConnectionOptions } from 'node:tls';
import smpp, { type PDU, type PduFields, type Session } from 'smpp';
import type { Clock, TimerHandle } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import { PosError } from '../../../core/PosError.js';
import type { Secret } from '../../../core/Secret.js';
import { isCredentialStatus, smppStatusName } from './smppStatus.js';

export type SmppBindMode = 'transmitter' | 'transceiver';

/** Why a link attempt or a request failed, as `details.reason` of its `SMS_UNAVAILABLE`. */
export type SmppLinkFailure =
  'connect-failed' | 'bind-refused' | 'link-lost' | 'response-timeout' | 'closed';

/** The temporary `SMS_UNAVAILABLE` a link failure is reported as. */
export function smppLinkError(
  reason: SmppLinkFailure,
  message: string,
  details: Record<string, unknown> = {},
): PosError<'SMS_UNAVAILABLE'> {
  return new PosError('SMS_UNAVAILABLE', message, {
    details: { permanent: false, reason, ...details },
  });
}

export interface SmppLinkOptions {
  host: string;
  port: number;
  /** TLS options (`ca`, `servername`…); plain TCP when undefined. */
  tls?: ConnectionOptions | undefined;
  bindMode: SmppBindMode;
  systemId: string;
  password: Secret;
  systemType: string;
  clock: Clock;
  /** Longest wait for the connection, and for the response to each request. */
  responseTimeoutMs: number;
  /** Period of the `enquire_link` keep-alive. */
  enquireLinkMs: number;
  logger: Logger;
  /** A `deliver_sm` from the SMSC; the link answers it with `deliver_sm_resp` once this returns. */
  onDeliverSm(pdu: PDU): void;
  /** The bound link ended: lost, silent, unbound by either side. Called once. */
  onClose(reason: PosError<'SMS_UNAVAILABLE'>): void;
}

interface Pending {
  resolve(response: PDU): void;
  reject(error: PosError<'SMS_UNAVAILABLE'>): void;
  timer: TimerHandle;
}

/** SMPP 3.4 in a bind's `interface_version` (the package would say 5.0). */
const INTERFACE_VERSION_34 = 0x34;
const ESME_RINVCMDID = 0x03;

/**
 * One SMPP session, from connect to close: bind as transmitter or transceiver, requests with a
 * response timeout each, an `enquire_link` every `enquireLinkMs` (a missing answer ends the link:
 * a dead TCP peer can stay silent for minutes), and answers to the SMSC's own `enquire_link`,
 * `unbind` and `deliver_sm`. It never reconnects: {@link SmppTransport} opens a new link.
 */
export class SmppLink {
  readonly #options: SmppLinkOptions;
  readonly #session: Session;
  #state: 'connecting' | 'binding' | 'bound' | 'unbinding' | 'closed' = 'connecting';
  readonly #pending = new Map<number, Pending>();
  #keepAlive: TimerHandle = undefined;
  #socketError: Error | undefined;
  #openFailed: ((reason: PosError<'SMS_UNAVAILABLE'>) => void) | undefined;
  readonly #socketClosed: Promise<void>;
  #unbinding: Promise<void> | undefined;

  /**
   * Connects and binds. Rejects with `SMS_UNAVAILABLE` (`details.reason` `connect-failed`,
   * `bind-refused` with `details.status`, or `closed` when `signal` aborts).
   */
  static async open(options: SmppLinkOptions, signal: AbortSignal): Promise<SmppLink> {
    const link = new SmppLink(options);
    await link.#bind(signal);
    return link;
  }

  private constructor(options: SmppLinkOptions) {
    this.#options = options;
    this.#session = smpp.connect({
      ...options.tls,
      host: options.host,
      port: options.port,
      tls: options.tls !== undefined,
    });
    this.#socketClosed = new Promise((resolve) => this.#session.once('close', resolve));
    this.#session.on('error', (error: Error) => {
      this.#socketError = error;
      // The package also reports a PDU it cannot parse this way, then reads nothing more.
      this.#session.destroy();
    });
    this.#session.on('close', () => {
      const cause = this.#socketError ? `: ${this.#socketError.message}` : '';
      this.#end(
        this.#state === 'connecting' || this.#state === 'binding'
          ? smppLinkError('connect-failed', `could not connect to the SMSC${cause}`)
          : smppLinkError('link-lost', `SMPP connection lost${cause}`),
      );
    });
    this.#session.on('pdu', (pdu: PDU) => {
      this.#onPdu(pdu);
    });
  }

  /** False once the link has ended. */
  get isOpen(): boolean {
    return this.#state === 'bound';
  }

  /** Sends a `submit_sm`; resolves with its response whatever its status. */
  submit(fields: PduFields): Promise<PDU> {
    if (this.#state !== 'bound') {
      return Promise.reject(smppLinkError('link-lost', 'SMPP link is not bound'));
    }
    return this.#request('submit_sm', fields);
  }

  /**
   * Ends the link politely: no new requests, `unbind` waits for its response (at most
   * `responseTimeoutMs`), then the socket closes. A submit the SMSC answers before its
   * `unbind_resp` resolves as usual (it was accepted); the others reject (`closed`).
   */
  unbind(): Promise<void> {
    this.#unbinding ??= this.#unbind();
    return this.#unbinding;
  }

  async #unbind(): Promise<void> {
    if (this.#state !== 'bound') {
      this.#end(smppLinkError('closed', 'SMPP transport closed'));
      await this.#socketClosed;
      return;
    }
    this.#state = 'unbinding';
    await this.#request('unbind', {}).catch(() => undefined);
    this.#end(smppLinkError('closed', 'SMPP transport closed'));
    await this.#socketClosed;
  }

  #bind(signal: AbortSignal): Promise<void> {
    const { clock, responseTimeoutMs, bindMode } = this.#options;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#end(smppLinkError('closed', 'SMPP transport closed'));
      };
      const connectTimer = clock.setTimeout(() => {
        this.#end(
          smppLinkError(
            'connect-failed',
            `no connection to the SMSC within ${responseTimeoutMs} ms`,
          ),
        );
      }, responseTimeoutMs);
      const done = () => {
        clock.clearTimeout(connectTimer);
        signal.removeEventListener('abort', onAbort);
        this.#openFailed = undefined;
      };
      this.#openFailed = (reason) => {
        done();
        reject(reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) {
        onAbort();
        return;
      }
      this.#session.once(this.#options.tls ? 'secureConnect' : 'connect', () => {
        clock.clearTimeout(connectTimer);
        this.#state = 'binding';
        const command = bindMode === 'transceiver' ? 'bind_transceiver' : 'bind_transmitter';
        this.#request(command, {
          system_id: this.#options.systemId,
          password: this.#options.password.reveal(),
          system_type: this.#options.systemType,
          interface_version: INTERFACE_VERSION_34,
        }).then(
          (response) => {
            if (this.#state !== 'binding') return;
            if (response.command_status !== 0) {
              const status = smppStatusName(response.command_status);
              this.#end(
                smppLinkError('bind-refused', `the SMSC refused the ${command}: ${status}`, {
                  status,
                  commandStatus: response.command_status,
                  credentials: isCredentialStatus(response.command_status),
                }),
              );
              return;
            }
            done();
            this.#state = 'bound';
            this.#scheduleKeepAlive();
            resolve();
          },
          (error: unknown) => {
            this.#end(error as PosError<'SMS_UNAVAILABLE'>);
          },
        );
      });
    });
  }

  #request(command: string, fields: PduFields): Promise<PDU> {
    const { clock, responseTimeoutMs } = this.#options;
    return new Promise((resolve, reject) => {
      const pdu = new smpp.PDU(command, fields);
      let sent: boolean;
      try {
        sent = this.#session.send(pdu, (response) => {
          const pending = this.#pending.get(pdu.sequence_number);
          if (!pending) return; // timed out already
          this.#pending.delete(pdu.sequence_number);
          clock.clearTimeout(pending.timer);
          pending.resolve(response);
        });
      } catch {
        // Only a field the package cannot encode gets here. Its error is left out: it could
        // quote the PDU, which holds the text.
        reject(smppLinkError('link-lost', `could not encode ${command}`));
        return;
      }
      if (!sent) {
        reject(smppLinkError('link-lost', 'SMPP connection is not writable'));
        return;
      }
      const sequence = pdu.sequence_number;
      const timer = clock.setTimeout(() => {
        this.#pending.delete(sequence);
        reject(
          smppLinkError('response-timeout', `no ${command}_resp within ${responseTimeoutMs} ms`),
        );
      }, responseTimeoutMs);
      this.#pending.set(sequence, { resolve, reject, timer });
    });
  }

  /**
   * The next `enquire_link`, a fixed period after the last one was sent (not answered), so
   * keep-alives never stop while a response is awaited.
   */
  #scheduleKeepAlive(): void {
    this.#keepAlive = this.#options.clock.setTimeout(() => {
      if (this.#state !== 'bound') return;
      this.#scheduleKeepAlive();
      this.#request('enquire_link', {}).catch((error: unknown) => {
        if (error instanceof PosError && error.details.reason === 'response-timeout') {
          this.#end(smppLinkError('link-lost', 'the SMSC did not answer enquire_link'));
        }
      });
    }, this.#options.enquireLinkMs);
  }

  #onPdu(pdu: PDU): void {
    if (pdu.isResponse()) return; // the package hands responses to their request's callback
    switch (pdu.command) {
      case 'enquire_link':
        this.#session.send(pdu.response());
        return;
      case 'unbind':
        // No new requests; close once the answer is written.
        if (this.#state === 'bound') this.#state = 'unbinding';
        this.#session.send(pdu.response(), () => {
          this.#end(smppLinkError('link-lost', 'the SMSC unbound'));
        });
        return;
      case 'deliver_sm':
        try {
          this.#options.onDeliverSm(pdu);
        } catch (error) {
          this.#options.logger.error({ err: error }, 'SMPP deliver_sm handler failed');
        }
        this.#session.send(pdu.response());
        return;
      case 'alert_notification':
      case 'outbind':
        return; // no response exists for these
      case 'unknown':
        this.#session.send(pdu.response()); // generic_nack
        return;
      default:
        this.#session.send(pdu.response({ command_status: ESME_RINVCMDID }));
    }
  }

  #rejectPending(reason: PosError<'SMS_UNAVAILABLE'>): void {
    for (const pending of this.#pending.values()) {
      this.#options.clock.clearTimeout(pending.timer);
      pending.reject(reason);
    }
    this.#pending.clear();
  }

  /** Ends the link once, with `reason` for whoever waits: the opener, or the owner. */
  #end(reason: PosError<'SMS_UNAVAILABLE'>): void {
    if (this.#state === 'closed') return;
    const wasBound = this.#state === 'bound' || this.#state === 'unbinding';
    this.#state = 'closed';
    if (this.#keepAlive !== undefined) this.#options.clock.clearTimeout(this.#keepAlive);
    this.#rejectPending(reason);
    this.#session.destroy();
    if (wasBound) this.#options.onClose(reason);
    else this.#openFailed?.(reason);
  }
}
