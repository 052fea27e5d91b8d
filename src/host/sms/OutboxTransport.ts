import type { Clock } from '../../core/clock.js';
import { PosError } from '../../core/PosError.js';
import type { HostCrypto } from '../crypto/HostCrypto.js';
import type { HostDb } from '../store/openDatabase.js';
import type { OutgoingSms, SmsAcceptance, SmsTransport } from './SmsTransport.js';

/**
 * The default transport: keeps every message in the host's database (`sms_outbox`, text sealed
 * with the at-rest key) instead of sending it, so a developer, the simulator's phone panel and
 * tests can read the PIN and codes with `pos-host sms outbox`. Always accepts.
 */
export class OutboxTransport implements SmsTransport {
  readonly name = 'outbox';
  readonly #db: HostDb;
  readonly #crypto: HostCrypto;
  readonly #clock: Clock;
  #closed = false;

  constructor(db: HostDb, crypto: HostCrypto, clock: Clock) {
    this.#db = db;
    this.#crypto = crypto;
    this.#clock = clock;
  }

  async send(message: OutgoingSms, signal: AbortSignal): Promise<SmsAcceptance> {
    signal.throwIfAborted();
    // The database may outlive the transport (tests, the admin socket); a closed transport
    // still refuses, as every transport does, so a late send cannot slip in after shutdown.
    if (this.#closed) throw new PosError('SMS_UNAVAILABLE', 'the outbox transport is closed');
    const row = await this.#db
      .insertInto('sms_outbox')
      .values({
        message_id: message.messageId,
        msisdn: message.to,
        text_box: this.#crypto.seal(message.text),
        created_at: new Date(this.#clock.now()),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { transportRef: `outbox-${row.id}` };
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}

/** One message as the outbox holds it (`pos-host sms outbox`). */
export interface OutboxMessage {
  to: string;
  text: string;
  createdAt: string;
}

/** The outbox's messages, oldest first (newest last), optionally for one number. */
export async function readOutbox(
  db: HostDb,
  crypto: HostCrypto,
  msisdn?: string,
): Promise<OutboxMessage[]> {
  let query = db.selectFrom('sms_outbox').select(['msisdn', 'text_box', 'created_at']);
  if (msisdn !== undefined) query = query.where('msisdn', '=', msisdn);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => ({
    to: row.msisdn,
    text: crypto.open(row.text_box),
    createdAt: row.created_at.toISOString(),
  }));
}
