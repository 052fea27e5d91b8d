import { describe, expect, it } from 'vitest';
import { formatConfigSet, formatConfigShow } from './formatConfig.js';
import { formatJournalEntry, formatJournalTable } from './formatJournal.js';
import { formatLogLine } from './formatLogLine.js';
import { formatSettlePreview, formatSettleResult } from './formatSettle.js';
import { formatStatus } from './formatStatus.js';
import { formatTable } from './formatTable.js';
import { formatClock, formatDuration, formatLocalTime } from './formatTime.js';
import { SAMPLE_ENTRY, SAMPLE_STATUS } from './sampleFakeHandlers.js';

const FIGURES = {
  counts: { sale: 3, void: 1, refund: 0 },
  totals: { sale: '36.00 CNY', refund: '0.00 CNY' },
};

describe('formatStatus', () => {
  it('shows every part of a healthy terminal', () => {
    expect(formatStatus(SAMPLE_STATUS)).toEqual([
      'Software   0.1.0',
      'Terminal   T0000001',
      'Merchant   M000000000001 Corner Shop',
      'Flow       idle, batch 000012',
      'Host       https://host.example:8443 reachable, 42 ms',
      'Modem      signal 4/5 (rssi 21), registered, CHINA MOBILE',
      'Reader     present',
      'Printer    paper ok, cover closed, online',
      'Journal    120 entries, 3 unresolved',
      'Reversals  1 pending',
      'Uptime     1d 2h 3m 4s',
    ]);
  });

  it('says what is wrong: host down, no modem, no reader, printer trouble', () => {
    const text = formatStatus({
      ...SAMPLE_STATUS,
      merchant: undefined,
      flow: { state: 'signInWait' },
      host: { url: 'https://h', reachable: false, error: 'HOST_UNREACHABLE' },
      modem: undefined,
      reader: { present: false },
      printer: { paper: 'out', coverOpen: true, online: false },
    }).join('\n');
    expect(text).toContain('Merchant   (not signed in yet)');
    expect(text).toContain('Flow       signInWait\n');
    expect(text).toContain('https://h NOT REACHABLE (HOST_UNREACHABLE)');
    expect(text).toContain('Modem      no modem');
    expect(text).toContain('Reader     NOT PRESENT');
    expect(text).toContain('OUT OF PAPER, COVER OPEN, OFFLINE');
    const other = formatStatus({
      ...SAMPLE_STATUS,
      modem: { available: true, signalBars: 0, rssi: 99, registration: 'searching' },
      printer: { error: 'PRINTER_OFFLINE' },
    }).join('\n');
    expect(other).toContain('signal 0/5 (rssi unknown), searching');
    expect(other).toContain('Printer    error PRINTER_OFFLINE');
  });
});

describe('formatJournalTable and formatJournalEntry', () => {
  it('lays the entries out as a table with local times', () => {
    const lines = formatJournalTable([SAMPLE_ENTRY, { ...SAMPLE_ENTRY, id: 7, amount: undefined }]);
    expect(lines[0]).toBe(
      'ID  TIME                 TYPE  BATCH/TRACE       AMOUNT  STATE     REFERENCE',
    );
    const local = formatLocalTime(SAMPLE_ENTRY.createdAt);
    expect(lines[1]).toBe(`42  ${local}  sale  000012/000105  12.50 CNY  approved  000000123456`);
    expect(lines[2]).toBe(` 7  ${local}  sale  000012/000105          -  approved  000000123456`);
    expect(formatJournalTable([])).toEqual(['(no journal entries)']);
  });

  it('shows every field of an entry', () => {
    const text = formatJournalEntry(SAMPLE_ENTRY).join('\n');
    for (const key of Object.keys(SAMPLE_ENTRY)) expect(text).toMatch(new RegExp(`^${key} `, 'm'));
    expect(text).toContain('authCode    A1B2C3');
    expect(text).toContain('(2026-03-01T08:15:03.000Z)');
  });
});

