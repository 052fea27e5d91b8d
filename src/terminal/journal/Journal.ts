import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { isoNow, type Clock } from '../../core/clock.js';
import type { Currency } from '../../core/currencies.js';
import type { Logger } from '../../core/logger.js';
import { money } from '../../core/money.js';
import { PosError } from '../../core/PosError.js';
import {
  batchNumber,
  beginInput,
  currency as currencySchema,
  listInput,
  parseJournalInput,
  pendingSettlementInput,
  settlementInput,
  slipInput,
  updateInput,
} from './journalInput.js';
import {
  FINAL_TXN_STATES,
  OPEN_TXN_STATES,
  type BeginTxn,
  type JournalBatchFigures,
  type JournalOptions,
  type JournalSettlement,
  type PendingSettlement,
  type JournalTxn,
  type JournalTxnState,
  type JournalWritePoint,
  type StoredSlip,
  type TxnUpdate,
} from './journalTypes.js';
import { migrateJournal, readUserVersion } from './migrations.js';
import { toJournalTxn, type TxnRow } from './rowMapping.js';

export type { JournalOptions, JournalWritePoint } from './journalTypes.js';

/** The highest trace of a batch; after it the batch is full and must be settled. */
export const MAX_TRACE = 999_999;

/** How long a write waits for another connection's lock before failing (ms). */
const BUSY_TIMEOUT_MS = 5_000;

const DEFAULT_LIST_LIMIT = 50;
const DEFAULT_SETTLEMENTS_LIMIT = 20;

/** States in which an approved sale still stands (may be voided, counts in the batch). */
const APPROVED_STATES: readonly JournalTxnState[] = ['approved', 'completed'];

const sqlList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/** Figures of one batch, computed in SQL with integer sums. */
const BATCH_FIGURES_SQL = `
  WITH counted AS (
    SELECT
      type = 'sale' AND voided = 0 AND state IN (${sqlList(APPROVED_STATES)}) AS is_sale,
      type = 'sale' AND voided = 1 AS is_void,
      type = 'refund' AND state IN (${sqlList(APPROVED_STATES)}) AS is_refund,
      amount_value,
      amount_currency
    FROM transactions
    WHERE batch = ?
  )
  SELECT
    coalesce(sum(is_sale), 0) AS sale_count,
    coalesce(sum(CASE WHEN is_sale THEN amount_value END), 0) AS sale_total,
    coalesce(sum(is_void), 0) AS void_count,
    coalesce(sum(is_refund), 0) AS refund_count,
    coalesce(sum(CASE WHEN is_refund THEN amount_value END), 0) AS refund_total,
    coalesce(sum((is_sale OR is_refund) AND amount_currency IS NOT ?), 0) AS other_currency
  FROM counted`;

/** See {@link Journal.storageSettings}. */
export interface JournalStorageSettings {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  foreignKeys: boolean;
  busyTimeoutMs: number;
  schemaVersion: number;
}

interface FiguresRow {
  sale_count: number;
  sale_total: number;
  void_count: number;
  refund_count: number;
  refund_total: number;
  other_currency: number;
}

interface SettlementRow {
  batch: string;
  result: string;
  settled_at: string;
  next_batch: string;
}

/**
 * The terminal's power-safe journal: every transaction it starts, each state it reaches, the
 * open batch with its trace counters, settlements and the last slip, in one SQLite file.
 *
 * Durability: the file is in WAL mode with `synchronous=FULL`, so a write that returned has
 * reached the disk and survives a power cut; a write interrupted by a crash is absent as a
 * whole (each write is one SQLite transaction). The terminal writes the journal *before* each
 * host call and after each reply, so after a reboot {@link openTransactions} says exactly what
 * may have gone out.
 *
 * Traces are allocated in the same transaction as the entry that uses them, from a per-batch
 * counter that only goes up: a trace is never reused within a batch, even across a crash.
 *
 * Money is stored as integer minor units and a currency. The journal has no place for a PIN, a
 * one-time code or a card token, and refuses unknown fields rather than dropping them.
 *
 * Errors are {@link PosError}s: `VALIDATION_FAILED` for malformed input (nothing is written),
 * `BATCH_CLOSED`, `BATCH_FULL`, `TRANSACTION_NOT_FOUND`, `PAYMENT_STATE` for operations that do
 * not fit the journal's state (nothing is written), `JOURNAL_CORRUPT` when SQLite finds the file
 * damaged, and `INTERNAL` for any other storage failure (disk full, I/O error, closed journal).
 *
 * One process owns the journal; calls are synchronous. Other processes (a technician console)
 * may read it concurrently.
 */
