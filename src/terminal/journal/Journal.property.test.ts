import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import { money } from '../../core/money.js';
import { thrownCode } from '../../testing/thrownCode.js';
import { Journal } from './Journal.js';
import {
  FINAL_TXN_STATES,
  JOURNAL_TXN_STATES,
  JOURNAL_TXN_TYPES,
  type BeginTxn,
  type JournalTxnState,
  type JournalTxnType,
} from './journalTypes.js';

/**
 * Random sequences of begin / update / useBatch (and reopen, on a file) against a small model:
 * no (batch, trace) pair is ever used twice, each batch's traces run 000001, 000002… in the
 * order entries were begun, and final states stay final.
 */

const BATCHES = ['000001', '000002', '000003'] as const;
const TYPES: readonly JournalTxnType[] = JOURNAL_TXN_TYPES;
const STATES: readonly JournalTxnState[] = JOURNAL_TXN_STATES;

type Command =
  | { kind: 'begin'; type: JournalTxnType }
  | { kind: 'update'; pick: number; state: JournalTxnState }
  | { kind: 'useBatch'; batch: string }
  | { kind: 'reopen' };

const begin = fc.record({ kind: fc.constant('begin' as const), type: fc.constantFrom(...TYPES) });
const update = fc.record({
  kind: fc.constant('update' as const),
  pick: fc.nat(),
  state: fc.constantFrom(...STATES),
});
const useBatch = fc.record({
  kind: fc.constant('useBatch' as const),
  batch: fc.constantFrom(...BATCHES),
});
const reopen = fc.constant({ kind: 'reopen' as const });

const command = (withReopen: boolean): fc.Arbitrary<Command> =>
  withReopen
    ? fc.oneof(
        { weight: 5, arbitrary: begin },
        { weight: 4, arbitrary: update },
        { weight: 2, arbitrary: useBatch },
        { weight: 1, arbitrary: reopen },
      )
    : fc.oneof(
        { weight: 5, arbitrary: begin },
        { weight: 4, arbitrary: update },
        { weight: 2, arbitrary: useBatch },
      );

function beginInput(type: JournalTxnType): BeginTxn {
  switch (type) {
    case 'sale':
      return { type, amount: money(100, 'CNY'), cardUid: '04A1B2C3D4E5F6' };
    case 'balance':
      return { type, cardUid: '04A1B2C3D4E5F6' };
    case 'void':
      return { type, originalPaymentId: 'pay_1' };
    case 'refund':
      return { type, amount: money(50, 'CNY'), originalReference: '200000000001' };
  }
}

interface ModelEntry {
  id: number;
  batch: string;
  trace: string;
  state: JournalTxnState;
}

function runCommands(commands: readonly Command[], file: string): void {
  const clock = new ManualClock();
  let journal = Journal.open({ path: file, clock });
  const entries: ModelEntry[] = [];
  const counters = new Map<string, number>();
  let current: string | undefined;
  try {
    for (const cmd of commands) {
      clock.advance(1_000);
      switch (cmd.kind) {
        case 'begin': {
          if (current === undefined) {
            expect(thrownCode(() => journal.begin(beginInput(cmd.type)))).toBe('BATCH_CLOSED');
            break;
          }
          const expected = (counters.get(current) ?? 0) + 1;
          const entry = journal.begin(beginInput(cmd.type));
          expect(entry.batch).toBe(current);
          expect(entry.trace).toBe(String(expected).padStart(6, '0'));
          counters.set(current, expected);
          entries.push({
            id: entry.id,
            batch: entry.batch,
            trace: entry.trace,
            state: entry.state,
          });
          break;
        }
        case 'update': {
          const target = entries[cmd.pick % Math.max(entries.length, 1)];
          if (target === undefined) {
            expect(thrownCode(() => journal.update(1, { state: cmd.state }))).toBe(
              'TRANSACTION_NOT_FOUND',
            );
            break;
          }
          const final = FINAL_TXN_STATES.includes(target.state);
          if (final && target.state !== cmd.state) {
            expect(thrownCode(() => journal.update(target.id, { state: cmd.state }))).toBe(
              'PAYMENT_STATE',
            );
          } else {
            expect(journal.update(target.id, { state: cmd.state }).state).toBe(cmd.state);
            target.state = cmd.state;
          }
          break;
        }
        case 'useBatch':
          journal.useBatch(cmd.batch);
          current = cmd.batch;
          break;
        case 'reopen':
          journal.close();
          journal = Journal.open({ path: file, clock });
          expect(journal.currentBatch()).toBe(current);
          break;
      }
    }
    const stored = journal.list({ limit: 10_000 });
    const keys = stored.map((entry) => `${entry.batch}/${entry.trace}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(
      stored
        .map(({ id, batch, trace, state }) => ({ id, batch, trace, state }))
        .sort((a, b) => a.id - b.id),
    ).toEqual(entries);
  } finally {
    journal.close();
  }
}

describe('trace allocation (property)', () => {
  it('never repeats a (batch, trace) pair, in memory', () => {
    fc.assert(
      fc.property(fc.array(command(false), { maxLength: 80 }), (commands) => {
        runCommands(commands, ':memory:');
      }),
      { numRuns: 200 },
    );
  });

  describe('on a file, with reopens', () => {
    let dir: string;
    let run = 0;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'journal-property-'));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('never repeats a (batch, trace) pair across reopens', () => {
      fc.assert(
        fc.property(fc.array(command(true), { maxLength: 40 }), (commands) => {
          runCommands(commands, path.join(dir, `run-${++run}.db`));
        }),
        { numRuns: 40 },
      );
    });
  });
});
