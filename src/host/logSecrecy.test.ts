import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.js';
import { ManualClock } from '../core/ManualClock.js';
import type { Secret } from '../core/Secret.js';
import { encodeBase64Url } from '../protocol/base64url.js';
import { AUTH_HEADERS } from '../protocol/signing.js';
import {
  createTestHost,
  openTestDatabase,
  ScriptedRandom,
  TEST_DATABASE_KINDS,
  type TestDatabase,
} from '../testing/hostHarness.js';
import { addTestTerminal, enrollTestCard, latestCodeFor } from '../testing/hostScenario.js';
import { sendSigned, type RawReply, type SendRequest } from '../testing/signedRequest.js';
import { errorCodeOf, injectSender } from '../testing/TestTerminal.js';
import type { HostApp } from './buildHost.js';
import { readOutbox } from './sms/OutboxTransport.js';

/**
 * Whatever a host does, its log and its database never show a secret in clear: not the PIN,
 * not a one-time code (right or wrong), not the terminal key, the card token, the PIN block or
 * a request signature, not the texts sent to customers. Every line a request writes carries
 * fastify's request id (under the label docs/host.md names, `requestId`), the one the reply's
 * `x-request-id` header gives, so an operator can follow one request.
 *
 * The secrets are chosen values that occur nowhere else: the clock stands still at a time
 * whose digits do not contain them, and six-digit secrets are matched only where no other
 * digit touches them (a response time such as 0.5820374 is not a leak of 582037).
 */
const PIN = '739146';
const WRONG_PIN = '264803';
const SALE_CODE = '582037';
const RESEND_CODE = '604918';
const WRONG_CODE = '917352';
const UNUSED_CODE = '350729';
const START = Date.UTC(2026, 10, 23, 8, 0, 0);
/** fastify's `requestIdLogLabel` as the host sets it. */
const REQUEST_ID = 'requestId';

/** A random source that fails, once asked to, the way a broken generator would: loudly. */
class FailingRandom extends ScriptedRandom {
  failNext = false;

  override otp(): Secret {
    if (this.failNext) {
      this.failNext = false;
      throw new Error(`hardware RNG fault after otp ${UNUSED_CODE}, pin=${PIN}`);
    }
    return super.otp();
  }
}

interface LogLine {
  level: number;
  msg?: string;
  err?: { message?: string; stack?: string };
  [field: string]: unknown;
}

/** True when `text` contains `secret`; a digit secret only where no other digit touches it. */
function shows(text: string, secret: string): boolean {
  if (!/^\d+$/.test(secret)) return text.includes(secret);
  return new RegExp(`(?<!\\d)${secret}(?!\\d)`).test(text);
}

function json(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );
}

