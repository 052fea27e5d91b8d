import { Backoff, type BackoffOptions } from '../../../../drivers/backoff.js';
import { Listeners } from '../../../../drivers/Listeners.js';
import { AtChannel, type AtUrc, type ByteStream } from '../../../../drivers/modem/AtChannel.js';
import { parseCpin } from '../../../../drivers/modem/atResponses.js';
import { openSerialByteStream } from '../../../../drivers/modem/hw/serialByteStream.js';
import { systemClock, type Clock, type TimerHandle } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import { hasErrorCode, isPosError, PosError } from '../../../core/PosError.js';
import type {
  OutgoingSms,
  SmsAcceptance,
  SmsDeliveryReport,
  SmsTransport,
} from '../SmsTransport.js';
import { describeCmsError, isPermanentCmsError } from './cmsErrors.js';
import { isAddressable } from './smsAddress.js';
import { deliveryOutcome, parseStatusReport } from './smsStatusReport.js';
import { encodeSubmitPdus, validityPeriodOctet, type SubmitPdu } from './smsSubmitPdu.js';

/** The modem's AT port as the transport uses it: a byte stream it may close. */
export interface ModemPort extends ByteStream {
  /** Closes the port; its `onClose` listeners run. Never rejects. */
  close(): Promise<void>;
}

export interface GsmModemTransportOptions {
  /** The AT port, e.g. `/dev/ttyModemAT`. */
  readonly path: string;
  /** Default 115200. */
  readonly baudRate?: number;
  /** Runs every timeout and the reconnect backoff (default the system clock). */
  readonly clock?: Clock;
  /** Never given a text, a PDU or a whole number. */
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Timeout of each start-up command and of the wait for the `>` prompt, ms (default 5000). */
  readonly commandTimeoutMs?: number;
  /** Timeout for the network to take a part once its PDU is written, ms (default 30 000). */
  readonly submitTimeoutMs?: number;
  /** Request status reports and pass them on (default true). */
  readonly statusReports?: boolean;
  /** TP-VP in minutes (default 1440), also how long a sent message waits for its reports. */
  readonly validityMinutes?: number;
  /** Waits between attempts to bring a lost modem back (default 1 s doubling up to 60 s). */
  readonly reconnectBackoff?: BackoffOptions;
  /** Opens the port (default serialport through `openSerialByteStream`); for tests. */
  readonly openPort?: (path: string, baudRate: number) => Promise<ModemPort>;
}

const NAME = 'gsm-modem';

/**
 * New SMS indications (27.005 §3.4.1): mode 2 (buffer URCs while the link is busy, then flush),
 * deliver-SMS indications as `+CMTI` (unused here), no cell broadcast, status reports routed
 * straight to us as `+CDS: <length>` and their PDU, buffer kept.
 */
const CNMI = 'AT+CNMI=2,1,0,1,0';

/** Commands in a row the modem leaves unanswered before the port is reopened. */
const UNANSWERED_BEFORE_REOPEN = 2;

/** Extra time, after the validity period, that the transport still waits for reports. */
const REPORT_GRACE_MS = 3_600_000;

const NO_LOG: Pick<Logger, 'info' | 'warn' | 'debug'> = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
};

interface Link {
  readonly port: ModemPort;
  readonly channel: AtChannel;
  /** The start-up sequence went through; false again when the modem restarts on its own. */
  started: boolean;
  /** The modem took AT+CNMI: texts ask for status reports, which arrive as `+CDS`. */
  reports: boolean;
  /** Commands in a row that timed out. */
  unanswered: number;
}

/** A sent message whose status reports are awaited, one per part. */
interface Tracked {
  readonly transportRef: string;
  /** Message references of the parts not reported delivered yet. */
  readonly waiting: Set<number>;
  readonly expiresAt: number;
}

