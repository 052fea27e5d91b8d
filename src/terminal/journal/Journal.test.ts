import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import { MAX_MINOR_UNITS, money } from '../../core/money.js';
import { isPosError, type PosError } from '../../core/PosError.js';
import type { SalesSlip, SettlementReport } from '../../../drivers/printer/PrintDocument.js';
import { thrownCode } from '../../testing/thrownCode.js';
import { Journal } from './Journal.js';
import type {
  BeginTxn,
  JournalBatchFigures,
  JournalTxn,
  JournalTxnState,
  JournalWritePoint,
  TxnUpdate,
} from './journalTypes.js';

const START = Date.UTC(2026, 10, 23, 8, 0, 0);
const CARD = '04A1B2C3D4E5F6';
const cny = (value: number) => money(value, 'CNY');
const sale = (value: number): BeginTxn => ({ type: 'sale', amount: cny(value), cardUid: CARD });

let clock: ManualClock;
let dir: string;
const open: Journal[] = [];

beforeEach(() => {
  clock = new ManualClock(START);
  dir = mkdtempSync(path.join(tmpdir(), 'journal-test-'));
});

afterEach(() => {
  for (const journal of open.splice(0)) journal.close();
  rmSync(dir, { recursive: true, force: true });
});

type Options = Omit<Parameters<typeof Journal.open>[0], 'clock' | 'path'>;

function memoryJournal(options: Options = {}): Journal {
  const journal = Journal.open({ path: ':memory:', clock, ...options });
  open.push(journal);
  return journal;
}

function fileJournal(name = 'journal.db', options: Options = {}): Journal {
  const journal = Journal.open({ path: path.join(dir, name), clock, ...options });
  open.push(journal);
  return journal;
}

/** A journal with batch 000001 open. */
function withBatch(journal = memoryJournal()): Journal {
  journal.useBatch('000001');
  return journal;
}

function caught(action: () => unknown): PosError {
  try {
    action();
  } catch (error) {
    if (isPosError(error)) return error;
    throw error;
  }
  throw new Error('expected a PosError, nothing was thrown');
}

/** Drives an entry through `states`, in order. */
function walk(journal: Journal, entry: JournalTxn, ...updates: TxnUpdate[]): JournalTxn {
  let current = entry;
  for (const update of updates) current = journal.update(current.id, update);
  return current;
}

let serial = 0;
const reference = (): string => String(200_000_000_000 + ++serial);

/** A sale approved by the host (state `approved`), or `completed` with its slip printed. */
function approvedSale(journal: Journal, value: number, state: 'approved' | 'completed') {
  const entry = journal.begin(sale(value));
  const updates: TxnUpdate[] = [
    { state: 'otp_sent', paymentId: `pay${entry.batch}${entry.trace}`, account: '138****8000' },
    { state: 'confirming' },
    { state: 'approved', authCode: 'AB12CD', reference: reference(), approvedAt: iso() },
  ];
  if (state === 'completed') updates.push({ state: 'completed' });
  return walk(journal, entry, ...updates);
}

const iso = (): string => new Date(clock.now()).toISOString();

function salesSlip(trace: string): SalesSlip {
  return {
    kind: 'sales-slip',
    language: 'zh-CN',
    merchant: { id: 'M0001', name: '测试商户' },
    terminalId: 'T0000001',
    operator: '01',
    type: 'sale',
    account: '138****8000',
    batch: '000001',
    trace,
    authCode: 'AB12CD',
    reference: '200000000001',
    time: '2026-11-23T08:00:00.000Z',
    amount: cny(1250),
    reprint: false,
  };
}

const ZERO_FIGURES: JournalBatchFigures = {
  counts: { sale: 0, void: 0, refund: 0 },
  totals: { sale: cny(0), refund: cny(0) },
};

