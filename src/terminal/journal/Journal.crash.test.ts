import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import type { CrashReport, DryRunReport } from './crashWriter.fixture.js';
import { Journal } from './Journal.js';

/**
 * Real crashes: a child process runs crashWriter.fixture.ts, which writes the journal through a
 * fixed script and SIGKILLs itself from `onWrite` at one write point and phase. The parent then
 * reopens the file and checks that SQLite recovered it whole: the interrupted write is all
 * there (killed 'after' the commit) or not there at all (killed 'before'), traces are unique,
 * and the next trace of every batch is above any allocated before the crash.
 */

const FIXTURE = fileURLToPath(new URL('./crashWriter.fixture.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Every write point the fixture's script produces; the dry run must produce exactly these. */
const POINTS = [
  'batch',
  'begin:sale',
  'begin:balance',
  'begin:void',
  'begin:refund',
  'update:otp_sent',
  'update:confirming',
  'update:approved',
  'update:completed',
  'update:declined',
  'update:reversal_pending',
  'update:reversed',
  'update:cancelled',
  'update:voiding',
  'voided',
  'slip',
  'settlement',
] as const;
const PHASES = ['before', 'after'] as const;

interface ChildResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ stdout, stderr, code, signal });
    });
  });
}

let dir: string;
let dryRun: Promise<DryRunReport>;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'journal-crash-'));
  dryRun = runChild([path.join(dir, 'dry-run.db')]).then((result) => {
    if (result.code !== 0) throw new Error(`dry run failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as DryRunReport;
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('the fixture runs its whole script and writes every point', async ({ expect }) => {
  const report = await dryRun;
  expect(report.done).toBe(true);
  expect(Object.keys(report.points).sort()).toEqual([...POINTS].sort());
  const journal = Journal.open({ path: path.join(dir, 'dry-run.db'), clock: new ManualClock() });
  try {
    expect(journal.integrityCheck()).toEqual(['ok']);
    expect(journal.settlements().map((s) => s.batch)).toEqual(['000003', '000002', '000001']);
    expect(journal.currentBatch()).toBe('000004');
  } finally {
    journal.close();
  }
});

function checkIntent(expect: ExpectStatic, journal: Journal, report: CrashReport): void {
  const committed = report.phase === 'after';
  const { intent } = report;
  switch (intent.op) {
    case 'batch':
      expect(journal.currentBatch()).toBe(committed ? intent.batch : intent.previous);
      break;
    case 'begin': {
      const { total } = journal.counts();
      expect(total).toBe(intent.totalBefore + (committed ? 1 : 0));
      if (committed) {
        const newest = journal.list({ limit: 1 })[0];
        expect(newest).toMatchObject({ type: intent.type, batch: intent.batch });
        expect(newest?.state).toBe('authorizing');
      }
      break;
    }
    case 'update':
      expect(journal.get(intent.id)?.state).toBe(committed ? intent.state : intent.stateBefore);
      break;
    case 'voided':
      expect(journal.get(intent.id)?.voided).toBe(committed);
      break;
    case 'slip': {
      const slip = journal.lastSlip();
      const name = slip?.kind === 'sales-slip' ? `${slip.batch}/${slip.trace}` : undefined;
      expect(name).toBe(committed ? intent.slip : intent.previous);
      break;
    }
    case 'settlement': {
      const settled = journal.settlements(100).map((s) => s.batch);
      expect(settled.includes(intent.batch)).toBe(committed);
      expect(journal.currentBatch()).toBe(committed ? intent.nextBatch : intent.batch);
      break;
    }
  }
}

describe.concurrent('a SIGKILL at a write point', () => {
  const cases = POINTS.flatMap((point) => PHASES.map((phase) => [point, phase] as const));

  it.for(cases)('%s (%s) leaves a whole, usable journal', async ([point, phase], { expect }) => {
    const written = (await dryRun).points[point] ?? 0;
    // A middle occurrence, so the crash lands with history before it and work after it.
    const occurrence = Math.ceil(written / 2);
    const file = path.join(dir, `${point.replace(':', '-')}-${phase}.db`);
    const child = await runChild([file, point, phase, String(occurrence)]);
    expect(child.signal, child.stderr).toBe('SIGKILL');
    const report = JSON.parse(child.stdout) as CrashReport;
    expect(report).toMatchObject({ point, phase });

    const journal = Journal.open({ path: file, clock: new ManualClock(Date.UTC(2026, 11, 1)) });
    try {
      expect(journal.integrityCheck()).toEqual(['ok']);
      checkIntent(expect, journal, report);

      const entries = journal.list({ limit: 10_000 });
      const keys = entries.map((entry) => `${entry.batch}/${entry.trace}`);
      expect(new Set(keys).size).toBe(keys.length);

      // The highest trace allocated before the crash, per batch: what the child saw begin
      // return, and what the file holds (a begin killed 'after' its commit never returned).
      const highest = new Map<string, string>(Object.entries(report.maxTraces));
      for (const entry of entries) {
        const known = highest.get(entry.batch);
        if (known === undefined || entry.trace > known) highest.set(entry.batch, entry.trace);
      }
      expect(highest.size).toBeGreaterThan(0);
      for (const [batch, trace] of highest) {
        journal.useBatch(batch);
        const next = journal.begin({ type: 'balance' });
        expect(next.batch).toBe(batch);
        expect(next.trace > trace, `${batch}: ${next.trace} after ${trace}`).toBe(true);
      }
    } finally {
      journal.close();
    }
  });
});
