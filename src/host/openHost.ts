import { resolve } from 'node:path';
import type { Logger } from '../core/logger.js';
import { PosError } from '../core/PosError.js';
import { buildHost, type BuildHostOptions, type HostApp } from './buildHost.js';
import { HostCrypto } from './crypto/HostCrypto.js';
import { loadOrCreateMasterKey } from './crypto/masterKey.js';
import { secretFileOf, type HostConfig } from './hostConfig.js';
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
 * created), without listening. Other SMS transports than the outbox arrive with the SMS
 * transport work; asking for one now is `CONFIG_INVALID`.
 */
export async function openHost(
  config: HostConfig,
  logger: Logger,
  extra: Pick<BuildHostOptions, 'tls' | 'maintenanceIntervalMs'> = {},
): Promise<{ app: HostApp; migration: MigrationOutcome }> {
  if (config.smsTransport !== 'outbox') {
    throw new PosError(
      'CONFIG_INVALID',
      `SMS transport ${config.smsTransport} is not available in this version`,
      {
        details: {
          issues: [
            {
              field: 'smsTransport',
              source: 'env POS_HOST_SMS_TRANSPORT',
              problem: 'only outbox is available',
            },
          ],
        },
      },
    );
  }
  const crypto = new HostCrypto(loadOrCreateMasterKey(secretFileOf(config)));
  const { db, migration } = await openConfiguredDatabase(config);
  const app = await buildHost({
    db,
    crypto,
    logger,
    policy: {
      otpTtlSeconds: config.otpTtlSeconds,
      maxAttempts: config.maxAttempts,
      lockSeconds: config.lockSeconds,
      resendCooldownSeconds: config.resendCooldownSeconds,
      maxResends: config.maxResends,
      smsBudgetMs: config.smsBudgetMs,
      smsLanguage: config.smsLanguage,
      smsTimeZone: config.smsTimeZone,
      defaultCurrency: config.currency,
    },
    ...extra,
  });
  return { app, migration };
}