/**
 * The `gsm-modem` SMS transport: a GSM/LTE modem's AT port, SMS in PDU mode.
 *
 * Start-up (on {@link start} or the first send, and again after the port comes back): `AT`,
 * `ATE0`, `AT+CMEE=1` (numeric `+CMS ERROR`s: the permanent/temporary decision is made on the
 * number, and vendors' verbose texts differ), `AT+CPIN?` (must be READY), `AT+CMGF=0`, and with
 * status reports `AT+CNMI=2,1,0,1,0`. A modem that refuses AT+CNMI sends without reports.
 *
 * {@link send} encodes the text (GSM 7-bit or UCS-2, concatenated parts when long; see
 * `encodeSubmitPdus`) and sends each part with `AT+CMGS=<length>`, the `>` prompt, the PDU and
 * Ctrl-Z, one message at a time. It resolves once every part got `+CMGS: <mr>`, with
 * `transportRef` `<mr>[.<mr>…]@<messageId>`: the modem's message references (0–255, they wrap)
 * plus the message id, so the reference stays unique after the references wrap. Status
 * reports (`+CDS`) are matched back by message reference while the message is within its
 * validity period; {@link onDeliveryReport} hears `delivered: true` once every part was
 * delivered, `false` at the first part that failed for good.
 *
 * Every failure is `SMS_UNAVAILABLE`, naming the command involved (never the text, the PDU or
 * the number); `details.permanent` is true only for a `+CMS ERROR` that refuses the
 * destination (see `isPermanentCmsError`) or a number no SMS can be addressed to. An abort
 * rejects at once; a part already written may still go out (a duplicate beats a lost code).
 *
 * The port going away (USB modem reset, unplugged) or a modem that leaves two commands in a
 * row unanswered is reopened in the background with backoff, so status reports keep coming.
 */
export class GsmModemTransport implements SmsTransport {
  readonly name = NAME;
  readonly #path: string;
  readonly #baudRate: number;
  readonly #clock: Clock;
  readonly #log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  readonly #commandTimeoutMs: number;
  readonly #submitTimeoutMs: number;
  readonly #statusReports: boolean;
  readonly #validity: number;
  readonly #trackForMs: number;
  readonly #backoff: Backoff;
  readonly #openPort: (path: string, baudRate: number) => Promise<ModemPort>;
  readonly #reports: Listeners<SmsDeliveryReport>;
  readonly #tracked = new Map<number, Tracked>();
  /** Rejecters of the sends in progress, for {@link close}. */
  readonly #pending = new Set<(error: PosError) => void>();

  #link: Link | undefined;
  #bringingUp: Promise<Link> | undefined;
  /** The start-up command in flight, named when a send gives up waiting for it. */
  #startupStep: string | undefined;
  #reconnectTimer: TimerHandle;
  /** Set once asked to connect: from then on a lost link is brought back in the background. */
  #wanted = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Resolves when the message before has finished with the modem. */
  #turn: Promise<void> = Promise.resolve();
  #concatReference = Math.floor(Math.random() * 256);

