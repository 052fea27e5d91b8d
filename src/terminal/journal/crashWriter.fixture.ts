/**
 * Crash-test child for Journal.crash.test.ts (not a test itself). Runs a fixed, deterministic
 * script of journal writes covering every write point, and kills itself with SIGKILL from
 * `onWrite` at a chosen point, phase and occurrence:
 *
 *   node --import tsx crashWriter.fixture.ts <journal file> [<point> <before|after> <occurrence>]
 *
 * Just before the kill it writes one JSON line to stdout ({@link CrashReport}): what the
 * interrupted write was about to do, so the parent can check it is wholly present ('after') or
 * wholly absent ('before'). Without a crash point it runs the whole script and prints how often
 * each point was written ({@link DryRunReport}).
 */
import { writeSync } from 'node:fs';
import { ManualClock } from '../../core/ManualClock.js';
import { money } from '../../core/money.js';
import { Journal } from './Journal.js';
import type { BeginTxn, JournalTxn, TxnUpdate } from './journalTypes.js';

/** What the write interrupted by the crash was doing. */
export type CrashIntent =
  | { op: 'batch'; batch: string; previous: string | undefined }
  | { op: 'begin'; type: string; batch: string | undefined; totalBefore: number }
  | { op: 'update'; id: number; state: string; stateBefore: string }
  | { op: 'voided'; id: number }
  /** Slips are named `batch/trace`. */
  | { op: 'slip'; slip: string; previous: string | undefined }
  | { op: 'settlement'; batch: string; nextBatch: string };

export interface CrashReport {
  point: string;
  phase: 'before' | 'after';
  intent: CrashIntent;
  /** The highest trace the child saw `begin` return, per batch. */
  maxTraces: Record<string, string>;
}

export interface DryRunReport {
  done: true;
  points: Record<string, number>;
}

/** Rounds of the script; each one writes every point at least once. */
const ROUNDS = 3;

const [file, crashPoint, crashPhase, crashOccurrence] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: crashWriter.fixture.ts <file> [point phase n]');
const occurrence = Number(crashOccurrence ?? '1');

const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 0, 0));
const seen: Record<string, number> = {};
const maxTraces: Record<string, string> = {};
let intent: CrashIntent | undefined;

const journal = Journal.open({
  path: file,
  clock,
  onWrite(point, phase) {
    if (phase === 'before') seen[point] = (seen[point] ?? 0) + 1;
    if (point !== crashPoint || phase !== crashPhase || seen[point] !== occurrence) return;
    if (intent === undefined) throw new Error('no intent recorded');
    const report: CrashReport = { point, phase, intent, maxTraces };
    writeSync(1, `${JSON.stringify(report)}\n`);
    process.kill(process.pid, 'SIGKILL');
  },
});

function useBatch(batch: string): void {
  intent = { op: 'batch', batch, previous: journal.currentBatch() };
  journal.useBatch(batch);
}

function begin(input: BeginTxn): JournalTxn {
  clock.advance(1_000);
  intent = {
    op: 'begin',
    type: input.type,
    batch: journal.currentBatch(),
    totalBefore: journal.counts().total,
  };
  const entry = journal.begin(input);
  const known = maxTraces[entry.batch];
  if (known === undefined || entry.trace > known) maxTraces[entry.batch] = entry.trace;
  return entry;
}

function update(entry: JournalTxn, changes: TxnUpdate): JournalTxn {
  clock.advance(1_000);
  const before = journal.get(entry.id);
  if (before === undefined) throw new Error(`entry ${entry.id} vanished`);
  intent = { op: 'update', id: entry.id, state: changes.state, stateBefore: before.state };
  return journal.update(entry.id, changes);
}

