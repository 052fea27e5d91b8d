import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SYSTEMD_DIR = fileURLToPath(new URL('../../systemd/', import.meta.url));

/** The programs the units start, which are not installed where the test runs. */
const PROGRAMS = /\/usr\/(?:local\/)?bin\/(pos-terminal|pos-console|pos-host|fbterm)\b/g;

/** The unit files shipped, and the unit names to verify (a template through one instance). */
const UNITS = readdirSync(SYSTEMD_DIR).filter((name) => name.endsWith('.service'));
const instanceOf = (unit: string): string => unit.replace(/@\.service$/, '@ttyS0.service');

function verify(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'systemd-analyze',
      ['verify', ...args],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * `systemd-analyze verify` on every unit. verify checks that each ExecStart= binary exists and
 * is executable, and pos-terminal, pos-console, pos-host and fbterm are not installed here, so
 * the units are copied to a temporary directory with those paths rewritten to executable
 * stand-ins there (nothing else changes). `--root=` does not do instead: it then looks for every
 * unit, sysinit.target included, under that root. `--man=no` skips checking Documentation=
 * man pages, `--generators=no` running the system's generators.
 *
 * verify exits 0 on settings it ignores (an unknown key, a bad value: "…, ignoring."), so the
 * test also requires it to print nothing at all.
 */
describe('systemd units', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'combopay-units-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function stage(): void {
    for (const unit of UNITS) {
      const text = readFileSync(path.join(SYSTEMD_DIR, unit), 'utf8');
      writeFileSync(
        path.join(dir, unit),
        text.replace(PROGRAMS, (_match, program: string) => {
          const standIn = path.join(dir, `bin-${program}`);
          writeFileSync(standIn, '#!/bin/sh\nexit 0\n');
          chmodSync(standIn, 0o755);
          return standIn;
        }),
      );
    }
  }

  it('ships the three services', () => {
    expect(UNITS.sort()).toEqual([
      'pos-console@.service',
      'pos-host.service',
      'pos-terminal.service',
    ]);
  });

  it.each(UNITS)('%s passes systemd-analyze verify, with nothing to say', async (unit) => {
    stage();
    const run = await verify(['--man=no', '--generators=no', path.join(dir, instanceOf(unit))]);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('the check catches what verify only warns about', async () => {
    const bad = path.join(dir, 'broken.service');
    writeFileSync(bad, `[Service]\nType=notfy\nExecStart=${path.join(dir, 'bin-pos-host')}\n`);
    stage();
    const run = await verify(['--man=no', '--generators=no', bad]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Failed to parse service type');
  });

  it('pos-terminal.service is a notify service with a watchdog, as pos-terminal expects', () => {
    const text = readFileSync(path.join(SYSTEMD_DIR, 'pos-terminal.service'), 'utf8');
    for (const setting of [
      'Type=notify',
      'NotifyAccess=all',
      'WatchdogSec=30',
      'Restart=on-failure',
      'RestartPreventExitStatus=78',
      'DevicePolicy=closed',
      'TTYPath=/dev/tty1',
    ]) {
      expect(text).toMatch(new RegExp(`^${setting}$`, 'm'));
    }
  });

  it('the udev rules name the keypad, printer and modem', () => {
    const rules = readFileSync(path.join(SYSTEMD_DIR, '99-pos-devices.rules'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    for (const line of rules) {
      // Every rule: comma-separated KEY op "value" pairs, with at least one match.
      expect(line).toMatch(/^(\s*[A-Z_]+(\{[\w.]+\})?\s*(==|!=|\+=|=|:=)\s*"[^"]*"\s*,?)+$/);
      expect(line).toMatch(/==/);
    }
    const names = rules.flatMap((line) =>
      [...line.matchAll(/SYMLINK\+="([^"]+)"/g)].map((m) => m[1]),
    );
    expect(names.sort()).toEqual(['pos-keypad', 'pos-printer', 'ttyModemAT']);
  });
});
