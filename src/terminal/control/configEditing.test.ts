import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPosError, type PosError } from '../../core/PosError.js';
import { writeTerminalConfig } from '../../testing/terminalConfigFile.js';
import { setConfigValue, showConfig } from './configEditing.js';

const KEY = Buffer.alloc(32, 7).toString('base64url');

let dir: string;
let file: string;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'config-editing-'));
  file = await writeTerminalConfig(dir, {
    terminalId: 'T0000071',
    key: KEY,
    hostUrl: 'http://127.0.0.1:8080',
  });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fileObject(): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function hashes(): string[] {
  const config = fileObject() as {
    supervisorPasswordHash: string;
    console: { passwordHash: string };
  };
  return [config.supervisorPasswordHash, config.console.passwordHash];
}

/** The PosError `action` throws (fails the test when it throws none). */
function thrown(action: () => unknown): PosError {
  try {
    action();
  } catch (error) {
    if (isPosError(error)) return error;
    throw error;
  }
  throw new Error('expected a PosError');
}

describe('showConfig', () => {
  it('masks the password hashes and says where each value comes from', () => {
    const shown = showConfig(file, { POS_TERMINAL_HOST_URL: 'http://127.0.0.1:9090' });
    const entry = (field: string) => shown.entries.find((e) => e.path === field);
    expect(shown.file).toBe(file);
    expect(entry('supervisorPasswordHash')).toEqual({
      path: 'supervisorPasswordHash',
      value: '"(set)"',
      source: 'file',
    });
    expect(entry('console.passwordHash')).toEqual({
      path: 'console.passwordHash',
      value: '"(set)"',
      source: 'file',
    });
    expect(entry('terminalId')).toEqual({
      path: 'terminalId',
      value: '"T0000071"',
      source: 'file',
    });
    expect(entry('host.url')).toEqual({
      path: 'host.url',
      value: '"http://127.0.0.1:9090"',
      source: 'env POS_TERMINAL_HOST_URL',
    });
    expect(entry('flow.inactivityMs')?.source).toBe('default');
    expect(entry('console.maxTries')).toEqual({
      path: 'console.maxTries',
      value: '3',
      source: 'default',
    });
    const text = JSON.stringify(shown);
    for (const hash of hashes()) expect(text).not.toContain(hash);
    expect(shown.entries.map((e) => e.path)).toEqual(
      [...shown.entries.map((e) => e.path)].sort((a, b) => a.localeCompare(b)),
    );
  });

  it('shows a technician password that is not set as such', () => {
    const config = fileObject() as { console: Record<string, unknown> };
    delete config.console.passwordHash;
    writeFileSync(file, JSON.stringify(config));
    const entry = showConfig(file, {}).entries.find((e) => e.path === 'console.passwordHash');
    expect(entry).toEqual({
      path: 'console.passwordHash',
      value: '"(not set)"',
      source: 'default',
    });
  });
});

describe('setConfigValue', () => {
  it('sets one field atomically, keeping the others, the file at mode 0600', () => {
    const before = fileObject();
    const result = setConfigValue(file, {}, 'flow.inactivityMs', 60_000);
    expect(result).toEqual({
      path: 'flow.inactivityMs',
      before: '"(default)"',
      after: '60000',
      restartNeeded: true,
      overriddenBy: undefined,
    });
    expect(fileObject()).toEqual({ ...before, flow: { inactivityMs: 60_000 } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    expect(showConfig(file, {}).entries.find((e) => e.path === 'flow.inactivityMs')).toEqual({
      path: 'flow.inactivityMs',
      value: '60000',
      source: 'file',
    });
  });

  it('keeps the file at mode 0600 even when a leftover temporary file was not', () => {
    writeFileSync(`${file}.new`, 'x', { mode: 0o644 });
    setConfigValue(file, {}, 'operator', '07');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('null removes the field, back to its default', () => {
    setConfigValue(file, {}, 'language', 'zh-CN');
    const result = setConfigValue(file, {}, 'language', null);
    expect(result).toMatchObject({ before: '"zh-CN"', after: '"(default)"' });
    expect(fileObject()).not.toHaveProperty('language');
    // Removing what is not there changes nothing and is fine.
    expect(setConfigValue(file, {}, 'flow.noticeMs', null).before).toBe('"(default)"');
  });

  it.each([
    ['operator', 'SECRET-MARK-1'],
    ['language', 'SECRETMARK'],
    ['currency', 'SECRETMARK'],
    ['host.url', 'https://user:SECRETMARK@example.com'],
    ['host.url', 'ftp://SECRETMARK.example.com'],
    ['flow.inactivityMs', 'SECRETMARK'],
    ['console.socketPath', 'SECRETMARK'],
  ])(
    'an invalid %s names the field, echoes no value, and leaves the file as it was',
    (field, value) => {
      const original = readFileSync(file);
      const error = thrown(() => setConfigValue(file, {}, field, value));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain(field);
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(
        'SECRETMARK',
      );
      expect(readFileSync(file).equals(original)).toBe(true);
    },
  );

  it('names the field when the key file it points at cannot be read', () => {
    const original = readFileSync(file);
    const error = thrown(() => setConfigValue(file, {}, 'terminalKeyFile', '/nonexistent/key'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('terminalKeyFile');
    expect(readFileSync(file).equals(original)).toBe(true);
    const ca = thrown(() => setConfigValue(file, {}, 'host.caFile', '/nonexistent/ca.pem'));
    expect(ca.message).toContain('host.caFile');
  });

  it('refuses an unknown field, naming it', () => {
    const original = readFileSync(file);
    const error = thrown(() => setConfigValue(file, {}, 'flow.bogusMs', 1));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('flow.bogusMs');
    expect(readFileSync(file).equals(original)).toBe(true);
  });

  it('refuses a field under one that is not a section', () => {
    const error = thrown(() => setConfigValue(file, {}, 'terminalId.x', 1));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).not.toContain('T0000071');
  });

  it.each(['supervisorPasswordHash', 'console.passwordHash'])(
    'refuses to set or remove the secret %s',
    (field) => {
      const original = readFileSync(file);
      expect(thrown(() => setConfigValue(file, {}, field, 'scrypt$x')).code).toBe('CONFIG_INVALID');
      expect(thrown(() => setConfigValue(file, {}, field, null)).code).toBe('CONFIG_INVALID');
      expect(readFileSync(file).equals(original)).toBe(true);
    },
  );

  it('refuses a section holding a secret: it would replace or remove it, and show it', () => {
    const original = readFileSync(file);
    const [, technicianHash] = hashes();
    for (const value of [null, { maxTries: 5 }, { passwordHash: technicianHash }]) {
      const error = thrown(() => setConfigValue(file, {}, 'console', value));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain(technicianHash);
    }
    expect(readFileSync(file).equals(original)).toBe(true);
  });

  it('refuses a field inside a secret', () => {
    expect(thrown(() => setConfigValue(file, {}, 'console.passwordHash.x', 1)).code).toBe(
      'CONFIG_INVALID',
    );
  });

  it('reports the environment variable that overrides the field', () => {
    const result = setConfigValue(file, { POS_TERMINAL_OPERATOR: '09' }, 'operator', '05');
    expect(result.overriddenBy).toBe('POS_TERMINAL_OPERATOR');
    expect(fileObject()).toMatchObject({ operator: '05' });
  });

  it('does not take an inherited property of an object for a field', () => {
    const result = setConfigValue(file, {}, 'host.constructor', null);
    expect(result.before).toBe('"(default)"');
  });
});
