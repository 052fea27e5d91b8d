import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPosError } from '../core/PosError.js';
import { hashSupervisorPassword } from './effects/supervisorPassword.js';
import { loadTerminalConfig } from './terminalConfig.js';

describe('terminal config', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'combopay-config-'));
  let hash: string;
  beforeAll(async () => {
    hash = await hashSupervisorPassword('2468');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(config: unknown): string {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(config));
    return file;
  }

  function minimal() {
    return {
      terminalId: 'T0000001',
      terminalKeyFile: '/etc/pos-terminal/terminal.key',
      host: { url: 'https://host.example:8443' },
      supervisorPasswordHash: hash,
    };
  }

  function issuesOf(action: () => unknown): { field: string; source: string }[] {
    try {
      action();
    } catch (error) {
      if (isPosError(error) && error.code === 'CONFIG_INVALID') {
        return error.details.issues as { field: string; source: string }[];
      }
      throw error;
    }
    throw new Error('accepted');
  }

  it('fills documented defaults around the required fields', () => {
    const config = loadTerminalConfig({ file: write(minimal()) });
    expect(config).toMatchObject({
      journalPath: './var/terminal/journal.db',
      currency: 'CNY',
      language: 'zh-CN',
      operator: '01',
      host: { connectTimeoutMs: 15_000, replyTimeoutMs: 30_000, retries: 2, retryDelayMs: 1_000 },
      flow: { maxAmount: 5_000_000, inactivityMs: 60_000, supervisorMaxTries: 3 },
    });
  });

  it('lets the environment override the file', () => {
    const config = loadTerminalConfig({
      file: write(minimal()),
      env: { POS_TERMINAL_LANGUAGE: 'en', POS_TERMINAL_HOST_URL: 'http://127.0.0.1:9000' },
    });
    expect(config.language).toBe('en');
    expect(config.host.url).toBe('http://127.0.0.1:9000');
  });

  it('names every bad field and where it came from, never the value', () => {
    const file = write({
      ...minimal(),
      terminalId: 'not a terminal id!',
      supervisorPasswordHash: 'secret-plain-2468',
      flow: { inactivityMs: 10, maxAmount: 0 },
      operatr: '01',
    });
    let message = '';
    const issues = issuesOf(() => {
      try {
        return loadTerminalConfig({ file, env: { POS_TERMINAL_LANGUAGE: 'fr' } });
      } catch (error) {
        message = String(error);
        throw error;
      }
    });
    expect(issues.map((issue) => issue.field).sort()).toEqual([
      'flow.inactivityMs',
      'flow.maxAmount',
      'language',
      'operatr',
      'supervisorPasswordHash',
      'terminalId',
    ]);
    expect(issues.find((issue) => issue.field === 'language')?.source).toBe(
      'env POS_TERMINAL_LANGUAGE',
    );
    expect(message).not.toContain('secret-plain-2468');
  });

  it('requires the file it is given', () => {
    expect(issuesOf(() => loadTerminalConfig({ file: path.join(dir, 'missing.json') }))).toEqual([
      expect.objectContaining({ field: '' }),
    ]);
  });
});