function saveSlip(entry: JournalTxn): void {
  const previous = journal.lastSlip();
  intent = {
    op: 'slip',
    slip: `${entry.batch}/${entry.trace}`,
    previous: previous?.kind === 'sales-slip' ? `${previous.batch}/${previous.trace}` : undefined,
  };
  journal.saveLastSlip({
    kind: 'sales-slip',
    language: 'zh-CN',
    merchant: { id: 'M0001', name: '测试商户' },
    terminalId: 'T0000001',
    operator: '01',
    type: entry.type === 'void' ? 'void' : 'sale',
    batch: entry.batch,
    trace: entry.trace,
    authCode: entry.authCode,
    reference: entry.reference,
    time: new Date(clock.now()).toISOString(),
    amount: entry.amount ?? money(0, 'CNY'),
    reprint: false,
  });
}

const CARD = '04A1B2C3D4E5F6';
let serial = 0;
const nextReference = (): string => String(100_000_000_000 + ++serial);

/** A sale through its whole happy path: otp, confirm, approval, slip, completed. */
function approvedSale(value: number): JournalTxn {
  const sale = begin({ type: 'sale', amount: money(value, 'CNY'), cardUid: CARD });
  const paymentId = `pay-${sale.batch}-${sale.trace}`;
  update(sale, { state: 'otp_sent', paymentId, account: '138****8000' });
  update(sale, { state: 'confirming' });
  const approved = update(sale, {
    state: 'approved',
    authCode: 'A1B2C3',
    reference: nextReference(),
    approvedAt: new Date(clock.now()).toISOString(),
  });
  saveSlip(approved);
  return update(sale, { state: 'completed' });
}

for (let round = 0; round < ROUNDS; round += 1) {
  const batch = String(round + 1).padStart(6, '0');
  useBatch(batch);
  const sale = approvedSale(1_000 + round);

  const balance = begin({ type: 'balance', cardUid: CARD });
  update(balance, { state: 'completed', paymentId: `bal-${balance.trace}` });

  const declined = begin({ type: 'sale', amount: money(500, 'CNY'), cardUid: CARD });
  update(declined, { state: 'otp_sent', paymentId: `pay-${batch}-${declined.trace}` });
  update(declined, { state: 'declined', errorCode: 'ACCOUNT_LOCKED' });

  const lost = begin({ type: 'sale', amount: money(600, 'CNY'), cardUid: CARD });
  update(lost, { state: 'reversal_pending', reversalReason: 'timeout' });
  update(lost, { state: 'reversed' });

  const abandoned = begin({ type: 'sale', amount: money(700, 'CNY'), cardUid: CARD });
  update(abandoned, { state: 'cancelled' });

  // Another batch in between, then back: the counters of both continue.
  useBatch('000900');
  const elsewhere = begin({ type: 'balance', cardUid: CARD });
  update(elsewhere, { state: 'cancelled' });
  useBatch(batch);

  const voidEntry = begin({
    type: 'void',
    amount: sale.amount,
    originalPaymentId: sale.paymentId,
    originalTrace: sale.trace,
    originalReference: sale.reference,
  });
  update(voidEntry, { state: 'voiding' });
  const voidApproved = update(voidEntry, { state: 'approved', reference: nextReference() });
  intent = { op: 'voided', id: sale.id };
  journal.markVoided(sale.id);
  saveSlip(voidApproved);
  update(voidEntry, { state: 'completed' });

  const other = approvedSale(2_000 + round);
  const refund = begin({
    type: 'refund',
    amount: money(300, 'CNY'),
    originalReference: other.reference,
  });
  update(refund, { state: 'approved', reference: nextReference() });
  update(refund, { state: 'completed' });

  const figures = journal.batchFigures(batch, 'CNY');
  const nextBatch = String(round + 2).padStart(6, '0');
  intent = { op: 'settlement', batch, nextBatch };
  journal.recordSettlement({
    batch,
    result: 'balanced',
    terminal: figures,
    host: figures,
    nextBatch,
  });
}

journal.close();
const report: DryRunReport = { done: true, points: seen };
writeSync(1, `${JSON.stringify(report)}\n`);
