import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { isPosError } from '../../core/PosError.js';
import { redactString } from '../../core/redact.js';
import type { HostCrypto } from '../crypto/HostCrypto.js';
import { newId } from '../crypto/generators.js';
import type { HostDb } from '../store/openDatabase.js';
import type { Database, SmsKind, SmsMessage } from '../store/schema.js';
import { checkPerNumberLimit, type PerNumberLimit } from './perNumberLimit.js';
import type { SmsDeliveryReport, SmsTransport } from './SmsTransport.js';

/** A text to queue. */
export interface QueuedSms {
  msisdn: string;
  kind: SmsKind;
  /** The full text (it may carry a PIN or a code: it is stored sealed, never in clear). */
  text: string;
  paymentId?: string;
  /** Not sent after this (a code past its expiry is worthless). */
  expiresAt?: Date;
  /**
   * True when the caller will drive the delivery itself with {@link SmsQueue.deliverNow}
   * right after its transaction commits; the background worker then leaves it alone.
   */
  driven?: boolean;
}

export interface SmsQueueOptions {
  db: HostDb;
  crypto: HostCrypto;
  clock: Clock;
  /**
   * The transports in order of preference. Each attempt offers the text to the first; a
   * temporary refusal passes it on to the next, and so on down the list. None: the queue only
   * queues (an admin command next to a serving host, which sends the texts).
   */
  transports: readonly SmsTransport[];
  logger: Logger;
  /** Texts per number and window (default none). */
  perNumberLimit?: PerNumberLimit;
  /** First retry delay, doubled per attempt up to `maxBackoffMs` (defaults 500 ms, 60 s). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Attempts before a message is given up as failed (default 8). */
  maxAttempts?: number;
  /** Longest wait for one transport's answer (default 15 s). */
  attemptTimeoutMs?: number;
}

/** How many times, and how far apart, a delivery report that matched no message is retried. */
const REPORT_RETRIES = 5;
const REPORT_RETRY_MS = 200;

/**
 * The SMS delivery queue: every text is a row in `sms_messages` (written in the same
 * transaction as the business change that needs it, so a crash never loses or invents one),
 * then handed to the transports with retries, exponential backoff and failover.
 *
 * One attempt offers the text to each configured transport in order until one accepts it: a
 * temporary refusal (or no answer in time) passes it on to the next, a permanent refusal ends
 * it. When every transport refused, the attempt counts once and the next waits for the
 * backoff. `sms_messages.transport` and `transport_ref` record which transport took it, and
 * delivery reports (from any transport) are matched back by that pair.
 *
 * The per-number limit is checked before each attempt: a code over the limit fails at once
 * (its payment is then declined `SMS_UNAVAILABLE`, nothing debited); other texts wait until
 * the window has room.
 *
 * A payment waits for its code with {@link deliverNow}, inside a time budget; other texts
 * (PIN at enrollment, lock notices) are sent by the background pass {@link runDue}. Claiming a
 * row (`queued` → `sending`) is one conditional update, so two host processes never send the
 * same row at once. Delivery is at least once: a process that dies mid-send leaves a `sending`
 * row that is queued again after two minutes.
 */
export class SmsQueue {
  readonly #options: Required<SmsQueueOptions>;