  constructor(options: GsmModemTransportOptions) {
    this.#path = options.path;
    this.#baudRate = options.baudRate ?? 115_200;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? NO_LOG;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.#submitTimeoutMs = options.submitTimeoutMs ?? 30_000;
    this.#statusReports = options.statusReports ?? true;
    const validityMinutes = options.validityMinutes ?? 1440;
    this.#validity = validityPeriodOctet(validityMinutes);
    this.#trackForMs = validityMinutes * 60_000 + REPORT_GRACE_MS;
    this.#backoff = new Backoff(options.reconnectBackoff ?? { initialMs: 1000, maxMs: 60_000 });
    this.#openPort = options.openPort ?? openSerialByteStream;
    this.#reports = new Listeners((error: unknown) => {
      this.#log.warn({ err: error }, 'an SMS delivery report listener threw');
    });
  }

  /** True while the port is open and the modem went through its start-up. */
  get ready(): boolean {
    return this.#link?.started === true;
  }

  /** True while sends ask for status reports (the modem took AT+CNMI). */
  get deliveryReports(): boolean {
    return this.#link?.reports === true;
  }

  /**
   * Opens the port and runs the start-up now, so the first code does not wait for it and
   * status reports flow. Rejects with `SMS_UNAVAILABLE` when the modem is not ready; it is
   * tried again in the background either way, until {@link close}.
   */
  async start(): Promise<void> {
    if (this.#closed) throw closedError();
    this.#wanted = true;
    await this.#ensureLink();
  }

  async send(message: OutgoingSms, signal: AbortSignal): Promise<SmsAcceptance> {
    if (this.#closed) throw closedError();
    if (signal.aborted) throw abortedError('before it started', undefined);
    if (!isAddressable(message.to)) {
      throw new PosError('SMS_UNAVAILABLE', 'the number cannot be put in an SMS address', {
        details: { transport: NAME, permanent: true },
      });
    }
    this.#wanted = true;

    let command: string | undefined;
    let stop: (error: PosError) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => {
      stop = reject;
    });
    stopped.catch(() => undefined);
    const onAbort = (): void => {
      const inFlight = command ?? this.#startupStep;
      const where = inFlight === undefined ? 'while waiting for the modem' : `during ${inFlight}`;
      stop(abortedError(where, inFlight));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.#pending.add(stop);
    /** `work`, unless the send is aborted or the transport closed first. */
    const until = <T>(work: Promise<T>): Promise<T> => {
      work.catch(() => undefined);
      return Promise.race([work, stopped]);
    };

    const turn = this.#takeTurn();
    try {
      await until(turn.ready);
      const link = await until(this.#ensureLink());
      const parts = this.#encode(message, link.reports);
      const references: number[] = [];
      for (const part of parts) {
        command = `AT+CMGS=${part.tpduLength}`;
        references.push(await until(this.#submit(link, command, part)));
      }
      const transportRef = `${references.map(referenceText).join('.')}@${message.messageId}`;
      if (link.reports) this.#track(references, transportRef);
      this.#log.debug({ parts: parts.length, transportRef }, 'SMS accepted by the GSM network');
      return { transportRef };
    } catch (error) {
      throw unavailable(error, command ?? this.#startupStep);
    } finally {
      turn.release();
      signal.removeEventListener('abort', onAbort);
      this.#pending.delete(stop);
    }
  }

  onDeliveryReport(listener: (report: SmsDeliveryReport) => void): void {
    this.#reports.add(listener);
  }

  /** Rejects the sends in progress, stops reconnecting and closes the port. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#clearReconnect();
      const error = closedError();
      for (const stop of [...this.#pending]) stop(error);
      this.#pending.clear();
      const link = this.#link;
      this.#link = undefined;
      const bringingUp = this.#bringingUp;
      this.#closing = (async () => {
        if (link) await this.#drop(link);
        await bringingUp?.catch(() => undefined);
        this.#reports.clear();
        this.#tracked.clear();
      })();
    }
    await this.#closing;
  }

  // --- sending ---------------------------------------------------------------------------

  /** Waits for the message before to finish with the modem; `release` lets the next one go. */
  #takeTurn(): { ready: Promise<void>; release: () => void } {
    const previous = this.#turn;
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Chained, so a send that gives up while waiting does not let the next one overtake.
    this.#turn = previous.then(() => mine);
    return { ready: previous, release };
  }

  #encode(message: OutgoingSms, statusReport: boolean): SubmitPdu[] {
    const concatReference = this.#concatReference;
    this.#concatReference = (concatReference + 1) & 0xff;
    try {
      return encodeSubmitPdus(message.to, message.text, {
        statusReport,
        validity: this.#validity,
        concatReference,
      });
    } catch (error) {
      throw new PosError('SMS_UNAVAILABLE', 'the text cannot be sent as SMS', {
        details: { transport: NAME, permanent: true },
        cause: error,
      });
    }
  }

  /** Sends one part; resolves with its message reference (-1 when the modem gave none). */
  async #submit(link: Link, command: string, part: SubmitPdu): Promise<number> {
    const reply = link.channel.sendWithPrompt(command, part.hex, {
      promptTimeoutMs: this.#commandTimeoutMs,
      timeoutMs: this.#submitTimeoutMs,
    });
    this.#watch(link, reply);
    const { lines } = await reply;
    for (const line of lines) {
      const match = /^\+CMGS:\s*(\d+)/.exec(line);
      if (match) return Number(match[1]) & 0xff;
    }
    // Accepted all the same (the final was OK); only its status reports cannot be matched.
    this.#log.warn({ command }, 'the GSM modem accepted an SMS without a message reference');
    return -1;
  }

  /** Counts unanswered commands (whether or not a send still waits for them). */
  #watch(link: Link, reply: Promise<unknown>): void {
    reply.then(
      () => {
        link.unanswered = 0;
      },
      (error: unknown) => {
        if (hasErrorCode(error, 'MODEM_TIMEOUT')) {
          link.unanswered += 1;
          if (link.unanswered >= UNANSWERED_BEFORE_REOPEN) {
            void this.#reopen(link, 'the GSM modem stopped answering; reopening its port');
          }
        } else if (hasErrorCode(error, 'MODEM_UNAVAILABLE')) {
          void this.#reopen(link, 'writing to the GSM modem failed; reopening its port');
        } else {
          link.unanswered = 0;
        }
      },
    );
  }

  // --- the link --------------------------------------------------------------------------

  #ensureLink(): Promise<Link> {
    if (this.#closed) return Promise.reject(closedError());
    const link = this.#link;
    if (link?.started) return Promise.resolve(link);
    this.#bringingUp ??= this.#bringUp().finally(() => {
      this.#bringingUp = undefined;
    });
    return this.#bringingUp;
  }

  async #bringUp(): Promise<Link> {
    this.#clearReconnect();
    let link = this.#link;
    try {
      link ??= await this.#open();
      if (!link.started) await this.#startup(link);
      this.#backoff.reset();
      return link;
    } catch (caught) {
      const error = unavailable(caught, this.#startupStep);
      this.#startupStep = undefined;
      if (link) await this.#drop(link);
      if (!this.#closed) {
        this.#log.warn({ err: error, path: this.#path }, 'the GSM modem is not ready');
        this.#scheduleReconnect();
      }
      throw error;
    }
  }

  async #open(): Promise<Link> {
    let port: ModemPort;
    try {
      port = await this.#openPort(this.#path, this.#baudRate);
    } catch (cause) {
      throw new PosError('SMS_UNAVAILABLE', `cannot open the GSM modem port ${this.#path}`, {
        details: { transport: NAME, path: this.#path },
        cause,
      });
    }
    if (this.#closed) {
      await port.close();
      throw closedError();
    }
    const channel = new AtChannel({
      stream: port,
      clock: this.#clock,
      timeoutMs: this.#commandTimeoutMs,
      // Only the length: a line that fits nothing could be a late echo of a PDU.
      onNoise: (text) => {
        this.#log.debug({ chars: text.length }, 'GSM modem: a line that fits nothing');
      },
    });
    const link: Link = { port, channel, started: false, reports: false, unanswered: 0 };
    channel.onUrc((urc) => {
      this.#onUrc(link, urc);
    });
    port.onClose(() => {
      this.#lost(link);
    });
    this.#link = link;
    this.#log.info({ path: this.#path }, 'GSM modem port open');
    return link;
  }

  async #startup(link: Link): Promise<void> {
    const run = (command: string) => {
      this.#startupStep = command;
      const reply = link.channel.send(command);
      this.#watch(link, reply);
      return reply;
    };
    try {
      await run('AT');
    } catch (error) {
      // The first command after the port opens may meet a half-read line: once more.
      if (!hasErrorCode(error, 'MODEM_TIMEOUT', 'MODEM_ERROR')) throw error;
      await run('AT');
    }
    await run('ATE0');
    await run('AT+CMEE=1');
    const sim = parseCpin((await run('AT+CPIN?')).lines) ?? 'unknown';
    if (sim !== 'ready') {
      throw new PosError('SMS_UNAVAILABLE', `the GSM modem's SIM is not ready (${sim})`, {
        details: { transport: NAME, command: 'AT+CPIN?', sim },
      });
    }
    await run('AT+CMGF=0');
    link.reports = false;
    if (this.#statusReports) {
      try {
        await run(CNMI);
        link.reports = true;
      } catch (error) {
        if (!hasErrorCode(error, 'MODEM_ERROR')) throw error;
        this.#log.warn({ command: CNMI }, 'the GSM modem refuses status reports; sending without');
      }
    }
    this.#startupStep = undefined;
    link.started = true;
    this.#log.info({ path: this.#path, statusReports: link.reports }, 'GSM modem ready for SMS');
  }

  #lost(link: Link): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    link.channel.close();
    if (this.#closed) return;
    this.#log.warn({ path: this.#path }, 'the GSM modem port closed');
    this.#scheduleReconnect();
  }

  async #reopen(link: Link, why: string): Promise<void> {
    if (this.#link !== link || this.#closed) return;
    this.#log.warn({ path: this.#path }, why);
    await this.#drop(link);
    this.#scheduleReconnect();
  }

  async #drop(link: Link): Promise<void> {
    if (this.#link === link) this.#link = undefined;
    link.channel.close();
    await link.port.close();
  }

  #scheduleReconnect(): void {
    if (this.#closed || !this.#wanted || this.#reconnectTimer !== undefined) return;
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      // A failure is logged, and the next attempt scheduled, by #bringUp.
      this.#ensureLink().catch(() => undefined);
    }, this.#backoff.next());
  }

  #clearReconnect(): void {
    if (this.#reconnectTimer !== undefined) this.#clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
  }

  // --- status reports --------------------------------------------------------------------

  #onUrc(link: Link, urc: AtUrc): void {
    const [head = '', body] = urc.lines;
    if (head.startsWith('+CDS:')) {
      this.#statusReport(head, body ?? '');
      return;
    }
    if ((head === 'RDY' || head === '^SYSSTART') && link.started && this.#link === link) {
      // The modem restarted behind an open port: its settings (PDU mode, CNMI) are gone.
      link.started = false;
      this.#log.warn({ path: this.#path }, 'the GSM modem restarted; running its start-up again');
      this.#scheduleReconnect();
    }
  }

  #track(references: readonly number[], transportRef: string): void {
    this.#prune();
    const valid = references.filter((reference) => reference >= 0);
    if (valid.length !== references.length) return;
    const tracked: Tracked = {
      transportRef,
      waiting: new Set(valid),
      expiresAt: this.#clock.now() + this.#trackForMs,
    };
    // A reference still mapped belongs to a message 256 sends ago: this one replaces it.
    for (const reference of valid) this.#tracked.set(reference, tracked);
  }

  #statusReport(head: string, pdu: string): void {
    const length = /^\+CDS:\s*(\d+)\s*$/.exec(head)?.[1];
    let report;
    try {
      report = parseStatusReport(pdu, length === undefined ? undefined : Number(length));
    } catch {
      this.#log.debug({ chars: pdu.length }, 'GSM modem: unreadable status report');
      return;
    }
    this.#prune();
    const reference = report.messageReference;
    const tracked = this.#tracked.get(reference);
    const outcome = deliveryOutcome(report.status);
    this.#log.debug(
      { reference, status: report.status, outcome, known: tracked !== undefined },
      'SMS status report',
    );
    if (!tracked || outcome === 'pending') return;
    this.#tracked.delete(reference);
    tracked.waiting.delete(reference);
    const at = Number.isNaN(report.dischargedAt.getTime())
      ? new Date(this.#clock.now())
      : report.dischargedAt;
    if (outcome === 'failed') {
      // One lost part loses the message; the other parts' reports no longer matter.
      for (const other of tracked.waiting) {
        if (this.#tracked.get(other) === tracked) this.#tracked.delete(other);
      }
      tracked.waiting.clear();
      this.#reports.emit({ transportRef: tracked.transportRef, delivered: false, at });
    } else if (tracked.waiting.size === 0) {
      this.#reports.emit({ transportRef: tracked.transportRef, delivered: true, at });
    }
  }

  #prune(): void {
    const now = this.#clock.now();
    for (const [reference, tracked] of this.#tracked) {
      if (tracked.expiresAt <= now) this.#tracked.delete(reference);
    }
  }
}

