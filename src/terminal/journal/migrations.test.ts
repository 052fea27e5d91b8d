import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrownCode } from '../../testing/thrownCode.js';
import {
  JOURNAL_MIGRATIONS,
  JOURNAL_SCHEMA_VERSION,
  migrateJournal,
  readUserVersion,
} from './migrations.js';

let db: Database.Database;

beforeEach(() => {
  db = new Database(':memory:');
});

afterEach(() => {
  db.close();
});

const tables = (): string[] =>
  db
    .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();

describe('migrateJournal', () => {
  it('creates the schema on an empty file, once', () => {
    expect(migrateJournal(db)).toEqual([1, 2]);
    expect(readUserVersion(db)).toBe(JOURNAL_SCHEMA_VERSION);
    expect(tables()).toEqual(
      expect.arrayContaining(['batches', 'settlements', 'terminal_state', 'transactions']),
    );
    expect(migrateJournal(db)).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM terminal_state').get()).toEqual({ n: 1 });
  });

  it('applies a version all or nothing', () => {
    // The script fails at its last statement: nothing before it may remain.
    db.exec('CREATE TABLE settlements (x)');
    expect(() => migrateJournal(db)).toThrow(/already exists/);
    expect(readUserVersion(db)).toBe(0);
    expect(tables()).toEqual(['settlements']);
  });

  it('upgrades a version-1 file in place, keeping its data', () => {
    db.transaction(() => {
      db.exec(JOURNAL_MIGRATIONS[0] ?? '');
      db.pragma('user_version = 1');
    })();
    db.prepare(
      "INSERT INTO batches (batch, last_trace, created_at) VALUES ('000001', 7, '2026-11-23T08:00:00.000Z')",
    ).run();
    expect(migrateJournal(db)).toEqual([2]);
    expect(db.prepare('SELECT last_trace FROM batches').pluck().get()).toBe(7);
    expect(
      db.prepare('SELECT pending_settlement FROM terminal_state WHERE id = 1').pluck().get(),
    ).toBeNull();
  });

  it('refuses a file from a newer program', () => {
    db.pragma(`user_version = ${JOURNAL_SCHEMA_VERSION + 1}`);
    expect(thrownCode(() => migrateJournal(db))).toBe('INTERNAL');
  });

  it('enforces the schema rules SQLite can check', () => {
    migrateJournal(db);
    db.prepare("INSERT INTO batches (batch, created_at) VALUES ('000001', 'now')").run();
    const insert = (values: string) => () =>
      db
        .prepare(
          `INSERT INTO transactions (type, batch, trace, state, amount_value, amount_currency,
             created_at, updated_at) VALUES (${values}, 'now', 'now')`,
        )
        .run();
    expect(insert("'sale', '000001', '000001', 'authorizing', 100, 'CNY'")).not.toThrow();
    // Same trace again, a float amount, an amount without currency, a bad trace, an unknown
    // batch (foreign key), an unknown state.
    expect(insert("'sale', '000001', '000001', 'authorizing', 100, 'CNY'")).toThrow(/UNIQUE/);
    expect(insert("'sale', '000001', '000002', 'authorizing', 1.5, 'CNY'")).toThrow();
    expect(insert("'sale', '000001', '000003', 'authorizing', 100, NULL")).toThrow(/CHECK/);
    expect(insert("'sale', '000001', '12', 'authorizing', NULL, NULL")).toThrow(/CHECK/);
    db.pragma('foreign_keys = ON');
    expect(insert("'sale', '000009', '000004', 'authorizing', NULL, NULL")).toThrow(/FOREIGN/);
    expect(insert("'sale', '000001', '000005', 'done', NULL, NULL")).toThrow(/CHECK/);
  });
});