describe.each(TEST_DATABASE_KINDS)('secrets in the log and the store on %s', (kind) => {
  let database: TestDatabase;
  let app: HostApp;
  let chunks: string[];
  let random: FailingRandom;
  let clock: ManualClock;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    // pg's pool.end() resolves before its clients have disconnected, and the harness drops the
    // database `with (force)`: give them a moment, or the killed sessions throw uncaught.
    await database.db.destroy();
    if (database.kind === 'postgres') await new Promise((resolve) => setTimeout(resolve, 200));
    await database.close();
  });
  beforeEach(async () => {
    await database.reset();
    chunks = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    random = new FailingRandom();
    random.pins.push(PIN);
    random.otps.push(SALE_CODE, RESEND_CODE);
    clock = new ManualClock(START);
    app = await createTestHost(database.db, {
      clock,
      random,
      logger: createLogger({ name: 'host', level: 'trace', destination }),
    });
    return () => app.close();
  });

  function logLines(): LogLine[] {
    return chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);
  }

  it('keeps every secret of a full flow out of the log and out of the tables', async () => {
    const signatures: string[] = [];
    const requestIds: string[] = [];
    const inject = injectSender(app);
    const send: SendRequest = async (request) => {
      signatures.push(request.headers[AUTH_HEADERS.signature] ?? '');
      const reply = await inject(request);
      requestIds.push(String(reply.headers['x-request-id']));
      return reply;
    };
    const expectReply = (reply: RawReply, status: number, code?: string) => {
      expect({ status: reply.status, code: errorCodeOf(reply) }).toEqual({ status, code });
    };

    const terminal = await addTestTerminal(app, 'T0000001', send);
    const terminalKey = encodeBase64Url(terminal.identity.key);
    const card = await enrollTestCard(app, { balance: 50_000 });
    expect(card.pin).toBe(PIN);
    const pinBlockParts: string[] = [];
    const pay = (options: { amount?: number; pin?: string }) => {
      const body = terminal.paymentBody(card, options);
      pinBlockParts.push(body.pinBlock.ct, body.pinBlock.epk);
      return terminal.request('POST', '/v1/payments', body);
    };

    expectReply(await pay({ amount: 1_234, pin: WRONG_PIN }), 403, 'PIN_INCORRECT');
    const sale = await pay({ amount: 1_234 });
    expectReply(sale, 201);
    const { paymentId } = sale.body as { paymentId: string };
    expect(await latestCodeFor(app, card.msisdn)).toBe(SALE_CODE);
    expectReply(await terminal.confirm(paymentId, WRONG_CODE), 403, 'OTP_INCORRECT');
    clock.advance((app.context.policy.resendCooldownSeconds + 1) * 1000);
    const resent = await terminal.request('POST', `/v1/payments/${paymentId}/resend-otp`, {});
    expectReply(resent, 200);
    expect(await latestCodeFor(app, card.msisdn)).toBe(RESEND_CODE);
    // The replaced code is now just a wrong one.
    expectReply(await terminal.confirm(paymentId, SALE_CODE), 403, 'OTP_INCORRECT');
    const approved = await terminal.confirm(paymentId, RESEND_CODE);
    expectReply(approved, 200);
    expectReply(await pay({}), 200);
    // A confirm the schema refuses, carrying a code.
    expectReply(
      await terminal.request('POST', `/v1/payments/${paymentId}/confirm`, {
        otp: UNUSED_CODE,
        pin: PIN,
      }),
      400,
      'VALIDATION_FAILED',
    );
    // A request signed with the wrong key.
    const forgedKey = new Uint8Array(randomBytes(32));
    const forged = await sendSigned(
      send,
      { terminalId: terminal.identity.terminalId, key: forgedKey },
      {
        method: 'POST',
        path: `/v1/payments/${paymentId}/confirm`,
        body: { otp: RESEND_CODE },
        nowSeconds: Math.floor(clock.now() / 1000),
      },
    );
    expectReply(forged, 401, 'SIGNATURE_INVALID');
    // An unexpected failure whose error message names secrets.
    random.failNext = true;
    const broken = await pay({ amount: 500 });
    expectReply(broken, 500, 'INTERNAL');
    expect(json(broken.body)).not.toMatch(/stack|RNG|at \w+ \(/);

    const texts = (await readOutbox(app.context.db, app.context.crypto)).map((sms) => sms.text);
    // The flow really handled these secrets: the customer's phone got them.
    expect(texts.some((text) => shows(text, PIN))).toBe(true);
    expect(texts.some((text) => shows(text, SALE_CODE))).toBe(true);
    expect(texts.some((text) => shows(text, RESEND_CODE))).toBe(true);
    expect(signatures.length).toBeGreaterThanOrEqual(10);
    const secrets = [
      PIN,
      WRONG_PIN,
      SALE_CODE,
      RESEND_CODE,
      WRONG_CODE,
      UNUSED_CODE,
      terminalKey,
      encodeBase64Url(forgedKey),
      card.token,
      ...pinBlockParts,
      ...signatures,
      ...texts,
    ];
    for (const secret of secrets) expect(secret.length).toBeGreaterThanOrEqual(6);

    // The log.
    const lines = logLines();
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      const text = json(line);
      for (const secret of secrets) {
        if (shows(text, secret)) throw new Error(`a log line shows the secret ${secret}: ${text}`);
      }
    }
    const requestLines = lines.filter(
      (line) =>
        'req' in line ||
        'res' in line ||
        REQUEST_ID in line ||
        (line.msg ?? '').startsWith('request '),
    );
    for (const line of requestLines) {
      const id = line[REQUEST_ID];
      expect(typeof id === 'string' && id.length > 0, json(line)).toBe(true);
    }
    // One completion line per request, under the id its reply carried.
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => line[REQUEST_ID]).sort()).toEqual([...requestIds].sort());
    expect(new Set(requestIds).size).toBe(requestIds.length);
    for (const verdict of ['request authenticated', 'request refused', 'request failed']) {
      expect(requestLines.some((line) => line.msg === verdict)).toBe(true);
    }
    const failed = lines.filter((line) => line.msg === 'request failed');
    expect(failed).toHaveLength(1);
    // The secret-bearing message reached the logger and was redacted there.
    expect(failed[0]?.err?.message).toContain('[REDACTED]');
    expect(failed[0]?.err?.message).toContain('hardware RNG fault');

    // The tables: every column of every row.
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'
      order by table_name`.execute(app.context.db);
    const names = tables.rows.map((row) => row.table_name);
    expect(names).toEqual(expect.arrayContaining(['accounts', 'payments', 'sms_messages']));
    const tableSecrets = [
      PIN,
      WRONG_PIN,
      SALE_CODE,
      RESEND_CODE,
      WRONG_CODE,
      UNUSED_CODE,
      terminalKey,
      card.token,
      ...texts,
    ];
    let rowCount = 0;
    for (const name of names) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(
        app.context.db,
      );
      rowCount += rows.rows.length;
      for (const row of rows.rows) {
        const text = json(row);
        for (const secret of tableSecrets) {
          if (shows(text, secret)) throw new Error(`${name} shows the secret ${secret}: ${text}`);
        }
      }
    }
    expect(rowCount).toBeGreaterThan(20);
  });
});