function referenceText(reference: number): string {
  return reference < 0 ? '?' : String(reference);
}

function closedError(): PosError {
  return new PosError('SMS_UNAVAILABLE', 'the gsm-modem transport is closed', {
    details: { transport: NAME },
  });
}

function abortedError(where: string, command: string | undefined): PosError {
  return new PosError('SMS_UNAVAILABLE', `the send was aborted ${where}`, {
    details: { transport: NAME, aborted: true, ...(command === undefined ? {} : { command }) },
  });
}

/**
 * Any failure as the queue wants it: `SMS_UNAVAILABLE`, naming `command`, permanent only for a
 * `+CMS ERROR` that refuses the destination. The AT channel's errors never hold the payload.
 */
function unavailable(error: unknown, command: string | undefined): PosError {
  if (hasErrorCode(error, 'SMS_UNAVAILABLE')) return error;
  const named = command ?? (isPosError(error) ? error.details.command : undefined);
  const label = typeof named === 'string' ? named : 'the modem';
  const base = { transport: NAME, ...(typeof named === 'string' ? { command: named } : {}) };
  if (hasErrorCode(error, 'MODEM_ERROR') && error.details.final === 'cms-error') {
    const cms = error.details.cms;
    const permanent = isPermanentCmsError(cms);
    return new PosError(
      'SMS_UNAVAILABLE',
      `the network refused the SMS at ${label}: +CMS ERROR ${describeCmsError(cms)}`,
      { details: { ...base, cms, ...(permanent ? { permanent: true } : {}) }, cause: error },
    );
  }
  if (hasErrorCode(error, 'MODEM_TIMEOUT')) {
    const timeoutMs = error.details.timeoutMs;
    return new PosError(
      'SMS_UNAVAILABLE',
      `the GSM modem did not answer ${label} in ${String(timeoutMs)} ms`,
      { details: { ...base, timeoutMs }, cause: error },
    );
  }
  if (hasErrorCode(error, 'MODEM_ERROR')) {
    return new PosError('SMS_UNAVAILABLE', `the GSM modem refused ${label}: ${error.message}`, {
      details: base,
      cause: error,
    });
  }
  if (hasErrorCode(error, 'MODEM_UNAVAILABLE')) {
    return new PosError('SMS_UNAVAILABLE', `the GSM modem is not connected (${error.message})`, {
      details: base,
      cause: error,
    });
  }
  return new PosError('SMS_UNAVAILABLE', 'the gsm-modem transport failed unexpectedly', {
    details: base,
    cause: error,
  });
}
