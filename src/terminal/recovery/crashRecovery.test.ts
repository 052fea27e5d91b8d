import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { ChildTerminal } from '../../testing/ChildTerminal.js';
import { LiveHost } from '../../testing/LiveHost.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';
import type { ChildConfig } from '../../testing/terminalChild.fixture.js';
import { hashSupervisorPassword } from '../effects/supervisorPassword.js';
import { Journal } from '../journal/Journal.js';

const AMOUNT = 1250;
const SUPERVISOR_PASSWORD = '2468';

interface CrashPoint {
  point: string;
  phase: 'before' | 'after';
  occurrence: number;
}
const BALANCE = 100_000;

interface Run {
  config: Omit<ChildConfig, 'crashAt'>;
  terminalId: string;
  journalPath: string;
  card: Awaited<ReturnType<LiveHost['enroll']>>;
}

/**
 * Power cuts during a sale: the terminal runs in a child process against the real host, and
 * is killed with SIGKILL at each journal write of a sale (before and after the write commits),
 * then started again. After its recovery: no double debit, no debit without a printed slip or
 * a reversal, no trace used twice, and a journal SQLite finds intact.
 */
describe('a terminal killed at every journal write of a sale', () => {
  const database = useTestDatabase('pglite');
  let host: LiveHost;
  let supervisorHash: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'combopay-crash-'));
  let terminals = 0;

  beforeAll(async () => {
    host = await LiveHost.start(database.db);
    supervisorHash = await hashSupervisorPassword(SUPERVISOR_PASSWORD);
  });
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new terminal (own id, journal and slip file) and a new customer for one run. */
  async function newRun(): Promise<Run> {
    terminals += 1;
    const terminalId = `T${String(terminals).padStart(7, '0')}`;
    const added = await host.addTerminal(terminalId);
    const card = await host.enroll(BALANCE);
    const journalPath = path.join(dir, `${terminalId}.db`);
    const keyFile = path.join(dir, `${terminalId}.key`);
    writeFileSync(keyFile, `${added.key}\n`, { mode: 0o600 });
    const configFile = path.join(dir, `${terminalId}.json`);
    const config = {
      terminalId,
      terminalKeyFile: keyFile,
      host: { url: host.url, connectTimeoutMs: 2_000, replyTimeoutMs: 5_000, retryDelayMs: 50 },
      journalPath,
      language: 'en',
      supervisorPasswordHash: supervisorHash,
    };
    writeFileSync(configFile, JSON.stringify(config));
    return {
      card,
      terminalId,
      journalPath,
      config: { configFile, slipsPath: path.join(dir, `${terminalId}.slips`) },
    };
  }

  /** Plays a whole sale as cashier and customer; stops early if the terminal dies. */
  async function sell(child: ChildTerminal, run: Run): Promise<void> {
    const tap = { uid: run.card.uid, token: run.card.token };
    if (!(await child.waitForState('idle'))) return;
    child.send({ tap });
    if (!(await child.waitForState('menu'))) return;
    child.send({ keys: '1' });
    if (!(await child.waitForState('amount'))) return;
    child.send({ keys: `${AMOUNT}{OK}` });
    if (!(await child.waitForState('pin'))) return;
    child.send({ keys: `${run.card.pin}{OK}` });
    if (!(await child.waitForState('code.entering'))) return;
    child.send({ keys: `${await host.latestCode(run.card.msisdn)}{OK}` });
    if (!(await child.waitForState('approved.done'))) return;
    child.send({ keys: '{OK}' });
    await child.waitForState('idle');
  }

  /** After a restart: recovery done, then a balance inquiry takes the next trace. */
  async function recoverAndInquire(child: ChildTerminal, run: Run): Promise<void> {
    expect(await child.waitForState(['idle', 'recoveryReport'])).toBe(true);
    if (child.state === 'recoveryReport') child.send({ keys: '{OK}' });
    expect(await child.waitForState('idle')).toBe(true);
    child.send({ tap: { uid: run.card.uid, token: run.card.token } });
    expect(await child.waitForState('menu')).toBe(true);
    child.send({ keys: `2${run.card.pin}{OK}` });
    expect(await child.waitForState('balanceResult')).toBe(true);
    child.send({ keys: '{OK}' });
    expect(await child.waitForState('idle')).toBe(true);
  }

  /** The writes of one uninterrupted sale, from the tap back to idle: the crash points. */
  let salePoints: CrashPoint[] = [];
  /** The writes of voiding that sale afterwards. */
  let voidPoints: CrashPoint[] = [];

  /** From idle: voids the sale with trace 000001 behind the supervisor password. */
  async function voidFirstSale(child: ChildTerminal): Promise<void> {
    if (!(await child.waitForState('idle'))) return;
    child.send({ keys: '{OK}3' });
    if (!(await child.waitForState('supervisor'))) return;
    child.send({ keys: `${SUPERVISOR_PASSWORD}{OK}` });
    if (!(await child.waitForState('voidTrace'))) return;
    child.send({ keys: '1{OK}' });
    if (!(await child.waitForState('voidConfirm'))) return;
    child.send({ keys: '{OK}' });
    if (!(await child.waitForState('approved.done'))) return;
    child.send({ keys: '{OK}' });
    await child.waitForState('idle');
  }

  /** The journal writes a child made after its first `from` events: crash points. */
  function writesAfter(child: ChildTerminal, from: number): CrashPoint[] {
    const counts = new Map<string, number>();
    return child.events.flatMap((event, index) => {
      if (event.write === undefined || event.phase === undefined) return [];
      const key = `${event.write}:${event.phase}`;
      const occurrence = (counts.get(key) ?? 0) + 1;
      counts.set(key, occurrence);
      return index >= from ? [{ point: event.write, phase: event.phase, occurrence }] : [];
    });
  }

  it('finds the journal writes of a sale (dry run, no crash)', async () => {
    const run = await newRun();
    const child = new ChildTerminal(run.config);
    await child.waitForState('idle');
    const bootEvents = child.events.length;
    await sell(child, run);
    const saleEvents = child.events.length;
    await voidFirstSale(child);
    await child.stop();
    const afterBoot = writesAfter(child, bootEvents);
    voidPoints = writesAfter(child, saleEvents);
    salePoints = afterBoot.slice(0, afterBoot.length - voidPoints.length);
    const points = new Set(salePoints.map((p) => p.point));
    // A sale journals its start, the code sent, the confirm, the approval, the slip and the end.
    for (const point of [
      'begin:sale',
      'update:otp_sent',
      'update:confirming',
      'update:approved',
      'slip',
      'update:completed',
    ]) {
      expect(points).toContain(point);
    }
    expect(new Set(voidPoints.map((p) => p.point))).toEqual(
      new Set([
        'begin:void',
        'update:voiding',
        'voided',
        'update:approved',
        'slip',
        'update:completed',
      ]),
    );
    expect(await host.payments(run.terminalId)).toMatchObject([{ status: 'voided' }]);
  });

  it('recovers from SIGKILL at each of them without losing or doubling money', async () => {
    expect(salePoints.length).toBeGreaterThanOrEqual(12);
    for (const crashAt of salePoints) {
      const label = `${crashAt.point}:${crashAt.phase}#${crashAt.occurrence}`;
      const run = await newRun();
      const first = new ChildTerminal({ ...run.config, crashAt });
      await sell(first, run);
      const exit = await first.exited;
      expect(exit.signal, `${label}: the child should have been killed`).toBe('SIGKILL');
      expect(first.events.at(-1)?.crash).toBe(`${crashAt.point}:${crashAt.phase}`);

      const second = new ChildTerminal(run.config);
      try {
        await recoverAndInquire(second, run);
      } catch (error) {
        throw new Error(`${label}: ${JSON.stringify(second.events.filter((e) => e.state))}`, {
          cause: error,
        });
      }
      await second.stop();

      // Money: at most one debit, and a standing debit has its slip printed.
      const payments = await host.payments(run.terminalId);
      const approved = payments.filter((p) => p.type === 'sale' && p.status === 'approved');
      expect(approved.length, label).toBeLessThanOrEqual(1);
      const balance = await host.balance(run.card.msisdn);
      expect(balance, label).toBe(BALANCE - AMOUNT * approved.length);
      const slips = existsSync(run.config.slipsPath)
        ? readFileSync(run.config.slipsPath, 'utf8').trim().split('\n').filter(Boolean)
        : [];
      for (const payment of approved) {
        expect(
          slips.some((slip) => slip.includes(`"reference":"${payment.reference}"`)),
          label,
        ).toBe(true);
      }
      // Nothing left hanging on the host: every sale approved, reversed or never seen.
      for (const payment of payments.filter((p) => p.type === 'sale')) {
        expect(['approved', 'reversed'], label).toContain(payment.status);
      }

      // Traces: unique in the journal and on the host, and the inquiry after recovery got a new one.
      const journal = Journal.open({ path: run.journalPath, clock: systemClock });
      try {
        expect(journal.integrityCheck(), label).toEqual(['ok']);
        const entries = journal.list({ limit: 1000 });
        const keys = entries.map((e) => `${e.batch}/${e.trace}`);
        expect(new Set(keys).size, label).toBe(keys.length);
        expect(journal.openTransactions(), label).toEqual([]);
        const hostKeys = payments.map((p) => `${p.batch}/${p.trace}`);
        expect(new Set(hostKeys).size, label).toBe(hostKeys.length);
        for (const key of hostKeys) expect(keys, label).toContain(key);
      } finally {
        journal.close();
      }
    }
  }, 600_000);
  it('recovers from SIGKILL at each journal write of a void: terminal and host agree', async () => {
    expect(voidPoints.length).toBeGreaterThanOrEqual(12);
    for (const crashAt of voidPoints) {
      const label = `void ${crashAt.point}:${crashAt.phase}#${crashAt.occurrence}`;
      const run = await newRun();
      const first = new ChildTerminal({ ...run.config, crashAt });
      await sell(first, run);
      await voidFirstSale(first);
      expect((await first.exited).signal, label).toBe('SIGKILL');

      const second = new ChildTerminal(run.config);
      expect(await second.waitForState(['idle', 'recoveryReport']), label).toBe(true);
      if (second.state === 'recoveryReport') second.send({ keys: '{OK}' });
      expect(await second.waitForState('idle'), label).toBe(true);
      await second.stop();

      const [sale] = await host.payments(run.terminalId);
      expect(['approved', 'voided'], label).toContain(sale?.status);
      const voided = sale?.status === 'voided';
      expect(await host.balance(run.card.msisdn), label).toBe(voided ? BALANCE : BALANCE - AMOUNT);
      const journal = Journal.open({ path: run.journalPath, clock: systemClock });
      try {
        expect(journal.integrityCheck(), label).toEqual(['ok']);
        expect(journal.openTransactions(), label).toEqual([]);
        // The terminal counts what the host counts, so the batch settles balanced.
        expect(journal.batchFigures('000001', 'CNY').counts, label).toEqual(
          voided ? { sale: 0, void: 1, refund: 0 } : { sale: 1, void: 0, refund: 0 },
        );
      } finally {
        journal.close();
      }
      const slips = readFileSync(run.config.slipsPath, 'utf8');
      expect(slips.includes('"type":"void"'), label).toBe(voided);
    }
  }, 600_000);
});
