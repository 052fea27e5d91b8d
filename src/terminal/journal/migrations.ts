import type Database from 'better-sqlite3';
import { PosError } from '../../core/PosError.js';

/**
 * The journal's schema, one SQL script per version. `PRAGMA user_version` holds the number of
 * scripts applied. Append new versions; never edit one that has shipped (terminals in the field
 * already ran it).
 *
 * Money is an integer number of minor units plus a currency code, never a float. There is no
 * column for a PIN, a one-time code or a card token, and there must never be one.
 */
export const JOURNAL_MIGRATIONS: readonly string[] = [
  // Version 1.
  `
  CREATE TABLE batches (
    batch      TEXT PRIMARY KEY CHECK (batch GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'),
    -- The last trace handed out in this batch (0: none yet). Only ever goes up.
    last_trace INTEGER NOT NULL DEFAULT 0
               CHECK (typeof(last_trace) = 'integer' AND last_trace BETWEEN 0 AND 999999),
    created_at TEXT NOT NULL
  ) STRICT;

  -- Exactly one row: what the terminal is working on.
  CREATE TABLE terminal_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    current_batch TEXT REFERENCES batches (batch),
    last_slip     TEXT CHECK (last_slip IS NULL OR json_valid(last_slip)),
    last_slip_at  TEXT
  ) STRICT;
  INSERT INTO terminal_state (id) VALUES (1);

  CREATE TABLE transactions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    type                TEXT NOT NULL CHECK (type IN ('sale', 'balance', 'void', 'refund')),
    batch               TEXT NOT NULL REFERENCES batches (batch),
    trace               TEXT NOT NULL CHECK (trace GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'),
    state               TEXT NOT NULL CHECK (state IN ('authorizing', 'otp_sent', 'confirming',
                          'approved', 'voiding', 'reversal_pending', 'completed', 'declined',
                          'cancelled', 'reversed')),
    amount_value        INTEGER CHECK (amount_value >= 0),
    amount_currency     TEXT,
    card_uid            TEXT,
    account             TEXT,
    payment_id          TEXT,
    auth_code           TEXT,
    reference           TEXT,
    approved_at         TEXT,
    original_payment_id TEXT,
    original_trace      TEXT,
    original_reference  TEXT,
    error_code          TEXT,
    reversal_reason     TEXT CHECK (reversal_reason IN ('timeout', 'cancelled', 'terminal_error')),
    voided              INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK ((amount_value IS NULL) = (amount_currency IS NULL)),
    UNIQUE (batch, trace)
  ) STRICT;
  CREATE INDEX transactions_state ON transactions (state);
  CREATE INDEX transactions_batch_id ON transactions (batch, id);
  CREATE INDEX transactions_reference ON transactions (reference) WHERE reference IS NOT NULL;

  CREATE TABLE settlements (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    batch            TEXT NOT NULL UNIQUE REFERENCES batches (batch),
    result           TEXT NOT NULL CHECK (result IN ('balanced', 'out_of_balance')),
    terminal_figures TEXT NOT NULL CHECK (json_valid(terminal_figures)),
    host_figures     TEXT NOT NULL CHECK (json_valid(host_figures)),
    next_batch       TEXT NOT NULL REFERENCES batches (batch),
    settled_at       TEXT NOT NULL
  ) STRICT;
  `,
  // Version 2: a settlement sent but not yet answered (its batch and the figures sent), so a
  // lost reply or a crash is finished by sending the same figures again.
  `
  ALTER TABLE terminal_state ADD COLUMN pending_settlement TEXT
    CHECK (pending_settlement IS NULL OR json_valid(pending_settlement));
  `,
];

/** The schema version this code writes. */
export const JOURNAL_SCHEMA_VERSION = JOURNAL_MIGRATIONS.length;

/**
 * Brings the journal's schema to {@link JOURNAL_SCHEMA_VERSION}, each version in its own
 * transaction together with its `user_version`, so a crash leaves the file at the last version
 * that completed. Returns the versions applied now (empty when up to date).
 *
 * Throws `INTERNAL` when the file is from a newer program (a higher `user_version`): running
 * older code on it could misread it.
 */
export function migrateJournal(db: Database.Database): number[] {
  const current = readUserVersion(db);
  if (current > JOURNAL_SCHEMA_VERSION) {
    throw new PosError(
      'INTERNAL',
      `journal schema version ${current} is newer than this program's ${JOURNAL_SCHEMA_VERSION}`,
      { details: { version: current, supported: JOURNAL_SCHEMA_VERSION } },
    );
  }
  const applied: number[] = [];
  JOURNAL_MIGRATIONS.forEach((script, index) => {
    const version = index + 1;
    if (version <= current) return;
    db.transaction(() => {
      db.exec(script);
      db.pragma(`user_version = ${version}`);
    }).immediate();
    applied.push(version);
  });
  return applied;
}

/** The file's `PRAGMA user_version`. */
export function readUserVersion(db: Database.Database): number {
  const version = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new TypeError('user_version is not a number');
  return version;
}
