import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64Url } from '../protocol/base64url.js';
import { hashSupervisorPassword } from './effects/supervisorPassword.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pos-terminal` as a process, as systemd or a technician would. */
function posTerminal(args: string[], env: Record<string, string> = {}): Promise<Run> {
  // Not the caller's own POS_TERMINAL_* settings: each test says what it sets.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('POS_TERMINAL_')),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { env: { ...base, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('pos-terminal', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'combopay-main-'));
  const keyFile = path.join(dir, 'terminal.key');
  let base: Record<string, unknown>;
  beforeAll(async () => {
    writeFileSync(keyFile, encodeBase64Url(new Uint8Array(32).fill(7)), { mode: 0o600 });
    base = {
      terminalId: 'T0000001',
      terminalKeyFile: keyFile,
      host: { url: 'https://host.example:8443' },
      journalPath: path.join(dir, 'journal.db'),
      supervisorPasswordHash: await hashSupervisorPassword('2468'),
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function configFile(config: Record<string, unknown>): string {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(config));
    return file;
  }

  it('--check passes a good config and opens nothing', async () => {
    const file = configFile({
      ...base,
      devices: {
        keypad: { kind: 'evdev', path: path.join(dir, 'no-such-keypad') },
        printer: { kind: 'tcp', host: '192.0.2.1' },
        modem: { kind: 'none' },
      },
    });
    const run = await posTerminal(['--check', '--config', file]);
    expect(run).toEqual({ code: 0, stdout: 'config OK\n', stderr: '' });
    expect(existsSync(path.join(dir, 'journal.db'))).toBe(false);
  });

  it('--check lists what is wrong, field by field, and fails', async () => {
    const file = configFile({
      ...base,
      operator: 'far too long',
      devices: { reader: { kind: 'fake' }, printer: { kind: 'tcp' } },
    });
    const run = await posTerminal(['--check', '--config', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`pos-terminal: the terminal config ${file} is not usable:`);
    expect(run.stderr).toMatch(/^ {2}devices\.reader\.kind \(file .+\): .*`simulator: true`/m);
    expect(run.stderr).toMatch(/^ {2}devices\.printer\.host \(file /m);
    expect(run.stderr).toMatch(/^ {2}operator \(file /m);
  });

  it('--check reads the key file, and applies the environment as the service would', async () => {
    const missingKey = configFile({ ...base, terminalKeyFile: path.join(dir, 'gone.key') });
    const run = await posTerminal(['--check', '--config', missingKey]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot read the terminal key file ${path.join(dir, 'gone.key')}`);

    const fakes = configFile({ ...base, devices: { reader: { kind: 'fake' } } });
    expect((await posTerminal(['--check', '--config', fakes])).code).toBe(1);
    expect(
      await posTerminal(['--check', '--config', fakes], { POS_TERMINAL_SIMULATOR: '1' }),
    ).toMatchObject({ code: 0, stdout: 'config OK\n' });
  });

  it('refuses to start on a bad config with EX_CONFIG (78)', async () => {
    const file = configFile({ ...base, devices: { modem: { kind: 'fake' } } });
    const run = await posTerminal(['--config', file]);
    expect(run.code).toBe(78);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('devices.modem.kind');
  });

  it('answers --help, and refuses an unknown option with exit 2', async () => {
    const help = await posTerminal(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: pos-terminal [--config FILE] [--check] [--help]');
    const bad = await posTerminal(['--chek']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--chek'");
    expect(bad.stderr).toContain('usage: pos-terminal');
  });
});
