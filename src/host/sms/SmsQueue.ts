import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { isPosError } from '../../core/PosError.js';
import { redactString } from '../../core/redact.js';
import type { HostCrypto } from '../crypto/HostCrypto.js';
import { newId } from '../crypto/generators.js';
import type { HostDb } from '../store/openDatabase.js';
import type { Database, SmsKind, SmsMessage } from '../store/schema.js';
import type { SmsTransport } from './SmsTransport.js';

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
  transport: SmsTransport;
  logger: Logger;
  /** First retry delay, doubled per attempt up to `maxBackoffMs` (defaults 500 ms, 60 s). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Attempts before a message is given up as failed (default 8). */
  maxAttempts?: number;
  /** Longest wait for one transport attempt (default 15 s). */
  attemptTimeoutMs?: number;
}

/**
 * The SMS delivery queue: every text is a row in `sms_messages` (written in the same
 * transaction as the business change that needs it, so a crash never loses or invents one),
 * then handed to the transport with retries and exponential backoff.
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
      ...options,
    };
    options.transport.onDeliveryReport?.((report) => {
      void this.#recordDelivery(report.transportRef, report.delivered).catch((error: unknown) => {
        this.#options.logger.error({ err: error }, 'could not record an SMS delivery report');
      });
    });
  }

  get transportName(): string {
    return this.#options.transport.name;
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
   * Tries to hand message `id` to the transport now, retrying with backoff until it is
   * accepted or `budgetMs` has passed. True when accepted. When the budget runs out the
   * message stays queued without a next attempt: the caller either {@link cancel}s it (a code
   * for a payment that will be declined) or {@link release}s it to the background worker.
   */
  async deliverNow(id: string, budgetMs: number): Promise<boolean> {
    const { clock } = this.#options;
    const deadline = clock.now() + budgetMs;
    for (let attempt = 0; ; attempt += 1) {
      const row = await this.#claim(id);
      if (!row) return (await this.#statusOf(id)) === 'accepted';
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

  /** Closes the transport. */
  async close(): Promise<void> {
    await this.#options.transport.close();
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

  async #attempt(
    row: SmsMessage,
    { timeoutMs, driven }: { timeoutMs: number; driven: boolean },
  ): Promise<'accepted' | 'retry' | 'failed'> {
    const { db, clock, crypto, transport, logger } = this.#options;
    const attempts = row.attempts + 1;
    const now = () => new Date(clock.now());
    if (row.text_box === null || (row.expires_at !== null && row.expires_at <= now())) {
      await this.#finish(row.id, { status: 'failed', attempts: row.attempts, error: 'expired' });
      return 'failed';
    }
    try {
      const signal = AbortSignal.timeout(
        Math.max(1, Math.min(timeoutMs, this.#options.attemptTimeoutMs)),
      );
      const accepted = await transport.send(
        { messageId: row.id, to: row.msisdn, text: crypto.open(row.text_box) },
        signal,
      );
      await db
        .updateTable('sms_messages')
        .set({
          status: 'accepted',
          attempts,
          text_box: null,
          transport: transport.name,
          transport_ref: accepted.transportRef ?? null,
          last_error: null,
          next_attempt_at: null,
          updated_at: now(),
        })
        .where('id', '=', row.id)
        .execute();
      logger.info({ smsId: row.id, kind: row.kind, transport: transport.name }, 'SMS accepted');
      return 'accepted';
    } catch (error) {
      const permanent = isPosError(error) && error.details.permanent === true;
      const reason = describe(error);
      logger.warn({ smsId: row.id, kind: row.kind, attempts, reason }, 'SMS attempt failed');
      if (permanent || attempts >= this.#options.maxAttempts) {
        await this.#finish(row.id, { status: 'failed', attempts, error: reason });
        return 'failed';
      }
      const next = driven ? null : new Date(clock.now() + this.#backoff(attempts - 1));
      await db
        .updateTable('sms_messages')
        .set({
          status: 'queued',
          attempts,
          last_error: reason,
          transport: transport.name,
          next_attempt_at: next,
          updated_at: now(),
        })
        .where('id', '=', row.id)
        .execute();
      return 'retry';
    }
  }

  async #finish(
    id: string,
    outcome: { status: 'failed'; attempts: number; error: string },
  ): Promise<void> {
    await this.#options.db
      .updateTable('sms_messages')
      .set({
        status: outcome.status,
        attempts: outcome.attempts,
        last_error: outcome.error,
        text_box: null,
        next_attempt_at: null,
        updated_at: new Date(this.#options.clock.now()),
      })
      .where('id', '=', id)
      .execute();
  }

  async #recordDelivery(transportRef: string, delivered: boolean): Promise<void> {
    await this.#options.db
      .updateTable('sms_messages')
      .set({
        status: delivered ? 'delivered' : 'failed',
        updated_at: new Date(this.#options.clock.now()),
      })
      .where('transport', '=', this.#options.transport.name)
      .where('transport_ref', '=', transportRef)
      .execute();
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

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