  constructor(options: SmsQueueOptions) {
    this.#options = {
      baseBackoffMs: 500,
      maxBackoffMs: 60_000,
      maxAttempts: 8,
      attemptTimeoutMs: 15_000,
      perNumberLimit: { max: 0, windowSeconds: 3600 },
      ...options,
    };
    for (const transport of options.transports) {
      transport.onDeliveryReport?.((report) => {
        void this.#recordDelivery(transport.name, report, 0).catch((error: unknown) => {
          this.#options.logger.error({ err: error }, 'could not record an SMS delivery report');
        });
      });
    }
  }

  /** The transports' names, in the order they are tried. */
  get transportNames(): string[] {
    return this.#options.transports.map((transport) => transport.name);
  }

  /** Adds a text to the queue inside the caller's transaction; returns its id. */
  async enqueue(db: Kysely<Database>, sms: QueuedSms): Promise<string> {
    const id = newId('S');
    const now = new Date(this.#options.clock.now());
    await db
      .insertInto('sms_messages')
      .values({
        id,
        msisdn: sms.msisdn,
        kind: sms.kind,
        text_box: this.#options.crypto.seal(sms.text),
        status: 'queued',
        next_attempt_at: sms.driven === true ? null : now,
        expires_at: sms.expiresAt ?? null,
        last_error: null,
        transport: null,
        transport_ref: null,
        payment_id: sms.paymentId ?? null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  }

  /**
   * Tries to hand message `id` to a transport now, retrying with backoff until it is
   * accepted or `budgetMs` has passed. True when accepted. When the budget runs out the
   * message stays queued without a next attempt: the caller either {@link cancel}s it (a code
   * for a payment that will be declined) or {@link release}s it to the background worker.
   */
  async deliverNow(id: string, budgetMs: number): Promise<boolean> {
    const { clock } = this.#options;
    if (this.#options.transports.length === 0) return false;
    const deadline = clock.now() + budgetMs;
    for (let attempt = 0; ; attempt += 1) {
      const row = await this.#claim(id);
      if (!row) return isAccepted(await this.#statusOf(id));
      const left = deadline - clock.now();
      const outcome = await this.#attempt(row, { timeoutMs: left, driven: true });
      if (outcome !== 'retry') return outcome === 'accepted';
      const wait = this.#backoff(attempt);
      if (clock.now() + wait >= deadline) return false;
      await sleep(clock, wait);
    }
  }

  /** Gives a still-queued message up (status `cancelled`, text erased). */
  async cancel(db: Kysely<Database>, where: { id?: string; paymentId?: string }): Promise<void> {
    let query = db
      .updateTable('sms_messages')
      .set({ status: 'cancelled', text_box: null, updated_at: new Date(this.#options.clock.now()) })
      .where('status', '=', 'queued');
    if (where.id !== undefined) query = query.where('id', '=', where.id);
    if (where.paymentId !== undefined) query = query.where('payment_id', '=', where.paymentId);
    await query.execute();
  }

  /** Hands a driven message that is still queued to the background worker. */
  async release(id: string): Promise<void> {
    await this.#options.db
      .updateTable('sms_messages')
      .set({ next_attempt_at: new Date(this.#options.clock.now()) })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  /**
   * One background pass: sends every queued message whose next attempt is due (at most
   * `limit`), and queues again rows left `sending` by a process that died. Returns how many
   * messages were accepted.
   */
  async runDue(limit = 20): Promise<number> {
    const { db, clock } = this.#options;
    if (this.#options.transports.length === 0) return 0;
    const now = new Date(clock.now());
    await db
      .updateTable('sms_messages')
      .set({ status: 'queued', next_attempt_at: now, updated_at: now })
      .where('status', '=', 'sending')
      .where('updated_at', '<', new Date(clock.now() - 120_000))
      .execute();
    const due = await db
      .selectFrom('sms_messages')
      .select('id')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    let accepted = 0;
    for (const { id } of due) {
      const row = await this.#claim(id);
      if (!row) continue;
      const outcome = await this.#attempt(row, {
        timeoutMs: this.#options.attemptTimeoutMs,
        driven: false,
      });
      if (outcome === 'accepted') accepted += 1;
    }
    return accepted;
  }

  /** Closes every transport (each one's failure is logged, the others still close). */
  async close(): Promise<void> {
    const results = await Promise.allSettled(
      this.#options.transports.map((transport) => transport.close()),
    );
    for (const result of results) {
      if (result.status === 'rejected') {
        this.#options.logger.error(
          { err: result.reason },
          'an SMS transport did not close cleanly',
        );
      }
    }
  }

  async #claim(id: string): Promise<SmsMessage | undefined> {
    return this.#options.db
      .updateTable('sms_messages')
      .set({ status: 'sending', updated_at: new Date(this.#options.clock.now()) })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
  }

  async #statusOf(id: string): Promise<string | undefined> {
    const row = await this.#options.db
      .selectFrom('sms_messages')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.status;
  }

  /**
   * One attempt: the limit check, then each transport in turn. `timeoutMs` bounds the whole
   * attempt when a caller waits on it (`driven`): each transport still to try gets an equal
   * share of what is left, so a gateway that hangs cannot use up the time of the next one.
   */
  async #attempt(
    row: SmsMessage,
    { timeoutMs, driven }: { timeoutMs: number; driven: boolean },
  ): Promise<'accepted' | 'retry' | 'failed' | 'limited'> {
    const { db, clock, crypto, transports, logger, attemptTimeoutMs } = this.#options;
    const attempts = row.attempts + 1;
    const now = () => new Date(clock.now());
    if (row.text_box === null || (row.expires_at !== null && row.expires_at <= now())) {
      await this.#finish(row.id, { status: 'failed', attempts: row.attempts, error: 'expired' });
      return 'failed';
    }
    const limit = await checkPerNumberLimit(db, this.#options.perNumberLimit, row, now());
    if (!limit.allowed) return this.#overLimit(row, limit.freeAt, driven);

    const text = crypto.open(row.text_box);
    const deadline = driven ? clock.now() + timeoutMs : Number.POSITIVE_INFINITY;
    const reasons: string[] = [];
    let tried: string | null = null;
    for (const [index, transport] of transports.entries()) {
      const left = deadline - clock.now();
      if (left <= 0) break;
      const share = Math.min(attemptTimeoutMs, left / (transports.length - index));
      tried = transport.name;
      try {
        const accepted = await transport.send(
          { messageId: row.id, to: row.msisdn, text },
          AbortSignal.timeout(Math.max(1, Math.floor(share))),
        );
        await db
          .updateTable('sms_messages')
          .set({
            status: 'accepted',
            attempts,
            text_box: null,
            transport: transport.name,
            transport_ref: accepted.transportRef ?? null,
            accepted_at: now(),
            last_error: null,
            next_attempt_at: null,
            updated_at: now(),
          })
          .where('id', '=', row.id)
          .execute();
        logger.info(
          { smsId: row.id, kind: row.kind, transport: transport.name, attempts },
          'SMS accepted',
        );
        return 'accepted';
      } catch (error) {
        const permanent = isPosError(error) && error.details.permanent === true;
        const reason = `${transport.name}: ${describe(error)}`;
        reasons.push(reason);
        logger.warn(
          { smsId: row.id, kind: row.kind, transport: transport.name, attempts, permanent, reason },
          'SMS attempt failed',
        );
        if (permanent) {
          await this.#finish(row.id, {
            status: 'failed',
            attempts,
            error: reason,
            transport: tried,
          });
          return 'failed';
        }
      }
    }
    const error = reasons.length === 0 ? 'no time left to try a transport' : reasons.join('; ');
    if (attempts >= this.#options.maxAttempts) {
      await this.#finish(row.id, { status: 'failed', attempts, error, transport: tried });
      return 'failed';
    }
    const next = driven ? null : new Date(clock.now() + this.#backoff(attempts - 1));
    await db
      .updateTable('sms_messages')
      .set({
        status: 'queued',
        attempts,
        last_error: error.slice(0, 500),
        transport: tried,
        next_attempt_at: next,
        updated_at: now(),
      })
      .where('id', '=', row.id)
      .execute();
    return 'retry';
  }

  /**
   * A text over the per-number limit. A code (it has an expiry) is refused at once: its
   * payment must not wait for a window that outlasts it. Others are put back until the window
   * has room (a driven one goes back to its caller, who releases it to the background).
   */
  async #overLimit(row: SmsMessage, freeAt: Date, driven: boolean): Promise<'failed' | 'limited'> {
    const { clock, logger, perNumberLimit } = this.#options;
    const error = `rate limited: ${perNumberLimit.max} texts to this number in ${perNumberLimit.windowSeconds} s`;
    logger.warn(
      { smsId: row.id, kind: row.kind, freeAt: freeAt.toISOString() },
      'SMS over the per-number limit',
    );
    if (row.expires_at !== null) {
      await this.#finish(row.id, { status: 'failed', attempts: row.attempts, error });
      return 'failed';
    }
    await this.#options.db
      .updateTable('sms_messages')
      .set({
        status: 'queued',
        last_error: error,
        next_attempt_at: driven ? null : freeAt,
        updated_at: new Date(clock.now()),
      })
      .where('id', '=', row.id)
      .execute();
    return 'limited';
  }

  async #finish(
    id: string,
    outcome: { status: 'failed'; attempts: number; error: string; transport?: string | null },
  ): Promise<void> {
    await this.#options.db
      .updateTable('sms_messages')
      .set({
        status: outcome.status,
        attempts: outcome.attempts,
        last_error: outcome.error.slice(0, 500),
        ...(outcome.transport === undefined ? {} : { transport: outcome.transport }),
        text_box: null,
        next_attempt_at: null,
        updated_at: new Date(this.#options.clock.now()),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Records a delivery report against the message `transport` accepted under its reference.
   * A delivered text becomes `delivered`; a failed report leaves it `accepted` (a transport did
   * take it) with `delivery: failed`. A report can overtake the write of its own acceptance
   * (a fast network), so one that matches nothing is tried again a few times.
   */
  async #recordDelivery(
    transport: string,
    report: SmsDeliveryReport,
    retry: number,
  ): Promise<void> {
    const { db, clock, logger } = this.#options;
    const result = await db
      .updateTable('sms_messages')
      .set((eb) => ({
        delivery: report.delivered ? 'delivered' : 'failed',
        delivery_at: report.at,
        status: report.delivered
          ? eb
              .case()
              .when('status', '=', 'accepted')
              .then('delivered' as const)
              .else(eb.ref('status'))
              .end()
          : eb.ref('status'),
        updated_at: new Date(clock.now()),
      }))
      .where('transport', '=', transport)
      .where('transport_ref', '=', report.transportRef)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return;
    if (retry >= REPORT_RETRIES) {
      logger.warn(
        { transport, transportRef: report.transportRef },
        'a delivery report matched no SMS',
      );
      return;
    }
    await sleep(clock, REPORT_RETRY_MS * (retry + 1));
    await this.#recordDelivery(transport, report, retry + 1);
  }

  #backoff(attempt: number): number {
    return Math.min(this.#options.maxBackoffMs, this.#options.baseBackoffMs * 2 ** attempt);
  }
}

/** A transport's error, reduced to something safe to store and log (no text, no number). */
function describe(error: unknown): string {
  const text = isPosError(error) ? `${error.code}: ${error.message}` : String(error);
  return redactString(text).slice(0, 200);
}

/** True for a message a transport took (a delivery report may have come since). */
function isAccepted(status: string | undefined): boolean {
  return status === 'accepted' || status === 'delivered';
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
