import { describe, expect, it } from 'vitest';
import { displayWidth } from '../src/core/displayWidth.js';
import type { Language } from './Language.js';
import { renderStatusBar, signalBars } from './statusBar.js';
import type { TerminalStatus } from './TerminalStatus.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

const FINE: TerminalStatus = {
  signal: { bars: 3, registered: true },
  host: 'up',
  paper: 'ok',
  terminalId: 'T0000001',
  now: NOW,
};

const bar = (status: Partial<TerminalStatus>, language: Language, columns = 40) =>
  renderStatusBar({ ...FINE, ...status }, { language, columns, timeZone: 'Asia/Shanghai' });

/** The words each problem must be shown in (any of its forms). */
const PROBLEM_WORDS: Readonly<Record<Language, Readonly<Record<string, readonly string[]>>>> = {
  'zh-CN': {
    noNetwork: ['无网络'],
    hostDown: ['主机断开'],
    out: ['缺纸'],
    coverOpen: ['纸仓开'],
    offline: ['打印机离线', '打印离线'],
  },
  en: {
    noNetwork: ['NO NETWORK', 'NO NET'],
    hostDown: ['HOST down'],
    out: ['NO PAPER'],
    coverOpen: ['COVER OPEN', 'LID OPEN'],
    offline: ['PRINTER OFF', 'PRN OFF'],
  },
};

const saysOneOf = (text: string, words: readonly string[]) =>
  words.some((word) => text.includes(word));

describe('signalBars', () => {
  it('draws five slots, one # per bar', () => {
    expect(signalBars(0)).toBe('.....');
    expect(signalBars(3)).toBe('###..');
    expect(signalBars(5)).toBe('#####');
    expect(signalBars(9)).toBe('#####');
    expect(signalBars(-1)).toBe('.....');
  });
});

describe('renderStatusBar', () => {
  it('shows signal, host, paper, terminal id and clock when all is well', () => {
    expect(bar({}, 'zh-CN')).toBe(`信号###.. 主机OK 纸OK${' '.repeat(5)}T0000001 11:04`);
    expect(bar({}, 'en', 80)).toBe(`SIG ###.. HOST ok PAPER ok${' '.repeat(40)}T0000001 11:04`);
  });

  for (const language of LANGUAGES) {
    const words = PROBLEM_WORDS[language];
    it(`fits 40 columns with every part in ${language}, whatever the state`, () => {
      const signals: TerminalStatus['signal'][] = [
        undefined,
        { bars: 0, registered: false },
        { bars: 0, registered: true },
        { bars: 5, registered: true },
      ];
      const hosts: TerminalStatus['host'][] = ['up', 'down', 'unknown'];
      const papers: TerminalStatus['paper'][] = ['ok', 'out', 'coverOpen', 'offline', 'unknown'];
      for (const signal of signals) {
        for (const host of hosts) {
          for (const paper of papers) {
            const text = bar({ signal, host, paper }, language);
            const what = `${JSON.stringify({ signal, host, paper })}: ${text}`;
            expect(displayWidth(text), what).toBe(40);
            expect(text, what).toContain('T0000001');
            expect(text, what).toMatch(/11:04$/);
            if (signal?.registered === true) expect(text, what).toContain(signalBars(signal.bars));
            if (signal?.registered === false)
              expect(saysOneOf(text, words.noNetwork ?? []), what).toBe(true);
            if (signal === undefined) expect(text, what).not.toMatch(/[#.]{5}/);
            if (host === 'down') expect(saysOneOf(text, words.hostDown ?? []), what).toBe(true);
            if (paper !== 'ok' && paper !== 'unknown') {
              expect(saysOneOf(text, words[paper] ?? []), what).toBe(true);
            }
          }
        }
      }
    });

    it(`drops the terminal id before any problem when narrow, in ${language}`, () => {
      const trouble: Partial<TerminalStatus> = {
        signal: { bars: 0, registered: false },
        host: 'down',
        paper: 'out',
      };
      const text = bar(trouble, language, 32);
      expect(displayWidth(text)).toBe(32);
      expect(text).not.toContain('T0000001');
      expect(saysOneOf(text, words.hostDown ?? [])).toBe(true);
      expect(saysOneOf(text, words.out ?? [])).toBe(true);
      expect(saysOneOf(text, words.noNetwork ?? [])).toBe(true);
      expect(text).toMatch(/11:04$/);
    });
  }

  it('keeps the problems longest when very narrow', () => {
    const text = bar({ host: 'down' }, 'en', 12);
    expect(displayWidth(text)).toBeLessThanOrEqual(12);
    expect(text).toContain('HOST down');
    expect(text).not.toContain('PAPER ok');
  });

  it('shows no paper state for a printer that cannot tell', () => {
    const text = bar({ paper: 'unknown' }, 'en', 80);
    expect(text).not.toMatch(/PAPER|PRINTER|PRN|LID|COVER/);
  });

  it('says the host is not known yet before the first exchange', () => {
    expect(bar({ host: 'unknown' }, 'zh-CN')).toContain('主机--');
    expect(bar({ host: 'unknown' }, 'en')).toContain('HOST --');
  });

  it('shows the clock in the given zone', () => {
    const status = { ...FINE };
    expect(renderStatusBar(status, { language: 'en', columns: 40, timeZone: 'UTC' })).toMatch(
      /03:04$/,
    );
  });
});