export class Journal {
  readonly #db: Database.Database;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #onWrite: JournalOptions['onWrite'];
  readonly #statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database, options: JournalOptions) {
    this.#db = db;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#onWrite = options.onWrite;
  }

  /**
   * Opens (creating if missing) the journal at `options.path`, or an in-memory one for
   * `':memory:'`. Creates a missing parent directory with mode 0700. Sets WAL mode,
   * `synchronous=FULL`, `foreign_keys=ON` and a busy timeout; runs `PRAGMA quick_check`; then
   * brings the schema up to date (`PRAGMA user_version` migrations, each atomic).
   *
   * @throws PosError `JOURNAL_CORRUPT` when the file is not a database or fails the quick
   *   check; `CONFIG_INVALID` for an empty path; `INTERNAL` when the file was written by a
   *   newer program (schema version too high), or when the directory or file cannot be
   *   created or opened.
   */
  static open(options: JournalOptions): Journal {
    const file = options.path;
    if (file === '') throw new PosError('CONFIG_INVALID', 'the journal path is empty');
    if (file !== ':memory:') {
      const directory = path.dirname(path.resolve(file));
      try {
        mkdirSync(directory, { recursive: true, mode: 0o700 });
      } catch (error) {
        throw new PosError('INTERNAL', 'cannot create the journal directory', {
          details: { directory },
          cause: error,
        });
      }
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal' && !db.memory) {
        options.logger?.warn({ journalMode: mode }, 'journal: WAL mode not available');
      }
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      const problems = pragmaRows(db, 'quick_check');
      if (problems.length !== 1 || problems[0] !== 'ok') {
        throw new PosError('JOURNAL_CORRUPT', 'the journal failed its quick check', {
          details: { problems: problems.slice(0, 10) },
        });
      }
      const applied = migrateJournal(db);
      if (applied.length > 0) {
        options.logger?.info({ versions: applied }, 'journal: schema migrated');
      }
      return new Journal(db, options);
    } catch (error) {
      db?.close();
      throw storageError(error, 'open the journal');
    }
  }

  /** Closes the file. Idempotent; any other call afterwards throws `INTERNAL`. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Runs `PRAGMA integrity_check` (reads the whole file; for the technician console, not the
   * payment path).
   *
   * @returns the check's result rows: `['ok']` when the file is sound, else the problems found.
   * @throws PosError `JOURNAL_CORRUPT` when the check cannot even read the file.
   */
  integrityCheck(): string[] {
    return this.#read(() => pragmaRows(this.#db, 'integrity_check'));
  }

  /**
   * The connection's storage settings, for the technician console and tests: `journalMode`
   * is `wal` for a file (`memory` in memory), `synchronous` 2 (FULL), foreign keys on, the
   * busy timeout, and the schema version (`PRAGMA user_version`).
   */
  storageSettings(): JournalStorageSettings {
    return this.#read(() => ({
      journalMode: String(this.#db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.#db.pragma('synchronous', { simple: true })),
      foreignKeys: Number(this.#db.pragma('foreign_keys', { simple: true })) === 1,
      busyTimeoutMs: Number(this.#db.pragma('busy_timeout', { simple: true })),
      schemaVersion: readUserVersion(this.#db),
    }));
  }

  /** The open batch set by {@link useBatch} or {@link recordSettlement}; `undefined` before any. */
  currentBatch(): string | undefined {
    return this.#read(() => this.#currentBatch());
  }

  /**
   * Makes `batch` (from sign-in or settlement) the batch new transactions go into. A batch seen
   * before continues its own trace counter; a new one starts at 000001. Nothing is written when
   * it is already current. Write point `batch`.
   *
   * @throws PosError `VALIDATION_FAILED` unless `batch` is 6 digits.
   */
  useBatch(batch: string): void {
    const next = parseJournalInput(batchNumber, batch, 'batch');
    if (this.currentBatch() === next) return;
    this.#write('batch', () => {
      this.#ensureBatch(next);
      this.#prepare('UPDATE terminal_state SET current_batch = ? WHERE id = 1').run(next);
    });
    this.#logger?.info({ batch: next }, 'journal: batch opened');
  }

  /**
   * Starts a transaction: in one SQLite transaction, takes the next trace of the current batch
   * and records the entry in state `authorizing`. Write point `begin:<type>`.
   *
   * Input rules: a `sale` needs an `amount` of at least one minor unit; a `balance` has no
   * amount; a `void` needs `originalPaymentId` (amount optional); a `refund` needs an `amount`
   * and `originalReference`; `original*` fields only on voids and refunds; `cardUid` is the
   * reader's upper-case hex UID (4, 7 or 10 bytes). Unknown fields are refused.
   *
   * @returns the new entry (its `trace` is what goes in the request).
   * @throws PosError `VALIDATION_FAILED` (nothing written), `BATCH_CLOSED` when there is no
   *   current batch, `BATCH_FULL` when the batch's traces 000001..999999 are all used (settle
   *   it).
   */
  begin(input: BeginTxn): JournalTxn {
    const txn = parseJournalInput(beginInput, input, 'transaction');
    const entry = this.#write(`begin:${txn.type}`, () => {
      const batch = this.#currentBatch();
      if (batch === undefined) {
        throw new PosError('BATCH_CLOSED', 'there is no open batch: sign in first');
      }
      const last = this.#prepare<[string], number>('SELECT last_trace FROM batches WHERE batch = ?')
        .pluck()
        .get(batch);
      if (last === undefined) throw corrupt(`the current batch ${batch} has no counter`);
      if (last >= MAX_TRACE) {
        throw new PosError('BATCH_FULL', `batch ${batch} has used all its traces: settle it`, {
          details: { batch },
        });
      }
      const trace = String(last + 1).padStart(6, '0');
      this.#prepare('UPDATE batches SET last_trace = last_trace + 1 WHERE batch = ?').run(batch);
      const now = isoNow(this.#clock);
      const { lastInsertRowid } = this.#prepare(
        `INSERT INTO transactions (type, batch, trace, state, amount_value, amount_currency,
             card_uid, original_payment_id, original_trace, original_reference,
             created_at, updated_at)
           VALUES (?, ?, ?, 'authorizing', ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        txn.type,
        batch,
        trace,
        txn.amount?.value ?? null,
        txn.amount?.currency ?? null,
        txn.cardUid ?? null,
        txn.originalPaymentId ?? null,
        txn.originalTrace ?? null,
        txn.originalReference ?? null,
        now,
        now,
      );
      return this.#mustGet(Number(lastInsertRowid));
    });
    this.#logger?.debug(
      { id: entry.id, type: entry.type, batch: entry.batch, trace: entry.trace },
      'journal: transaction begun',
    );
    return entry;
  }

  /**
   * Moves an entry to `update.state` and sets the fields given (absent or `undefined` fields
   * keep their value; none can be cleared). Write point `update:<state>`.
   *
   * The journal enforces that final states (`completed`, `declined`, `cancelled`, `reversed`)
   * are final: repeating exactly the entry's final state and values changes nothing and is
   * accepted; anything else is refused. It also refuses to change a `paymentId` or `reference`
   * once set, and an amount on a balance inquiry. Other transitions are the flow's business.
   *
   * @returns the entry as stored.
   * @throws PosError `VALIDATION_FAILED` (nothing written), `TRANSACTION_NOT_FOUND` for an
   *   unknown id, `PAYMENT_STATE` for a refused transition (nothing changes).
   */
  update(id: number, update: TxnUpdate): JournalTxn {
    const changes = parseJournalInput(updateInput, update, 'update');
    const entry = this.#write(`update:${changes.state}`, () => {
      const current = this.#mustGet(id);
      const differs = (field: keyof TxnUpdate): boolean =>
        changes[field] !== undefined &&
        JSON.stringify(changes[field]) !== JSON.stringify(current[field]);
      if (FINAL_TXN_STATES.includes(current.state)) {
        const fields = Object.keys(changes) as (keyof TxnUpdate)[];
        if (changes.state === current.state && !fields.some(differs)) return current;
        throw stateError(current, `entry ${id} is ${current.state}, which is final`);
      }
      for (const field of ['paymentId', 'reference'] as const) {
        if (current[field] !== undefined && differs(field)) {
          throw stateError(current, `entry ${id} already has another ${field}`);
        }
      }
      if (changes.amount !== undefined && current.type === 'balance') {
        throw new PosError('VALIDATION_FAILED', 'a balance inquiry has no amount', {
          details: { problems: [{ field: 'amount', problem: 'not allowed for a balance' }] },
        });
      }
      this.#prepare(
        `UPDATE transactions SET
             state = ?,
             payment_id = coalesce(?, payment_id),
             account = coalesce(?, account),
             auth_code = coalesce(?, auth_code),
             reference = coalesce(?, reference),
             approved_at = coalesce(?, approved_at),
             amount_value = coalesce(?, amount_value),
             amount_currency = coalesce(?, amount_currency),
             error_code = coalesce(?, error_code),
             reversal_reason = coalesce(?, reversal_reason),
             updated_at = ?
           WHERE id = ?`,
      ).run(
        changes.state,
        changes.paymentId ?? null,
        changes.account ?? null,
        changes.authCode ?? null,
        changes.reference ?? null,
        changes.approvedAt ?? null,
        changes.amount?.value ?? null,
        changes.amount?.currency ?? null,
        changes.errorCode ?? null,
        changes.reversalReason ?? null,
        isoNow(this.#clock),
        id,
      );
      return this.#mustGet(id);
    });
    this.#logger?.debug({ id, state: entry.state }, 'journal: transaction updated');
    return entry;
  }

  /**
   * Records that the host voided this sale (sets `voided` on the sale's own entry; the void
   * entry itself is a separate transaction). Already voided: nothing changes. Write point
   * `voided`.
   *
   * @throws PosError `TRANSACTION_NOT_FOUND` for an unknown id; `PAYMENT_STATE` when the entry
   *   is not a sale or not approved (`approved` or `completed`).
   */
  markVoided(id: number): void {
    this.#write('voided', () => {
      const sale = this.#mustGet(id);
      if (sale.type !== 'sale') throw stateError(sale, `entry ${id} is a ${sale.type}, not a sale`);
      if (!APPROVED_STATES.includes(sale.state)) {
        throw stateError(sale, `sale ${id} is ${sale.state}, not approved`);
      }
      if (sale.voided) return;
      this.#prepare('UPDATE transactions SET voided = 1, updated_at = ? WHERE id = ?').run(
        isoNow(this.#clock),
        id,
      );
    });
  }

  /** The entry with local id `id`, or `undefined`. */
  get(id: number): JournalTxn | undefined {
    if (!Number.isSafeInteger(id)) return undefined;
    return this.#read(() => this.#get(id));
  }

  /** The entry of `batch` with `trace`, or `undefined` (also for malformed arguments). */
  findByTrace(batch: string, trace: string): JournalTxn | undefined {
    return this.#read(() => {
      const row = this.#prepare<[string, string], TxnRow>(
        'SELECT * FROM transactions WHERE batch = ? AND trace = ?',
      ).get(batch, trace);
      return row && toJournalTxn(row);
    });
  }

  /** The sale (type `sale`, any batch) with this host reference, or `undefined`. */
  findByReference(reference: string): JournalTxn | undefined {
    return this.#read(() => {
      const row = this.#prepare<[string], TxnRow>(
        `SELECT * FROM transactions WHERE reference = ? AND type = 'sale'
           ORDER BY id DESC LIMIT 1`,
      ).get(reference);
      return row && toJournalTxn(row);
    });
  }

  /**
   * Entries, newest first: of one `batch` (default all), in `states` (default any; an empty
   * list matches nothing), at most `limit` (1..10000, default 50).
   *
   * @throws PosError `VALIDATION_FAILED` for a malformed option.
   */
  list(
    options: { batch?: string; limit?: number; states?: readonly JournalTxnState[] } = {},
  ): JournalTxn[] {
    const {
      batch,
      limit = DEFAULT_LIST_LIMIT,
      states,
    } = parseJournalInput(listInput, options, 'list options');
    if (states?.length === 0) return [];
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (batch !== undefined) {
      where.push('batch = ?');
      params.push(batch);
    }
    if (states !== undefined) {
      where.push(`state IN (${states.map(() => '?').join(', ')})`);
      params.push(...states);
    }
    const sql = `SELECT * FROM transactions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY id DESC LIMIT ?`;
    return this.#read(() =>
      this.#prepare<(string | number)[], TxnRow>(sql)
        .all(...params, limit)
        .map(toJournalTxn),
    );
  }

  /**
   * Entries whose outcome is not settled (states in `OPEN_TXN_STATES`), oldest first: what
   * recovery must finish or reverse after a restart.
   */
  openTransactions(): JournalTxn[] {
    return this.#read(() =>
      this.#prepare<[], TxnRow>(
        `SELECT * FROM transactions WHERE state IN (${sqlList(OPEN_TXN_STATES)}) ORDER BY id`,
      )
        .all()
        .map(toJournalTxn),
    );
  }

  /**
   * The terminal's figures for `batch`, counted as the host counts them: sales approved
   * (`approved` or `completed`) and not voided; voids = the batch's sales marked voided;
   * refunds in `approved` or `completed`. Totals are exact integer sums in `currency`.
   *
   * @throws PosError `VALIDATION_FAILED` for a malformed batch or currency;
   *   `CURRENCY_MISMATCH` when a counted entry is in another currency; `MONEY_OVERFLOW` when a
   *   total exceeds the largest amount.
   */
  batchFigures(batch: string, currency: Currency): JournalBatchFigures {
    const which = parseJournalInput(batchNumber, batch, 'batch');
    const unit = parseJournalInput(currencySchema, currency, 'currency');
    const row = this.#read(() =>
      this.#prepare<[string, string], FiguresRow>(BATCH_FIGURES_SQL).get(which, unit),
    );
    if (row === undefined) throw corrupt('batch figures query returned nothing');
    if (row.other_currency > 0) {
      throw new PosError('CURRENCY_MISMATCH', `batch ${which} has entries in another currency`, {
        details: { batch: which, currency: unit, entries: row.other_currency },
      });
    }
    return {
      counts: { sale: row.sale_count, void: row.void_count, refund: row.refund_count },
      totals: { sale: money(row.sale_total, unit), refund: money(row.refund_total, unit) },
    };
  }

  /**
   * Stores the outcome of settling `batch` and makes `nextBatch` current, in one transaction.
   * Settling a batch again (the host replays its reply) replaces the record. Write point
   * `settlement`.
   *
   * @throws PosError `VALIDATION_FAILED` for malformed input (batches of 6 digits and
   *   different, figures in one currency).
   */
  recordSettlement(input: {
    batch: string;
    result: 'balanced' | 'out_of_balance';
    terminal: JournalBatchFigures;
    host: JournalBatchFigures;
    nextBatch: string;
  }): void {
    const settled = parseJournalInput(settlementInput, input, 'settlement');
    this.#write('settlement', () => {
      this.#ensureBatch(settled.batch);
      this.#ensureBatch(settled.nextBatch);
      this.#prepare(
        `INSERT INTO settlements (batch, result, terminal_figures, host_figures, next_batch,
             settled_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (batch) DO UPDATE SET result = excluded.result,
             terminal_figures = excluded.terminal_figures, host_figures = excluded.host_figures,
             next_batch = excluded.next_batch, settled_at = excluded.settled_at`,
      ).run(
        settled.batch,
        settled.result,
        JSON.stringify(settled.terminal),
        JSON.stringify(settled.host),
        settled.nextBatch,
        isoNow(this.#clock),
      );
      this.#prepare(
        'UPDATE terminal_state SET current_batch = ?, pending_settlement = NULL WHERE id = 1',
      ).run(settled.nextBatch);
    });
    this.#logger?.info(
      { batch: settled.batch, result: settled.result, nextBatch: settled.nextBatch },
      'journal: batch settled',
    );
  }

  /**
   * Notes a settlement about to be sent: its batch and the figures. Until
   * {@link recordSettlement} (or {@link dropPendingSettlement}) it is {@link pendingSettlement},
   * so a lost reply or a crash is finished by sending the same figures again (the host replays
   * its verdict). Write point `settlement:begin`.
   *
   * @throws PosError `VALIDATION_FAILED` for malformed figures (nothing written).
   */
  beginSettlement(input: PendingSettlement): void {
    const pending = parseJournalInput(pendingSettlementInput, input, 'pending settlement');
    this.#write('settlement:begin', () => {
      this.#ensureBatch(pending.batch);
      this.#prepare('UPDATE terminal_state SET pending_settlement = ? WHERE id = 1').run(
        JSON.stringify(pending),
      );
    });
  }

  /** The settlement sent and not yet answered, if any (see {@link beginSettlement}). */
  pendingSettlement(): PendingSettlement | undefined {
    const json = this.#read(() =>
      this.#prepare<[], string | null>('SELECT pending_settlement FROM terminal_state WHERE id = 1')
        .pluck()
        .get(),
    );
    if (json === undefined || json === null) return undefined;
    return parseJournalInput(pendingSettlementInput, JSON.parse(json), 'stored settlement');
  }

  /**
   * Forgets the pending settlement without a verdict: the host refused it for good (an
   * operator settles that batch on the host). Write point `settlement:drop`.
   */
  dropPendingSettlement(): void {
    this.#write('settlement:drop', () => {
      this.#prepare('UPDATE terminal_state SET pending_settlement = NULL WHERE id = 1').run();
    });
  }

  /**
   * Recorded settlements, newest first, at most `limit` (default 20).
   *
   * @throws PosError `VALIDATION_FAILED` unless `limit` is a whole number from 1 to 10000.
   */
  settlements(limit = DEFAULT_SETTLEMENTS_LIMIT): JournalSettlement[] {
    const { limit: max = DEFAULT_SETTLEMENTS_LIMIT } = parseJournalInput(
      listInput.pick({ limit: true }),
      { limit },
      'settlements limit',
    );
    return this.#read(() =>
      this.#prepare<[number], SettlementRow>(
        'SELECT batch, result, settled_at, next_batch FROM settlements ORDER BY id DESC LIMIT ?',
      )
        .all(max)
        .map((row) => ({
          batch: row.batch,
          result: row.result,
          settledAt: row.settled_at,
          nextBatch: row.next_batch,
        })),
    );
  }

  /**
   * Keeps `slip` (the document last printed) for reprint; it survives restarts. Replaces the
   * previous one. Write point `slip`.
   *
   * @throws PosError `VALIDATION_FAILED` unless it is a document of a kind the printer knows.
   */
  saveLastSlip(slip: StoredSlip): void {
    parseJournalInput(slipInput, slip, 'slip');
    const json = JSON.stringify(slip);
    this.#write('slip', () => {
      this.#prepare('UPDATE terminal_state SET last_slip = ?, last_slip_at = ? WHERE id = 1').run(
        json,
        isoNow(this.#clock),
      );
    });
  }

  /** The slip saved last by {@link saveLastSlip}, or `undefined` when none was. */
  lastSlip(): StoredSlip | undefined {
    const json = this.#read(() =>
      this.#prepare<[], string | null>('SELECT last_slip FROM terminal_state WHERE id = 1')
        .pluck()
        .get(),
    );
    if (json === undefined || json === null) return undefined;
    try {
      return JSON.parse(json) as StoredSlip;
    } catch (error) {
      throw new PosError('JOURNAL_CORRUPT', 'the stored slip is not JSON', { cause: error });
    }
  }

  /** How many entries there are in all, how many are open, and how many await a reversal. */
  counts(): { total: number; open: number; reversalsPending: number } {
    const row = this.#read(() =>
      this.#prepare<[], { total: number; open: number; reversals_pending: number }>(
        `SELECT count(*) AS total,
             coalesce(sum(state IN (${sqlList(OPEN_TXN_STATES)})), 0) AS open,
             coalesce(sum(state = 'reversal_pending'), 0) AS reversals_pending
           FROM transactions`,
      ).get(),
    );
    if (row === undefined) throw corrupt('counts query returned nothing');
    return { total: row.total, open: row.open, reversalsPending: row.reversals_pending };
  }

  /**
   * The one way the journal writes: `onWrite(point, 'before')`, then `work` in one IMMEDIATE
   * SQLite transaction (all or nothing, committed durably), then `onWrite(point, 'after')`.
   * An error in `work` rolls everything back and `'after'` is not called.
   */
  #write<T>(point: JournalWritePoint, work: () => T): T {
    this.#assertOpen();
    this.#onWrite?.(point, 'before');
    let result: T;
    try {
      result = this.#db.transaction(work).immediate();
    } catch (error) {
      throw storageError(error, `write the journal (${point})`);
    }
    this.#onWrite?.(point, 'after');
    return result;
  }

  /** Runs a read, turning SQLite's errors into PosErrors. */
  #read<T>(work: () => T): T {
    this.#assertOpen();
    try {
      return work();
    } catch (error) {
      throw storageError(error, 'read the journal');
    }
  }

  /** A prepared statement for `sql`, prepared once per connection. */
  #prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  #assertOpen(): void {
    if (!this.#db.open) throw new PosError('INTERNAL', 'the journal is closed');
  }

  #currentBatch(): string | undefined {
    const batch = this.#prepare<[], string | null>(
      'SELECT current_batch FROM terminal_state WHERE id = 1',
    )
      .pluck()
      .get();
    return batch ?? undefined;
  }

  #ensureBatch(batch: string): void {
    this.#prepare(
      'INSERT INTO batches (batch, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
    ).run(batch, isoNow(this.#clock));
  }

  #get(id: number): JournalTxn | undefined {
    const row = this.#prepare<[number], TxnRow>('SELECT * FROM transactions WHERE id = ?').get(id);
    return row && toJournalTxn(row);
  }

  #mustGet(id: number): JournalTxn {
    const entry = Number.isSafeInteger(id) ? this.#get(id) : undefined;
    if (entry === undefined) {
      throw new PosError('TRANSACTION_NOT_FOUND', `no journal entry ${id}`, { details: { id } });
    }
    return entry;
  }
}

/** The rows of a check pragma (`quick_check`, `integrity_check`) as strings. */
function pragmaRows(db: Database.Database, pragma: string): string[] {
  const rows = db.pragma(pragma) as Record<string, unknown>[];
  return rows.map((row) => String(Object.values(row)[0]));
}

function corrupt(message: string): PosError<'JOURNAL_CORRUPT'> {
  return new PosError('JOURNAL_CORRUPT', message);
}

function stateError(entry: JournalTxn, message: string): PosError<'PAYMENT_STATE'> {
  return new PosError('PAYMENT_STATE', message, {
    details: { id: entry.id, type: entry.type, state: entry.state },
  });
}

/**
 * A thrown value as the journal reports it: PosErrors pass; SQLite's corruption codes become
 * `JOURNAL_CORRUPT`, as does a trace found already used (the counter fell behind its
 * entries); other SQLite failures become `INTERNAL`. Anything else (a bug) passes unchanged.
 */
function storageError(error: unknown, action: string): unknown {
  if (error instanceof PosError || !(error instanceof Database.SqliteError)) return error;
  const { code } = error;
  const traceReused = error.message.includes(
    'UNIQUE constraint failed: transactions.batch, transactions.trace',
  );
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || traceReused) {
    return new PosError('JOURNAL_CORRUPT', `could not ${action}: the journal is damaged`, {
      details: { sqliteCode: code },
      cause: error,
    });
  }
  return new PosError('INTERNAL', `could not ${action}`, {
    details: { sqliteCode: code },
    cause: error,
  });
}
