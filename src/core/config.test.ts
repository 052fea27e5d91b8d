import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig, parseEnvValue, type ConfigIssue } from './config.js';
import { hasErrorCode } from './PosError.js';

const schema = z.strictObject({
  terminalId: z.string().regex(/^T\d{7}$/),
  host: z.strictObject({
    url: z.url(),
    timeoutMs: z.number().int().min(1000).max(120_000).default(20_000),
  }),
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  beep: z.boolean().default(true),
  supervisorPassword: z.string().min(8),
});

const envBindings = {
  POS_TERMINAL_ID: { path: 'terminalId', type: 'string' },
  POS_HOST_URL: { path: 'host.url', type: 'string' },
  POS_HOST_TIMEOUT_MS: { path: 'host.timeoutMs', type: 'integer' },
  POS_BEEP: { path: 'beep', type: 'boolean' },
} as const;

function writeConfig(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'combopay-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, content);
  return file;
}

function issuesOf(action: () => unknown): ConfigIssue[] {
  try {
    action();
  } catch (error) {
    if (!hasErrorCode(error, 'CONFIG_INVALID')) throw error;
    return error.details.issues as ConfigIssue[];
  }
  throw new Error('expected CONFIG_INVALID');
}

const good = {
  terminalId: 'T0000001',
  host: { url: 'https://host.example:8443' },
  supervisorPassword: 'correct-horse',
};

describe('loadConfig', () => {
  it('returns the typed object with defaults filled in', () => {
    const file = writeConfig(JSON.stringify(good));
    const config = loadConfig({ schema, what: 'terminal config', file });
    expect(config).toEqual({
      ...good,
      host: { url: 'https://host.example:8443', timeoutMs: 20_000 },
      language: 'zh-CN',
      beep: true,
    });
  });

  it('lets set environment variables override the file, typed', () => {
    const file = writeConfig(JSON.stringify(good));
    const config = loadConfig({
      schema,
      what: 'terminal config',
      file,
      envBindings,
      env: { POS_HOST_TIMEOUT_MS: '45000', POS_BEEP: 'off', POS_TERMINAL_ID: '' },
    });
    expect(config.host.timeoutMs).toBe(45_000);
    expect(config.beep).toBe(false);
    expect(config.terminalId).toBe('T0000001');
  });

  it('names the bad field and where its value came from', () => {
    const file = writeConfig(JSON.stringify({ ...good, host: { url: 'not a url', timeoutMs: 5 } }));
    const issues = issuesOf(() => loadConfig({ schema, what: 'terminal config', file }));
    expect(issues.map((i) => [i.field, i.source])).toEqual([
      ['host.url', `file ${file}`],
      ['host.timeoutMs', `file ${file}`],
    ]);
  });

  it('names the environment variable when it is the culprit', () => {
    const file = writeConfig(JSON.stringify(good));
    const tooSmall = issuesOf(() =>
      loadConfig({ schema, what: 'c', file, envBindings, env: { POS_HOST_TIMEOUT_MS: '10' } }),
    );
    expect(tooSmall.map((i) => [i.field, i.source])).toEqual([
      ['host.timeoutMs', 'env POS_HOST_TIMEOUT_MS'],
    ]);
    const notANumber = issuesOf(() =>
      loadConfig({ schema, what: 'c', file, envBindings, env: { POS_HOST_TIMEOUT_MS: '20s' } }),
    );
    expect(notANumber).toEqual([
      {
        field: 'host.timeoutMs',
        source: 'env POS_HOST_TIMEOUT_MS',
        problem: 'expected a whole number',
      },
    ]);
  });

  it('rejects unknown keys by name, so a misspelling is not silently ignored', () => {
    const file = writeConfig(JSON.stringify({ ...good, langauge: 'en' }));
    const issues = issuesOf(() => loadConfig({ schema, what: 'terminal config', file }));
    expect(issues.map((i) => i.field)).toEqual(['langauge']);
  });

  it('reports missing required fields as coming from the defaults', () => {
    const issues = issuesOf(() => loadConfig({ schema, what: 'terminal config' }));
    expect(issues.map((i) => [i.field, i.source])).toEqual([
      ['terminalId', 'default'],
      ['host', 'default'],
      ['supervisorPassword', 'default'],
    ]);
  });

  it('never repeats a value in the error, since it may be a secret', () => {
    const file = writeConfig(JSON.stringify({ ...good, supervisorPassword: 'short' }));
    let message = '';
    try {
      loadConfig({ schema, what: 'terminal config', file });
    } catch (error) {
      message = JSON.stringify(error) + String(error);
    }
    expect(message).toContain('supervisorPassword');
    expect(message).not.toContain('"short"');
  });

  it('explains an unreadable, malformed or non-object file without quoting it', () => {
    const missing = join(tmpdir(), 'combopay-no-such-dir', 'config.json');
    expect(loadConfig({ schema: z.object({}), what: 'c', file: missing })).toEqual({});
    expect(
      issuesOf(() => loadConfig({ schema, what: 'c', file: missing, fileRequired: true }))[0],
    ).toMatchObject({ source: `file ${missing}`, problem: 'cannot read (ENOENT)' });

    const broken = writeConfig('{\n  "supervisorPassword": "hunter22",\n  oops\n}');
    const [issue] = issuesOf(() => loadConfig({ schema, what: 'c', file: broken }));
    expect(issue?.problem).toMatch(/^not valid JSON/);
    expect(JSON.stringify(issue)).not.toContain('hunter22');

    const array = writeConfig('[1, 2]');
    expect(issuesOf(() => loadConfig({ schema, what: 'c', file: array }))[0]?.problem).toBe(
      'must hold a JSON object',
    );
  });
});

describe('parseEnvValue', () => {
  it.each([
    ['integer', '42', 42],
    ['integer', '-7', -7],
    ['number', '2.5', 2.5],
    ['boolean', 'YES', true],
    ['boolean', '0', false],
    ['list', 'a, b,,c', ['a', 'b', 'c']],
    ['string', ' kept as is ', ' kept as is '],
  ] as const)('%s %j', (type, text, value) => {
    expect(parseEnvValue(text, type)).toEqual({ ok: true, value });
  });

  it.each([
    ['integer', '4.2'],
    ['integer', '99999999999999999999'],
    ['integer', ''],
    ['number', 'abc'],
    ['number', '0x10'],
    ['number', '1e3'],
    ['boolean', 'maybe'],
  ] as const)('rejects %s %j', (type, text) => {
    expect(parseEnvValue(text, type).ok).toBe(false);
  });
});
