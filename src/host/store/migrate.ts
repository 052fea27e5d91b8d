import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { PosError } from '../../core/PosError.js';
import * as initial from './migrations/0001_initial.js';
import * as smsDelivery from './migrations/0002_sms_delivery.js';

/** Every migration in order. Append new ones; never edit one that has shipped. */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_sms_delivery': smsDelivery,
};

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};

/** The outcome of {@link migrateToLatest}: which migrations ran now (empty when up to date). */
export interface MigrationOutcome {
  applied: string[];
  latest: string;
}

/**
 * Brings the schema to the newest version, each migration in its own transaction. Safe to run
 * from two processes at once (kysely takes a lock). Throws `INTERNAL` naming the migration that
 * failed; the database stays at the last version that succeeded.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new PosError('INTERNAL', `migration ${failed?.migrationName ?? '(none)'} failed`, {
      cause: error,
    });
  }
  const names = Object.keys(MIGRATIONS);
  return {
    applied: results.map((result) => result.migrationName),
    latest: names[names.length - 1] ?? '',
  };
}
