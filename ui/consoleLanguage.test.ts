import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseDisplayLanguage, consoleCanDrawChinese } from './consoleLanguage.js';
import { readConsoleFacts } from './readConsoleFacts.js';

const facts = (term: string | undefined, ancestors: string[] = [], override?: string) => ({
  term,
  ancestors,
  override,
});

describe('chooseDisplayLanguage', () => {
  it('keeps Chinese on terminals that draw it', () => {
    for (const term of ['xterm-256color', 'tmux-256color', 'screen', 'vt220', undefined]) {
      expect(chooseDisplayLanguage('zh-CN', facts(term))).toEqual({ language: 'zh-CN' });
    }
  });

  it('falls back to English on the bare Linux console, saying why', () => {
    for (const term of ['linux', 'linux-16color']) {
      const choice = chooseDisplayLanguage('zh-CN', facts(term, ['bash', 'login']));
      expect(choice.language).toBe('en');
      expect(choice.fallbackReason).toContain(`TERM=${term}`);
      expect(choice.fallbackReason).toContain('kmscon');
    }
  });

  it('keeps Chinese on a linux TERM when kmscon or fbterm runs it', () => {
    expect(consoleCanDrawChinese(facts('linux', ['sh', 'fbterm', 'systemd']))).toBe(true);
    expect(consoleCanDrawChinese(facts('linux', ['kmscon']))).toBe(true);
    expect(chooseDisplayLanguage('zh-CN', facts('linux', ['fbterm'])).language).toBe('zh-CN');
  });

  it('obeys POS_TERMINAL_CJK_CONSOLE either way', () => {
    expect(consoleCanDrawChinese(facts('linux', [], '1'))).toBe(true);
    expect(consoleCanDrawChinese(facts('xterm', ['kmscon'], '0'))).toBe(false);
  });

  it('leaves English alone everywhere', () => {
    expect(chooseDisplayLanguage('en', facts('linux'))).toEqual({ language: 'en' });
  });
});

describe('readConsoleFacts', () => {
  it('walks the parent chain of /proc, nearest first, through names with spaces and brackets', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'proc-'));
    const proc = (pid: number, comm: string, parent: number) => {
      mkdirSync(path.join(root, String(pid)));
      writeFileSync(path.join(root, String(pid), 'comm'), `${comm}\n`);
      writeFileSync(path.join(root, String(pid), 'stat'), `${pid} (${comm}) S ${parent} 1 1 0`);
    };
    proc(40, 'node', 30);
    proc(30, 'sh (x) y', 20);
    proc(20, 'fbterm', 1);
    const facts = readConsoleFacts({ TERM: 'linux', POS_TERMINAL_CJK_CONSOLE: '1' }, 40, root);
    expect(facts).toEqual({ term: 'linux', override: '1', ancestors: ['sh (x) y', 'fbterm'] });
    rmSync(root, { recursive: true });
  });

  it('reads the real /proc, and stops quietly where it cannot be read', () => {
    expect(readConsoleFacts({}).ancestors.length).toBeGreaterThan(0);
    expect(readConsoleFacts({}, process.pid, '/nonexistent').ancestors).toEqual([]);
  });
});
