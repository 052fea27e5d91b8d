import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PgliteDialect } from './PgliteDialect.js';
import type { Database } from './schema.js';

export type HostDb = Kysely<Database>;

/** Where the host's data lives: a PostgreSQL server, or PGlite embedded in the process. */
export type DatabaseLocation =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dir: string }
  | { kind: 'memory' };

const INT8_OID = 20;

/**
 * `bigint` columns hold minor units and counters: return them as JS numbers, refusing any
 * value a number cannot carry exactly rather than rounding money.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError('bigint column beyond 2^53');
  return value;
}

function typeParser(oid: number): (text: string) => unknown {
  if (oid === INT8_OID) return parseInt8;
  // pg types the oid as its enum of built-in types; any oid is valid at run time.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
  return pg.types.getTypeParser(oid, 'text') as (text: string) => unknown;
}

/**
 * Opens the host's database. PGlite keeps its files in `dir` (created if absent); `memory` is
 * a throwaway PGlite for tests. The schema is not touched: run `migrateToLatest` after.
 */
export function openDatabase(location: DatabaseLocation): HostDb {
  switch (location.kind) {
    case 'postgres': {
      const pool = new pg.Pool({
        connectionString: location.url,
        max: location.poolSize ?? 10,
        types: { getTypeParser: typeParser as never },
      });
      return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    }
    case 'pglite': {
      mkdirSync(location.dir, { recursive: true, mode: 0o700 });
      return new Kysely<Database>({ dialect: new PgliteDialect(new PGlite(location.dir)) });
    }
    case 'memory':
      return new Kysely<Database>({ dialect: new PgliteDialect(new PGlite()) });
  }
}

/** The PGlite directory inside the host's data dir. */
export function pgliteDir(dataDir: string): string {
  return join(dataDir, 'db');
}