describe('formatLogLine', () => {
  it('prints a pino record compactly in local time', () => {
    const time = Date.parse('2026-03-01T08:15:00Z');
    const line = JSON.stringify({
      level: 40,
      time,
      pid: 9,
      hostname: 'pos',
      name: 'terminal',
      msg: 'host slow',
      latencyMs: 900,
      url: 'https://h',
      note: 'two words',
      err: { type: 'PosError', code: 'HOST_TIMEOUT', message: 'timed out', stack: 'Error\n at x' },
    });
    expect(formatLogLine(line)).toBe(
      `${formatClock(new Date(time))} WARN  host slow latencyMs=900 url=https://h note="two words" err="HOST_TIMEOUT: timed out"`,
    );
  });

  it('returns a line that is not a JSON object as it is', () => {
    expect(formatLogLine('plain text')).toBe('plain text');
    expect(formatLogLine('[1,2]')).toBe('[1,2]');
    expect(formatLogLine('{"level":"info","msg":"x"}')).toBe('--:--:-- INFO  x');
  });
});

describe('formatConfigShow and formatConfigSet', () => {
  it('aligns path = value (source)', () => {
    expect(
      formatConfigShow({
        file: '/etc/c.json',
        entries: [
          { path: 'host.url', value: '"https://h"', source: 'file' },
          { path: 'flow.inactivityMs', value: '60000', source: 'default' },
        ],
      }),
    ).toEqual([
      'Config file /etc/c.json',
      'host.url          = "https://h"   (file)',
      'flow.inactivityMs = 60000         (default)',
    ]);
  });

  it('shows before and after, the restart note, and warns of an environment override', () => {
    const plain = formatConfigSet({ path: 'a.b', before: '1', after: '2', restartNeeded: true });
    expect(plain).toEqual([
      'a.b: 1 -> 2',
      'Saved. The terminal uses it after a restart (type restart).',
    ]);
    const overridden = formatConfigSet({
      path: 'a.b',
      before: '1',
      after: '2',
      restartNeeded: true,
      overriddenBy: 'POS_A_B',
    }).join('\n');
    expect(overridden).toContain('environment variable POS_A_B is set and wins');
  });
});

describe('formatSettlePreview and formatSettleResult', () => {
  it('shows the figures with the amounts right-aligned', () => {
    expect(formatSettlePreview({ batch: '000012', figures: FIGURES, reversalsPending: 2 })).toEqual(
      [
        'Batch 000012',
        '  Sales    3  36.00 CNY',
        '  Voids    1',
        '  Refunds  0   0.00 CNY',
        '  Reversals pending: 2',
      ],
    );
  });

  it('says balanced, or OUT OF BALANCE with both sides', () => {
    expect(
      formatSettleResult({
        batch: '000012',
        result: 'balanced',
        terminal: FIGURES,
        host: FIGURES,
        nextBatch: '000013',
      }),
    ).toEqual(['Batch 000012 settled: balanced.', 'Next batch 000013.']);
    const out = formatSettleResult({
      batch: '000012',
      result: 'out_of_balance',
      terminal: FIGURES,
      host: { ...FIGURES, totals: { sale: '24.00 CNY', refund: '0.00 CNY' } },
      nextBatch: '000013',
    });
    expect(out[0]).toBe('Batch 000012 settled: OUT OF BALANCE.');
    expect(out.join('\n')).toMatch(/Sales +3 +36\.00 CNY +3 +24\.00 CNY/);
    expect(out.at(-1)).toBe('Next batch 000013.');
  });
});

describe('formatTable and times', () => {
  it('aligns by display width', () => {
    expect(
      formatTable([
        ['金额', 'x'],
        ['ab', 'y'],
      ]),
    ).toEqual(['金额  x', 'ab    y']);
  });

  it('formats durations and local times', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(3_600)).toBe('1h 0m 0s');
    expect(formatDuration(93_784)).toBe('1d 2h 3m 4s');
    expect(formatLocalTime('not a time')).toBe('not a time');
    const when = new Date(2026, 2, 1, 9, 5, 7);
    expect(formatLocalTime(when.getTime())).toBe('2026-03-01 09:05:07');
    expect(formatLocalTime(when.toISOString())).toBe('2026-03-01 09:05:07');
  });
});
