import { resolve } from 'node:path';
import { systemClock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { buildHost, type BuildHostOptions, type HostApp } from './buildHost.js';
import { HostCrypto } from './crypto/HostCrypto.js';
import { loadOrCreateMasterKey } from './crypto/masterKey.js';
import { secretFileOf, smsTransportsOf, type HostConfig } from './hostConfig.js';
import { createSmsTransports } from './sms/createSmsTransports.js';
import type { SmsTransport } from './sms/SmsTransport.js';
import { migrateToLatest, type MigrationOutcome } from './store/migrate.js';
import { openDatabase, pgliteDir, type HostDb } from './store/openDatabase.js';

/** Opens the configured database (PostgreSQL or the embedded PGlite) and migrates it. */
export async function openConfiguredDatabase(
  config: HostConfig,
): Promise<{ db: HostDb; migration: MigrationOutcome }> {
  const db = openDatabase(
    config.databaseUrl === undefined
      ? { kind: 'pglite', dir: pgliteDir(resolve(config.dataDir)) }
      : { kind: 'postgres', url: config.databaseUrl },
  );
  try {
    return { db, migration: await migrateToLatest(db as never) };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/**
 * Builds the host the configuration describes (database migrated, master key loaded or
 * created, SMS transports built and started), without listening. The transports close with
 * the app.
 *
 * `sendSms: false` is for one-off admin commands next to a serving host (PostgreSQL): they
 * must not open the serving host's links (a modem's port has one owner; an SMSC may allow one
 * bind), so their texts (an enrollment PIN, a "lock ended") stay queued and the serving host's
 * background pass sends them. The outbox alone is no link, and is used as usual.
 */
export async function openHost(
  config: HostConfig,
  logger: Logger,
  extra: Pick<BuildHostOptions, 'tls' | 'maintenanceIntervalMs'> & {
    sendSms?: boolean;
    /** Where transports read secrets named by environment variable (default `process.env`). */
    env?: Readonly<Record<string, string | undefined>>;
  } = {},
): Promise<{ app: HostApp; migration: MigrationOutcome }> {
  const { sendSms = true, env, ...build } = extra;
  const crypto = new HostCrypto(loadOrCreateMasterKey(secretFileOf(config)));
  const { db, migration } = await openConfiguredDatabase(config);
  const names = smsTransportsOf(config);
  const queueOnly = !sendSms && names.some((name) => name !== 'outbox');
  let smsTransports: SmsTransport[];
  try {
    smsTransports = queueOnly
      ? []
      : createSmsTransports(config, {
          db,
          crypto,
          clock: systemClock,
          logger,
          ...(env === undefined ? {} : { env }),
        });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let app: HostApp;
  try {
    app = await buildHost({
      db,
      crypto,
      logger,
      smsTransports,
      policy: {
        otpTtlSeconds: config.otpTtlSeconds,
        maxAttempts: config.maxAttempts,
        lockSeconds: config.lockSeconds,
        resendCooldownSeconds: config.resendCooldownSeconds,
        maxResends: config.maxResends,
        smsBudgetMs: config.smsBudgetMs,
        smsPerNumberMax: config.smsPerNumberMax,
        smsPerNumberWindowSeconds: config.smsPerNumberWindowSeconds,
        smsLanguage: config.smsLanguage,
        smsTimeZone: config.smsTimeZone,
        defaultCurrency: config.currency,
      },
      ...build,
    });
  } catch (error) {
    await Promise.allSettled(smsTransports.map((transport) => transport.close()));
    await db.destroy();
    throw error;
  }
  logger.info({ smsTransports: queueOnly ? [] : names }, 'SMS transports ready');
  return { app, migration };
}
