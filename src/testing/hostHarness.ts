import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { ManualClock } from '../core/ManualClock.js';
import { createLogger, type Logger } from '../core/logger.js';
import { Secret } from '../core/Secret.js';
import { buildHost, type HostApp } from '../host/buildHost.js';
import { HostCrypto } from '../host/crypto/HostCrypto.js';
import { secureRandom, type HostRandom } from '../host/crypto/generators.js';
import type { HostPolicy } from '../host/HostPolicy.js';
import type { SmsTransport } from '../host/sms/SmsTransport.js';
import { migrateToLatest } from '../host/store/migrate.js';
import { openDatabase, type HostDb } from '../host/store/openDatabase.js';
import type { Clock } from '../core/clock.js';

/** The database engines store tests run on: PGlite always, PostgreSQL when configured. */
export type TestDatabaseKind = 'pglite' | 'postgres';

/** `POS_TEST_DATABASE_URL` points at a PostgreSQL server tests may create databases on. */
export const TEST_DATABASE_KINDS: TestDatabaseKind[] = process.env.POS_TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

/** A migrated database of its own for one test file, emptied between tests with `reset`. */
export interface TestDatabase {
  kind: TestDatabaseKind;
  db: HostDb;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const TABLES = [
  'audit_events',
  'sms_outbox',
  'sms_messages',
  'settlements',
  'ledger_entries',
  'refunds',
  'payments',
  'accounts',
  'terminal_nonces',
  'terminals',
  'merchants',
  'pin_keys',
];

/**
 * Opens a fresh database: an in-memory PGlite, or a new database created on the PostgreSQL
 * server of `POS_TEST_DATABASE_URL` (dropped again by `close`).
 */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  let db: HostDb;
  let drop = (): Promise<void> => Promise.resolve();
  if (kind === 'pglite') {
    db = openDatabase({ kind: 'memory' });
  } else {
    const adminUrl = process.env.POS_TEST_DATABASE_URL ?? '';
    const name = `combopay_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    db = openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 20 });
    drop = () => dropDatabase(adminUrl, name);
  }
  await migrateToLatest(db as never);
  return {
    kind,
    db,
    reset: async () => {
      await sql.raw(`truncate ${TABLES.join(', ')} restart identity cascade`).execute(db);
      await sql`alter sequence reference_seq restart`.execute(db);
    },
    close: async () => {
      await db.destroy();
      // pg's pool.end() resolves before its sockets have closed; dropping the database
      // `with (force)` at once would terminate them mid-close and raise uncaught errors.
      if (kind === 'postgres') await new Promise((resolve) => setTimeout(resolve, 300));
      await drop();
    },
  };
}

/**
 * Drops a test database `with (force)`. An autovacuum worker visiting the database at that moment
 * makes PostgreSQL refuse (42501 unless the role may signal it, 55006 while it is leaving), so a
 * refusal of that kind is tried again a few times before it is reported.
 */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const transient = new Set(['42501', '55006']);
  for (let attempt = 1; ; attempt += 1) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 5 || typeof code !== 'string' || !transient.has(code)) throw error;
    } finally {
      await client.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}

/** Random values a test chooses: queued PINs and codes first, then secure ones. */
export class ScriptedRandom implements HostRandom {
  readonly pins: string[] = [];
  readonly otps: string[] = [];

  pin(): Secret {
    const next = this.pins.shift();
    return next === undefined ? secureRandom.pin() : new Secret(next);
  }

  otp(): Secret {
    const next = this.otps.shift();
    return next === undefined ? secureRandom.otp() : new Secret(next);
  }
}

export interface TestHostOptions {
  clock?: Clock;
  policy?: Partial<HostPolicy>;
  smsTransport?: SmsTransport;
  /** Transports in failover order (wins over `smsTransport`). */
  smsTransports?: SmsTransport[];
  logger?: Logger;
  random?: HostRandom;
}

/** A host over `db` with a throwaway master key; the database stays open when it closes. */
export async function createTestHost(db: HostDb, options: TestHostOptions = {}): Promise<HostApp> {
  return buildHost({
    db,
    crypto: new HostCrypto(randomBytes(32)),
    clock: options.clock ?? new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0)),
    random: options.random ?? new ScriptedRandom(),
    policy: { smsBudgetMs: 2_000, ...options.policy },
    logger: options.logger ?? createLogger({ name: 'host', level: 'silent' }),
    closeDatabase: false,
    ...(options.smsTransport ? { smsTransport: options.smsTransport } : {}),
    ...(options.smsTransports ? { smsTransports: options.smsTransports } : {}),
  });
}