describe('Journal.open', () => {
  it('puts a file journal in WAL mode with synchronous=FULL and foreign keys on', () => {
    const journal = fileJournal();
    expect(journal.storageSettings()).toEqual({
      journalMode: 'wal',
      synchronous: 2,
      foreignKeys: true,
      busyTimeoutMs: 5000,
      schemaVersion: 2,
    });
    // Independently of the journal's own report: the file itself is in WAL mode.
    const other = new Database(path.join(dir, 'journal.db'), { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      other.close();
    }
  });

  it('opens an in-memory journal for unit tests', () => {
    const journal = memoryJournal();
    expect(journal.storageSettings()).toMatchObject({ journalMode: 'memory', schemaVersion: 2 });
    expect(journal.integrityCheck()).toEqual(['ok']);
  });

  it('creates missing parent directories with mode 0700', () => {
    const file = path.join(dir, 'var', 'terminal', 'journal.db');
    const journal = Journal.open({ path: file, clock });
    open.push(journal);
    expect(statSync(path.join(dir, 'var')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'var', 'terminal')).mode & 0o777).toBe(0o700);
    expect(statSync(file).isFile()).toBe(true);
  });

  it('refuses a file that is not a database (JOURNAL_CORRUPT) and leaves it untouched', () => {
    const file = path.join(dir, 'garbage.db');
    const garbage = randomBytes(8192);
    writeFileSync(file, garbage);
    expect(thrownCode(() => Journal.open({ path: file, clock }))).toBe('JOURNAL_CORRUPT');
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  /** Builds a journal of 300 entries, then damages a leaf page of its transactions table. */
  function damagedJournal(damage: (page: Buffer) => void): string {
    const file = path.join(dir, 'journal.db');
    const journal = withBatch(Journal.open({ path: file, clock }));
    for (let i = 1; i <= 300; i++) journal.begin(sale(i));
    journal.close();
    const probe = new Database(file, { readonly: true });
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    const page = probe
      .prepare<[], number>(
        "SELECT pageno FROM dbstat WHERE name = 'transactions' AND pagetype = 'leaf' LIMIT 1",
      )
      .pluck()
      .get();
    probe.close();
    if (page === undefined) throw new Error('no leaf page found');
    const bytes = readFileSync(file);
    damage(bytes.subarray((page - 1) * pageSize, page * pageSize));
    writeFileSync(file, bytes);
    return file;
  }

  it('refuses a database whose page is damaged (quick_check reports it)', () => {
    // Zero the page header's "start of cell content" field: the b-tree no longer adds up.
    const file = damagedJournal((page) => page.fill(0, 5, 7));
    const error = caught(() => Journal.open({ path: file, clock }));
    expect(error.code).toBe('JOURNAL_CORRUPT');
    expect(error.message).toMatch(/quick check/);
    expect(error.details.problems).toEqual(expect.arrayContaining([expect.any(String)]));
  });

  it('refuses a database whose page SQLite cannot read at all', () => {
    const file = damagedJournal((page) => page.fill(0x55, 0, 12));
    expect(thrownCode(() => Journal.open({ path: file, clock }))).toBe('JOURNAL_CORRUPT');
  });

  it('refuses a journal written by a newer program, without calling it corrupt', () => {
    fileJournal().close();
    const db = new Database(path.join(dir, 'journal.db'));
    db.pragma('user_version = 99');
    db.close();
    expect(thrownCode(() => fileJournal())).toBe('INTERNAL');
  });

  it('keeps everything across a reopen and does not migrate again', () => {
    const first = withBatch(fileJournal());
    const entry = first.begin(sale(1250));
    first.close();
    const second = fileJournal();
    expect(second.storageSettings().schemaVersion).toBe(2);
    expect(second.currentBatch()).toBe('000001');
    expect(second.get(entry.id)).toEqual(entry);
    expect(second.begin(sale(1)).trace).toBe('000002');
  });

  it('is INTERNAL when the directory cannot be created', () => {
    writeFileSync(path.join(dir, 'plain-file'), 'not a directory');
    const file = path.join(dir, 'plain-file', 'journal.db');
    expect(thrownCode(() => Journal.open({ path: file, clock }))).toBe('INTERNAL');
  });

  it('refuses an empty path', () => {
    expect(thrownCode(() => Journal.open({ path: '', clock }))).toBe('CONFIG_INVALID');
  });

  it('closes idempotently and refuses use afterwards', () => {
    const journal = withBatch();
    journal.close();
    journal.close();
    expect(thrownCode(() => journal.currentBatch())).toBe('INTERNAL');
    expect(thrownCode(() => journal.begin(sale(1)))).toBe('INTERNAL');
  });
});

describe('batches and traces', () => {
  it('has no batch before sign-in, and begin is BATCH_CLOSED without writing', () => {
    const points: string[] = [];
    const journal = memoryJournal({ onWrite: (point, phase) => points.push(`${point}:${phase}`) });
    expect(journal.currentBatch()).toBeUndefined();
    expect(thrownCode(() => journal.begin(sale(100)))).toBe('BATCH_CLOSED');
    expect(journal.counts().total).toBe(0);
    expect(points).not.toContain('begin:sale:after');
  });

  it('numbers traces from 000001 within each batch, and a batch switched back to continues', () => {
    const journal = withBatch();
    expect([1, 2, 3].map(() => journal.begin(sale(100)).trace)).toEqual([
      '000001',
      '000002',
      '000003',
    ]);
    journal.useBatch('000002');
    expect(journal.currentBatch()).toBe('000002');
    expect(journal.begin({ type: 'balance' })).toMatchObject({ batch: '000002', trace: '000001' });
    journal.useBatch('000001');
    expect(journal.begin(sale(100))).toMatchObject({ batch: '000001', trace: '000004' });
    journal.useBatch('000002');
    expect(journal.begin(sale(100))).toMatchObject({ batch: '000002', trace: '000002' });
  });

  it('keeps per-batch counters across a reopen', () => {
    const first = withBatch(fileJournal());
    first.begin(sale(1));
    first.begin(sale(2));
    first.useBatch('000007');
    first.begin(sale(3));
    first.close();
    const second = fileJournal();
    expect(second.currentBatch()).toBe('000007');
    expect(second.begin(sale(4)).trace).toBe('000002');
    second.useBatch('000001');
    expect(second.begin(sale(5)).trace).toBe('000003');
  });

  it.each(['1', '00001', '0000001', 'abcdef', '00000a', ' 00001', ''])(
    'refuses batch %j and keeps the current one',
    (batch) => {
      const journal = withBatch();
      expect(thrownCode(() => journal.useBatch(batch))).toBe('VALIDATION_FAILED');
      expect(journal.currentBatch()).toBe('000001');
    },
  );

  it('writes nothing when the batch is already current', () => {
    const points: JournalWritePoint[] = [];
    const journal = memoryJournal({ onWrite: (point) => points.push(point) });
    journal.useBatch('000003');
    journal.useBatch('000003');
    expect(points).toEqual(['batch', 'batch']); // before and after of the one write
  });

  it('is BATCH_FULL after trace 999999, writes nothing, and other batches still work', () => {
    const file = path.join(dir, 'journal.db');
    withBatch(Journal.open({ path: file, clock })).close();
    const db = new Database(file);
    db.prepare("UPDATE batches SET last_trace = 999998 WHERE batch = '000001'").run();
    db.close();

    const journal = fileJournal();
    expect(journal.begin(sale(1)).trace).toBe('999999');
    const error = caught(() => journal.begin(sale(2)));
    expect(error.code).toBe('BATCH_FULL');
    expect(error.details).toEqual({ batch: '000001' });
    expect(thrownCode(() => journal.begin({ type: 'balance' }))).toBe('BATCH_FULL');
    expect(journal.counts().total).toBe(1);
    journal.useBatch('000002');
    expect(journal.begin(sale(3)).trace).toBe('000001');
    journal.useBatch('000001');
    expect(thrownCode(() => journal.begin(sale(4)))).toBe('BATCH_FULL');
  });
});

describe('begin', () => {
  it('records the entry in state authorizing with times from the clock', () => {
    const journal = withBatch();
    const entry = journal.begin(sale(1250));
    expect(entry).toEqual({
      id: 1,
      type: 'sale',
      batch: '000001',
      trace: '000001',
      state: 'authorizing',
      amount: { value: 1250, currency: 'CNY' },
      cardUid: CARD,
      account: undefined,
      paymentId: undefined,
      authCode: undefined,
      reference: undefined,
      approvedAt: undefined,
      originalPaymentId: undefined,
      originalTrace: undefined,
      originalReference: undefined,
      errorCode: undefined,
      reversalReason: undefined,
      voided: false,
      createdAt: '2026-11-23T08:00:00.000Z',
      updatedAt: '2026-11-23T08:00:00.000Z',
    });
    expect(journal.get(entry.id)).toEqual(entry);
  });

  it('maps absent fields to undefined, never null', () => {
    const journal = withBatch();
    const entry = journal.begin({ type: 'balance' });
    expect(Object.values(entry)).not.toContain(null);
    expect(entry.amount).toBeUndefined();
    expect(entry.cardUid).toBeUndefined();
  });

  it('records voids and refunds with their original sale', () => {
    const journal = withBatch();
    const original = approvedSale(journal, 1000, 'completed');
    const voidEntry = journal.begin({
      type: 'void',
      amount: original.amount,
      originalPaymentId: original.paymentId,
      originalTrace: original.trace,
      originalReference: original.reference,
    });
    expect(voidEntry).toMatchObject({
      type: 'void',
      trace: '000002',
      amount: cny(1000),
      originalPaymentId: original.paymentId,
      originalTrace: original.trace,
      originalReference: original.reference,
    });
    const refund = journal.begin({
      type: 'refund',
      amount: cny(300),
      originalReference: original.reference,
    });
    expect(refund).toMatchObject({ type: 'refund', trace: '000003', amount: cny(300) });
    expect(journal.begin({ type: 'void', originalPaymentId: 'pay1' }).amount).toBeUndefined();
  });

  const invalid: [string, unknown][] = [
    ['a sale without amount', { type: 'sale', cardUid: CARD }],
    ['a zero sale', { type: 'sale', amount: { value: 0, currency: 'CNY' } }],
    ['a fractional amount', { type: 'sale', amount: { value: 12.5, currency: 'CNY' } }],
    ['a negative amount', { type: 'sale', amount: { value: -100, currency: 'CNY' } }],
    [
      'an amount too large',
      { type: 'sale', amount: { value: MAX_MINOR_UNITS + 1, currency: 'CNY' } },
    ],
    ['an amount as a string', { type: 'sale', amount: { value: '100', currency: 'CNY' } }],
    ['an unknown currency', { type: 'sale', amount: { value: 100, currency: 'XXX' } }],
    ['a balance with an amount', { type: 'balance', amount: { value: 100, currency: 'CNY' } }],
    ['a lower-case card uid', { type: 'balance', cardUid: '04a1b2c3d4e5f6' }],
    ['a card uid of 5 bytes', { type: 'balance', cardUid: '04A1B2C3D4' }],
    ['a void without original payment', { type: 'void', originalReference: '200000000001' }],
    ['a refund without amount', { type: 'refund', originalReference: '200000000001' }],
    [
      'a refund without original reference',
      { type: 'refund', amount: { value: 1, currency: 'CNY' } },
    ],
    ['a sale with an original reference', { ...sale(1), originalReference: '200000000001' }],
    ['a balance with an original payment', { type: 'balance', originalPaymentId: 'pay1' }],
    ['a malformed original trace', { type: 'void', originalPaymentId: 'p1', originalTrace: '12' }],
    ['a malformed original reference', { type: 'refund', amount: cny(1), originalReference: '1' }],
    ['an unknown type', { type: 'topup', amount: cny(100) }],
    ['a card token', { ...sale(100), token: 'abcdefghijklmnopqrstuvwxyz' }],
    ['a PIN', { ...sale(100), pin: '123456' }],
    ['no object at all', undefined],
  ];

  it.each(invalid)('refuses %s with VALIDATION_FAILED and writes nothing', (_, input) => {
    const points: string[] = [];
    const journal = withBatch(memoryJournal({ onWrite: (point) => points.push(point) }));
    points.length = 0;
    const error = caught(() => journal.begin(input as BeginTxn));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(points).toEqual([]);
    expect(journal.counts().total).toBe(0);
    // No trace was used up either.
    expect(journal.begin(sale(1)).trace).toBe('000001');
  });

  it('names the bad fields without echoing their values', () => {
    const journal = withBatch();
    const input = { ...sale(0), pin: '987654' } as BeginTxn;
    const error = caught(() => journal.begin(input));
    expect(error.details.problems).toEqual([
      { field: 'amount.value', problem: 'must be more than zero' },
      { field: 'pin', problem: 'unknown field' },
    ]);
    expect(JSON.stringify(error.toJSON())).not.toContain('987654');
  });
});

describe('update', () => {
  it('sets the fields given, keeps the others, and stamps updatedAt', () => {
    const journal = withBatch();
    const entry = journal.begin(sale(1250));
    clock.advance(5_000);
    const otp = journal.update(entry.id, {
      state: 'otp_sent',
      paymentId: 'pay_123',
      account: '138****8000',
    });
    expect(otp).toMatchObject({
      state: 'otp_sent',
      paymentId: 'pay_123',
      account: '138****8000',
      amount: cny(1250),
      cardUid: CARD,
      createdAt: '2026-11-23T08:00:00.000Z',
      updatedAt: '2026-11-23T08:00:05.000Z',
    });
    clock.advance(5_000);
    const approved = journal.update(entry.id, {
      state: 'approved',
      authCode: 'AB12CD',
      reference: '200000000001',
      approvedAt: '2026-11-23T08:00:09.000Z',
      paymentId: undefined,
    });
    expect(approved).toMatchObject({
      state: 'approved',
      paymentId: 'pay_123',
      account: '138****8000',
      authCode: 'AB12CD',
      reference: '200000000001',
      approvedAt: '2026-11-23T08:00:09.000Z',
      updatedAt: '2026-11-23T08:00:10.000Z',
    });
    expect(journal.get(entry.id)).toEqual(approved);
  });

  it('records why an entry was declined or reversed', () => {
    const journal = withBatch();
    const declined = journal.update(journal.begin(sale(1)).id, {
      state: 'declined',
      errorCode: 'PIN_INCORRECT',
    });
    expect(declined).toMatchObject({ state: 'declined', errorCode: 'PIN_INCORRECT' });
    const lost = journal.begin(sale(2));
    expect(
      journal.update(lost.id, { state: 'reversal_pending', reversalReason: 'timeout' }),
    ).toMatchObject({ state: 'reversal_pending', reversalReason: 'timeout' });
    expect(journal.update(lost.id, { state: 'reversed' })).toMatchObject({
      state: 'reversed',
      reversalReason: 'timeout',
    });
  });

  it.each([0, -1, 1.5, 99, Number.NaN])('is TRANSACTION_NOT_FOUND for id %s', (id) => {
    const journal = withBatch();
    journal.begin(sale(1));
    expect(thrownCode(() => journal.update(id, { state: 'cancelled' }))).toBe(
      'TRANSACTION_NOT_FOUND',
    );
    expect(journal.get(1)?.state).toBe('authorizing');
  });

  const finals: JournalTxnState[] = ['completed', 'declined', 'cancelled', 'reversed'];
  const all: JournalTxnState[] = [
    'authorizing',
    'otp_sent',
    'confirming',
    'approved',
    'voiding',
    'reversal_pending',
    ...finals,
  ];

  it.each(finals)('refuses every other state once %s, and changes nothing', (final) => {
    const journal = withBatch();
    const entry = journal.update(journal.begin(sale(100)).id, { state: final });
    clock.advance(1_000);
    for (const state of all.filter((s) => s !== final)) {
      const error = caught(() => journal.update(entry.id, { state, paymentId: 'pay_x' }));
      expect(error.code).toBe('PAYMENT_STATE');
      expect(error.details).toEqual({ id: entry.id, type: 'sale', state: final });
    }
    // The same final state with a new value is refused too.
    expect(thrownCode(() => journal.update(entry.id, { state: final, errorCode: 'X' }))).toBe(
      'PAYMENT_STATE',
    );
    expect(journal.get(entry.id)).toEqual(entry);
  });

  it('accepts an exact repeat of a final state and changes nothing', () => {
    const journal = withBatch();
    const entry = walk(journal, journal.begin(sale(100)), {
      state: 'declined',
      errorCode: 'OTP_INCORRECT',
    });
    clock.advance(1_000);
    expect(journal.update(entry.id, { state: 'declined', errorCode: 'OTP_INCORRECT' })).toEqual(
      entry,
    );
    expect(journal.update(entry.id, { state: 'declined' })).toEqual(entry);
  });

  it('lets open states move freely (the flow decides), e.g. back after a wrong code', () => {
    const journal = withBatch();
    const entry = walk(
      journal,
      journal.begin(sale(100)),
      { state: 'otp_sent', paymentId: 'pay_1' },
      { state: 'confirming' },
      { state: 'otp_sent' },
      { state: 'confirming' },
      { state: 'reversal_pending', reversalReason: 'terminal_error' },
    );
    expect(entry.state).toBe('reversal_pending');
  });

  it('refuses to change a payment id or reference once set', () => {
    const journal = withBatch();
    const entry = approvedSale(journal, 100, 'approved');
    expect(
      thrownCode(() => journal.update(entry.id, { state: 'completed', paymentId: 'other' })),
    ).toBe('PAYMENT_STATE');
    expect(
      thrownCode(() => journal.update(entry.id, { state: 'completed', reference: '999999999999' })),
    ).toBe('PAYMENT_STATE');
    expect(journal.get(entry.id)).toEqual(entry);
    // Repeating the same values is fine.
    expect(
      journal.update(entry.id, {
        state: 'completed',
        paymentId: entry.paymentId,
        reference: entry.reference,
      }).state,
    ).toBe('completed');
  });

  it('refuses an amount on a balance inquiry', () => {
    const journal = withBatch();
    const entry = journal.begin({ type: 'balance' });
    expect(thrownCode(() => journal.update(entry.id, { state: 'completed', amount: cny(5) }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(journal.get(entry.id)).toEqual(entry);
  });

  const invalid: [string, unknown][] = [
    ['an unknown state', { state: 'done' }],
    ['no state', { paymentId: 'pay_1' }],
    ['an unmasked phone number', { state: 'otp_sent', account: '13800138000' }],
    ['a lower-case auth code', { state: 'approved', authCode: 'ab12cd' }],
    ['a short reference', { state: 'approved', reference: '12345678901' }],
    ['a non-ISO approval time', { state: 'approved', approvedAt: '23/11/2026' }],
    ['a zero amount', { state: 'approved', amount: { value: 0, currency: 'CNY' } }],
    ['a free-text error code', { state: 'declined', errorCode: 'wrong pin' }],
    ['an unknown reversal reason', { state: 'reversal_pending', reversalReason: 'bored' }],
    ['a payment id with a slash', { state: 'otp_sent', paymentId: 'a/b' }],
    ['a one-time code', { state: 'confirming', otp: '123456' }],
  ];

  it.each(invalid)('refuses %s with VALIDATION_FAILED and changes nothing', (_, update) => {
    const points: string[] = [];
    const journal = withBatch(memoryJournal({ onWrite: (point) => points.push(point) }));
    const entry = journal.begin(sale(100));
    points.length = 0;
    expect(thrownCode(() => journal.update(entry.id, update as TxnUpdate))).toBe(
      'VALIDATION_FAILED',
    );
    expect(points).toEqual([]);
    expect(journal.get(entry.id)).toEqual(entry);
  });
});

describe('markVoided', () => {
  it.each(['approved', 'completed'] as const)('marks a %s sale voided, once', (state) => {
    const journal = withBatch();
    const entry = approvedSale(journal, 100, state);
    clock.advance(1_000);
    journal.markVoided(entry.id);
    const voided = journal.get(entry.id);
    expect(voided).toEqual({ ...entry, voided: true, updatedAt: iso() });
    clock.advance(1_000);
    journal.markVoided(entry.id);
    expect(journal.get(entry.id)).toEqual(voided);
  });

  it('refuses what is not an approved sale', () => {
    const journal = withBatch();
    const pending = journal.begin(sale(100));
    expect(thrownCode(() => journal.markVoided(pending.id))).toBe('PAYMENT_STATE');
    const declined = journal.update(journal.begin(sale(1)).id, { state: 'declined' });
    expect(thrownCode(() => journal.markVoided(declined.id))).toBe('PAYMENT_STATE');
    const refund = journal.begin({
      type: 'refund',
      amount: cny(1),
      originalReference: reference(),
    });
    journal.update(refund.id, { state: 'completed' });
    expect(thrownCode(() => journal.markVoided(refund.id))).toBe('PAYMENT_STATE');
    expect(thrownCode(() => journal.markVoided(999))).toBe('TRANSACTION_NOT_FOUND');
    expect(journal.list().filter((entry) => entry.voided)).toEqual([]);
  });
});

describe('lookups', () => {
  it('finds by id, by batch and trace, and a sale by reference', () => {
    const journal = withBatch();
    const first = approvedSale(journal, 100, 'completed');
    journal.useBatch('000002');
    const second = journal.begin(sale(200));
    const refund = journal.begin({
      type: 'refund',
      amount: cny(50),
      originalReference: first.reference,
    });
    const refunded = journal.update(refund.id, { state: 'completed', reference: reference() });

    expect(journal.get(first.id)).toEqual(first);
    expect(journal.get(12345)).toBeUndefined();
    expect(journal.findByTrace('000001', '000001')).toEqual(first);
    expect(journal.findByTrace('000002', '000001')).toEqual(second);
    expect(journal.findByTrace('000003', '000001')).toBeUndefined();
    expect(journal.findByTrace('000001', '1')).toBeUndefined();
    expect(journal.findByReference(first.reference ?? '')).toEqual(first);
    // A refund's own reference is not a sale's.
    expect(journal.findByReference(refunded.reference ?? '')).toBeUndefined();
    expect(journal.findByReference('000000000000')).toBeUndefined();
  });

  it('lists newest first, 50 by default, by batch and by state', () => {
    const journal = withBatch();
    const entries = Array.from({ length: 60 }, (_, i) => journal.begin(sale(i + 1)));
    journal.useBatch('000002');
    const other = journal.begin({ type: 'balance' });
    journal.update(entries[0]?.id ?? 0, { state: 'cancelled' });

    const listed = journal.list();
    expect(listed).toHaveLength(50);
    expect(listed[0]?.id).toBe(other.id);
    expect(listed.map((e) => e.id)).toEqual([...listed.map((e) => e.id)].sort((a, b) => b - a));
    expect(journal.list({ limit: 1000 })).toHaveLength(61);
    expect(journal.list({ batch: '000002' }).map((e) => e.id)).toEqual([other.id]);
    expect(journal.list({ batch: '000001', limit: 3 }).map((e) => e.trace)).toEqual([
      '000060',
      '000059',
      '000058',
    ]);
    expect(journal.list({ states: ['cancelled'] }).map((e) => e.id)).toEqual([entries[0]?.id]);
    expect(journal.list({ states: ['cancelled', 'authorizing'], limit: 1000 })).toHaveLength(61);
    expect(journal.list({ states: [] })).toEqual([]);
    expect(thrownCode(() => journal.list({ limit: 0 }))).toBe('VALIDATION_FAILED');
    expect(thrownCode(() => journal.list({ batch: '1' }))).toBe('VALIDATION_FAILED');
    expect(thrownCode(() => journal.list({ states: ['nope' as JournalTxnState] }))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('lists open transactions oldest first, and counts', () => {
    const journal = withBatch();
    const states: JournalTxnState[] = [
      'authorizing',
      'completed',
      'otp_sent',
      'declined',
      'confirming',
      'cancelled',
      'approved',
      'reversed',
      'voiding',
      'reversal_pending',
      'reversal_pending',
    ];
    const entries = states.map((state) => {
      const entry = journal.begin(sale(100));
      return state === 'authorizing' ? entry : journal.update(entry.id, { state });
    });
    const openOnes = entries.filter((e) =>
      ['authorizing', 'otp_sent', 'confirming', 'approved', 'voiding', 'reversal_pending'].includes(
        e.state,
      ),
    );
    expect(journal.openTransactions()).toEqual(openOnes);
    expect(journal.counts()).toEqual({ total: 11, open: 7, reversalsPending: 2 });
    expect(memoryJournal().counts()).toEqual({ total: 0, open: 0, reversalsPending: 0 });
  });
});

describe('batchFigures', () => {
  it('counts a batch the way the host does', () => {
    const journal = withBatch();
    approvedSale(journal, 1000, 'completed'); // counts
    approvedSale(journal, 2500, 'approved'); // counts: approved, slip not printed yet
    const voidedSale = approvedSale(journal, 700, 'completed'); // voided: a void, not a sale
    const voidEntry = journal.begin({
      type: 'void',
      amount: voidedSale.amount,
      originalPaymentId: voidedSale.paymentId,
    });
    walk(journal, voidEntry, { state: 'voiding' }, { state: 'approved' }, { state: 'completed' });
    journal.markVoided(voidedSale.id);
    walk(journal, journal.begin(sale(999)), { state: 'declined', errorCode: 'PIN_INCORRECT' });
    walk(journal, journal.begin(sale(400)), { state: 'reversal_pending' }, { state: 'reversed' });
    walk(journal, journal.begin(sale(300)), { state: 'otp_sent', paymentId: 'p_open' });
    walk(journal, journal.begin(sale(50)), { state: 'reversal_pending' });
    walk(journal, journal.begin(sale(60)), { state: 'cancelled' });
    const refund = (value: number, ...updates: TxnUpdate[]) =>
      walk(
        journal,
        journal.begin({ type: 'refund', amount: cny(value), originalReference: reference() }),
        ...updates,
      );
    refund(200, { state: 'approved' }, { state: 'completed' }); // counts
    refund(300, { state: 'approved' }); // counts
    refund(100, { state: 'declined' });
    refund(150);
    walk(journal, journal.begin({ type: 'balance' }), { state: 'completed' });

    journal.useBatch('000002');
    approvedSale(journal, 5000, 'completed');
    refund(10, { state: 'completed' });

    expect(journal.batchFigures('000001', 'CNY')).toEqual({
      counts: { sale: 2, void: 1, refund: 2 },
      totals: { sale: cny(3500), refund: cny(500) },
    });
    expect(journal.batchFigures('000002', 'CNY')).toEqual({
      counts: { sale: 1, void: 0, refund: 1 },
      totals: { sale: cny(5000), refund: cny(10) },
    });
    expect(journal.batchFigures('000003', 'CNY')).toEqual(ZERO_FIGURES);
  });

  it('sums large amounts exactly and refuses a total above the maximum', () => {
    const journal = withBatch();
    approvedSale(journal, 400_000_000_001, 'completed');
    approvedSale(journal, 400_000_000_002, 'completed');
    expect(journal.batchFigures('000001', 'CNY').totals.sale).toEqual(cny(800_000_000_003));
    approvedSale(journal, 400_000_000_000, 'completed');
    expect(thrownCode(() => journal.batchFigures('000001', 'CNY'))).toBe('MONEY_OVERFLOW');
  });

  it('refuses to add up amounts in another currency', () => {
    const journal = withBatch();
    approvedSale(journal, 100, 'completed');
    const usd = journal.begin({ type: 'sale', amount: money(100, 'USD') });
    journal.update(usd.id, { state: 'completed' });
    expect(thrownCode(() => journal.batchFigures('000001', 'CNY'))).toBe('CURRENCY_MISMATCH');
    expect(thrownCode(() => journal.batchFigures('1', 'CNY'))).toBe('VALIDATION_FAILED');
    expect(thrownCode(() => journal.batchFigures('000001', 'XXX' as 'CNY'))).toBe(
      'VALIDATION_FAILED',
    );
  });
});

describe('settlement', () => {
  const figures = (sales: number): JournalBatchFigures => ({
    counts: { sale: sales, void: 0, refund: 0 },
    totals: { sale: cny(sales * 100), refund: cny(0) },
  });

  it('stores the settlement and makes the next batch current, across a reopen', () => {
    const journal = withBatch(fileJournal());
    journal.begin(sale(100));
    journal.begin(sale(100));
    clock.advance(60_000);
    journal.recordSettlement({
      batch: '000001',
      result: 'out_of_balance',
      terminal: figures(2),
      host: figures(1),
      nextBatch: '000002',
    });
    expect(journal.currentBatch()).toBe('000002');
    expect(journal.begin(sale(1))).toMatchObject({ batch: '000002', trace: '000001' });
    journal.close();

    const reopened = fileJournal();
    expect(reopened.currentBatch()).toBe('000002');
    expect(reopened.settlements()).toEqual([
      {
        batch: '000001',
        result: 'out_of_balance',
        settledAt: '2026-11-23T08:01:00.000Z',
        nextBatch: '000002',
      },
    ]);
  });

  it('keeps a settlement sent but unanswered across a reopen, until its verdict is recorded', () => {
    const journal = withBatch(fileJournal());
    expect(journal.pendingSettlement()).toBeUndefined();
    journal.beginSettlement({ batch: '000001', terminal: figures(2) });
    journal.close();

    const reopened = fileJournal();
    expect(reopened.pendingSettlement()).toEqual({ batch: '000001', terminal: figures(2) });
    expect(thrownCode(() => reopened.beginSettlement({ batch: '1', terminal: figures(2) }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(reopened.pendingSettlement()).toEqual({ batch: '000001', terminal: figures(2) });
    reopened.recordSettlement({
      batch: '000001',
      result: 'balanced',
      terminal: figures(2),
      host: figures(2),
      nextBatch: '000002',
    });
    expect(reopened.pendingSettlement()).toBeUndefined();

    reopened.beginSettlement({ batch: '000002', terminal: figures(0) });
    reopened.dropPendingSettlement();
    expect(reopened.pendingSettlement()).toBeUndefined();
    expect(reopened.currentBatch()).toBe('000002');
  });

  it('lists settlements newest first, and a repeat replaces the record', () => {
    const journal = withBatch();
    for (const [batch, nextBatch] of [
      ['000001', '000002'],
      ['000002', '000003'],
      ['000003', '000004'],
    ] as const) {
      clock.advance(1_000);
      journal.recordSettlement({
        batch,
        result: 'balanced',
        terminal: ZERO_FIGURES,
        host: ZERO_FIGURES,
        nextBatch,
      });
    }
    expect(journal.settlements().map((s) => s.batch)).toEqual(['000003', '000002', '000001']);
    expect(journal.settlements(2).map((s) => s.batch)).toEqual(['000003', '000002']);
    clock.advance(1_000);
    journal.recordSettlement({
      batch: '000003',
      result: 'out_of_balance',
      terminal: ZERO_FIGURES,
      host: figures(1),
      nextBatch: '000004',
    });
    expect(journal.settlements()).toHaveLength(3);
    expect(journal.settlements(1)[0]).toMatchObject({ batch: '000003', result: 'out_of_balance' });
    expect(thrownCode(() => journal.settlements(0))).toBe('VALIDATION_FAILED');
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['the same next batch', { nextBatch: '000001' }],
    ['a malformed next batch', { nextBatch: '2' }],
    ['an unknown result', { result: 'fine' }],
    [
      'a fractional total',
      {
        terminal: {
          ...ZERO_FIGURES,
          totals: { sale: { value: 1.5, currency: 'CNY' }, refund: cny(0) },
        },
      },
    ],
    [
      'mixed currencies',
      { host: { ...ZERO_FIGURES, totals: { sale: cny(0), refund: money(0, 'USD') } } },
    ],
    [
      'a negative count',
      { terminal: { ...ZERO_FIGURES, counts: { sale: -1, void: 0, refund: 0 } } },
    ],
  ];

  it.each(invalid)('refuses %s and changes nothing', (_, change) => {
    const journal = withBatch();
    const input = {
      batch: '000001',
      result: 'balanced' as const,
      terminal: ZERO_FIGURES,
      host: ZERO_FIGURES,
      nextBatch: '000002',
      ...change,
    };
    expect(thrownCode(() => journal.recordSettlement(input as never))).toBe('VALIDATION_FAILED');
    expect(journal.currentBatch()).toBe('000001');
    expect(journal.settlements()).toEqual([]);
  });
});

describe('last slip', () => {
  it('is kept for reprint, replaced by the next, and survives a reopen', () => {
    const journal = fileJournal();
    expect(journal.lastSlip()).toBeUndefined();
    journal.saveLastSlip(salesSlip('000001'));
    expect(journal.lastSlip()).toEqual(salesSlip('000001'));
    const report: SettlementReport = {
      kind: 'settlement-report',
      language: 'en',
      merchant: { id: 'M0001', name: 'Shop' },
      terminalId: 'T0000001',
      batch: '000001',
      time: '2026-11-23T20:00:00.000Z',
      result: 'balanced',
      terminal: ZERO_FIGURES,
      host: ZERO_FIGURES,
    };
    journal.saveLastSlip(report);
    journal.close();
    expect(fileJournal().lastSlip()).toEqual(report);
  });

  it('refuses something that is not a printable document', () => {
    const journal = memoryJournal();
    journal.saveLastSlip(salesSlip('000001'));
    const notSlip = { kind: 'letter', text: 'hello' } as unknown as SalesSlip;
    expect(thrownCode(() => journal.saveLastSlip(notSlip))).toBe('VALIDATION_FAILED');
    expect(journal.lastSlip()).toEqual(salesSlip('000001'));
  });
});

describe('onWrite', () => {
  it('brackets every write with before (nothing written yet) and after (committed)', () => {
    const calls: string[] = [];
    const journal: Journal = memoryJournal({
      onWrite: (point, phase) => {
        calls.push(`${point} ${phase} total=${journal.counts().total}`);
      },
    });
    journal.useBatch('000001');
    const entry = journal.begin(sale(100));
    journal.update(entry.id, { state: 'otp_sent', paymentId: 'pay_1' });
    journal.update(entry.id, { state: 'confirming' });
    journal.update(entry.id, { state: 'approved', reference: reference() });
    journal.markVoided(entry.id);
    journal.saveLastSlip(salesSlip(entry.trace));
    journal.update(entry.id, { state: 'completed' });
    journal.begin({ type: 'balance' });
    journal.recordSettlement({
      batch: '000001',
      result: 'balanced',
      terminal: ZERO_FIGURES,
      host: ZERO_FIGURES,
      nextBatch: '000002',
    });
    expect(calls).toEqual([
      'batch before total=0',
      'batch after total=0',
      'begin:sale before total=0',
      'begin:sale after total=1',
      'update:otp_sent before total=1',
      'update:otp_sent after total=1',
      'update:confirming before total=1',
      'update:confirming after total=1',
      'update:approved before total=1',
      'update:approved after total=1',
      'voided before total=1',
      'voided after total=1',
      'slip before total=1',
      'slip after total=1',
      'update:completed before total=1',
      'update:completed after total=1',
      'begin:balance before total=1',
      'begin:balance after total=2',
      'settlement before total=2',
      'settlement after total=2',
    ]);
  });

  it('sees the state change only after the commit', () => {
    const seen: string[] = [];
    const journal: Journal = withBatch(
      memoryJournal({
        onWrite: (point, phase) => {
          if (point.startsWith('update:')) seen.push(`${phase}:${journal.get(1)?.state ?? '-'}`);
        },
      }),
    );
    journal.begin(sale(100));
    journal.update(1, { state: 'cancelled' });
    expect(seen).toEqual(['before:authorizing', 'after:cancelled']);
  });

  it('does not call after when the write fails', () => {
    const calls: string[] = [];
    const journal = withBatch(
      memoryJournal({ onWrite: (point, phase) => calls.push(`${point}:${phase}`) }),
    );
    calls.length = 0;
    expect(thrownCode(() => journal.update(42, { state: 'cancelled' }))).toBe(
      'TRANSACTION_NOT_FOUND',
    );
    expect(calls).toEqual(['update:cancelled:before']);
  });

  it('writes nothing when before throws', () => {
    const journal = withBatch(
      memoryJournal({
        onWrite: (point, phase) => {
          if (point === 'begin:sale' && phase === 'before') throw new Error('power cut');
        },
      }),
    );
    expect(() => journal.begin(sale(100))).toThrow('power cut');
    expect(journal.counts().total).toBe(0);
    expect(journal.begin({ type: 'balance' }).trace).toBe('000001');
  });
});

describe('what the journal never stores', () => {
  it('has no column for a PIN, a one-time code, a token or a key', () => {
    const journal = fileJournal();
    journal.close();
    const db = new Database(path.join(dir, 'journal.db'), { readonly: true });
    try {
      const tables = db
        .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .pluck()
        .all();
      const columns = tables.flatMap((table) =>
        (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name),
      );
      expect(columns).toContain('card_uid');
      expect(columns.filter((c) => /pin|otp|token|secret|password|key/i.test(c))).toEqual([]);
    } finally {
      db.close();
    }
  });
});
