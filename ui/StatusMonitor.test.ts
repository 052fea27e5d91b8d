import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/core/ManualClock.js';
import type { ModemStatus } from '../drivers/modem/Modem.js';
import type { PrinterStatus } from '../drivers/printer/Printer.js';
import { StatusMonitor } from './StatusMonitor.js';
import type { TerminalStatus } from './TerminalStatus.js';

const START = Date.UTC(2026, 10, 24, 6, 0, 0);

function modemStatus(change: Partial<ModemStatus> = {}): ModemStatus {
  return {
    available: true,
    sim: 'ready',
    signalBars: 4,
    rssiDbm: -71,
    registration: 'home',
    operator: 'CMCC',
    error: undefined,
    updatedAt: START,
    ...change,
  };
}

/** A modem whose status the test sets; it tells listeners like the real drivers do. */
function scriptedModem(initial: ModemStatus) {
  let current = initial;
  const listeners = new Set<(status: ModemStatus) => void>();
  return {
    status: () => current,
    onStatus(listener: (status: ModemStatus) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(status: ModemStatus) {
      current = status;
      for (const listener of listeners) listener(status);
    },
    listeners,
  };
}

/** A printer whose answers the test queues; `calls` counts the questions. */
function scriptedPrinter(answer: () => Promise<PrinterStatus>) {
  const printer = {
    calls: 0,
    status() {
      printer.calls += 1;
      return answer();
    },
  };
  return printer;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('StatusMonitor', () => {
  it('follows the modem: bars, lost registration, no answer at all', () => {
    const clock = new ManualClock(START);
    const modem = scriptedModem(modemStatus());
    const monitor = new StatusMonitor({ terminalId: 'T0000001', clock, modem });
    const seen: TerminalStatus[] = [];
    monitor.onChange((status) => seen.push(status));
    expect(monitor.current().signal).toEqual({ bars: 4, registered: true });
    modem.status = () => modemStatus({ signalBars: 5 }); // changed before start, unannounced
    monitor.start();
    expect(monitor.current().signal).toEqual({ bars: 5, registered: true });
    modem.set(modemStatus({ signalBars: 1, registration: 'searching' }));
    modem.set(modemStatus({ signalBars: 1, registration: 'searching' }));
    modem.set(modemStatus({ available: false, signalBars: 3 }));
    expect(seen.map((status) => status.signal)).toEqual([
      { bars: 5, registered: true },
      { bars: 1, registered: false },
      { bars: 0, registered: false },
    ]);
    monitor.stop();
    expect(modem.listeners.size).toBe(0);
  });

  it('has no signal to show without a modem', () => {
    const monitor = new StatusMonitor({ terminalId: 'T0000001', clock: new ManualClock(START) });
    expect(monitor.current()).toEqual({
      signal: undefined,
      host: 'unknown',
      paper: 'unknown',
      terminalId: 'T0000001',
      now: START,
    });
  });

  it('polls the printer on the clock and names its fault; a failed question is offline', async () => {
    const clock = new ManualClock(START);
    const answers: (PrinterStatus | Error)[] = [
      { paper: 'ok', coverOpen: false, online: true },
      { paper: 'out', coverOpen: false, online: true },
      { paper: 'ok', coverOpen: true, online: true },
      new Error('link down'),
      { paper: 'unknown', coverOpen: 'unknown', online: true },
    ];
    const printer = scriptedPrinter(() => {
      const next = answers.shift();
      if (next === undefined) throw new Error('asked more often than scripted');
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    });
    const monitor = new StatusMonitor({ terminalId: 'T1', clock, printer, printerPollMs: 5_000 });
    monitor.start();
    const papers: string[] = [];
    for (let poll = 0; poll < 5; poll += 1) {
      if (poll > 0) clock.advance(5_000);
      await flush();
      papers.push(monitor.current().paper);
    }
    expect(papers).toEqual(['ok', 'out', 'coverOpen', 'offline', 'unknown']);
    expect(printer.calls).toBe(5);
    monitor.stop();
    clock.advance(60_000);
    await flush();
    expect(printer.calls).toBe(5);
  });

  it('shows the link as the last exchange found it, and pings only after a quiet spell', async () => {
    const clock = new ManualClock(START);
    let pings = 0;
    const monitor = new StatusMonitor({
      terminalId: 'T1',
      clock,
      hostQuietMs: 60_000,
      pingHost: () => {
        pings += 1;
        monitor.hostLink({ reachable: false });
        return Promise.reject(new Error('HOST_UNREACHABLE'));
      },
    });
    monitor.start();
    monitor.hostLink({ reachable: true });
    expect(monitor.current().host).toBe('up');
    clock.advance(30_000);
    monitor.hostLink({ reachable: true }); // a sale just talked to the host
    clock.advance(59_000);
    expect(pings).toBe(0);
    clock.advance(1_000);
    await flush();
    expect(pings).toBe(1);
    expect(monitor.current().host).toBe('down');
    clock.advance(60_000);
    expect(pings).toBe(2);
    monitor.stop();
    clock.advance(600_000);
    expect(pings).toBe(2);
  });
});
