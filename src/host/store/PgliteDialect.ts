import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * A kysely dialect over one embedded PGlite database.
 *
 * PGlite is a single connection, so this driver hands it to one user at a time: a transaction
 * holds it from BEGIN to COMMIT and other queries wait their turn. Without that, statements of
 * two concurrent transactions would interleave on the one session and see each other's
 * uncommitted rows. The cost is that transactions on PGlite run one after another, which the
 * embedded (single-process, small merchant) deployment can afford.
 */
export class PgliteDialect implements Dialect {
  readonly #db: PGlite;

  constructor(db: PGlite) {
    this.#db = db;
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PgliteDriver(this.#db);
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

class PgliteDriver implements Driver {
  readonly #connection: PgliteConnection;
  #queue: Promise<void> = Promise.resolve();

  constructor(db: PGlite) {
    this.#connection = new PgliteConnection(db);
  }

  async init(): Promise<void> {
    await this.#connection.db.waitReady;
  }

  /** Waits until the previous holder released the connection, then takes it. */
  async acquireConnection(): Promise<DatabaseConnection> {
    let release = (): void => undefined;
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#queue;
    this.#queue = previous.then(() => turn);
    await previous;
    this.#connection.release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${level}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  releaseConnection(): Promise<void> {
    const release = this.#connection.release;
    this.#connection.release = () => undefined;
    release();
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    await this.#queue;
    if (!this.#connection.db.closed) await this.#connection.db.close();
  }
}

class PgliteConnection implements DatabaseConnection {
  readonly db: PGlite;
  release: () => void = () => undefined;

  constructor(db: PGlite) {
    this.db = db;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.db.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    return {
      rows: result.rows,
      ...(result.affectedRows === undefined
        ? {}
        : { numAffectedRows: BigInt(result.affectedRows) }),
    };
  }

  /** Not offered: the host reads no result large enough to need a cursor. */
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on PGlite');
  }
}
