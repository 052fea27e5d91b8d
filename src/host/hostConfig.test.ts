import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PosError } from '../core/PosError.js';
import { loadHostConfig, smsTransportsOf } from './hostConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'host-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** Loads the host config from `file` (written as JSON) under `env`. */
function load(file: unknown, env: Record<string, string> = {}) {
  files += 1;
  const path = join(dir, `config-${files}.json`);
  writeFileSync(path, JSON.stringify(file));
  return loadHostConfig({ POS_HOST_CONFIG: path, ...env });
}

function issuesOf(run: () => unknown): { field: string; source: string; problem: string }[] {
  try {
    run();
  } catch (error) {
    expect((error as PosError).code).toBe('CONFIG_INVALID');
    return (error as PosError).details.issues as {
      field: string;
      source: string;
      problem: string;
    }[];
  }
  throw new Error('expected CONFIG_INVALID');
}

const http = {
  url: 'http://127.0.0.1:13013/cgi-bin/sendsms?username={user}&password={password}&to={to}&text={text}',
  user: 'combopay',
  secretFile: '/etc/combopay/kannel.secret',
};
const smpp = { host: 'smsc.example', systemId: 'combopay', sourceAddress: 'ComboPay' };
const gsmModem = { path: '/dev/ttyModemAT' };

describe('the host config’s SMS transports', () => {
  it('default to the outbox alone, with the per-number limit at 10 texts an hour', () => {
    const config = loadHostConfig({});
    expect(smsTransportsOf(config)).toEqual(['outbox']);
    expect(config).toMatchObject({ smsPerNumberMax: 10, smsPerNumberWindowSeconds: 3600 });
  });

  it('take one transport by name, as before, with its section', () => {
    expect(smsTransportsOf(load({ smsTransport: 'http', sms: { http } }))).toEqual(['http']);
  });

  it('take a failover list from the file, or from POS_HOST_SMS_TRANSPORT, which wins', () => {
    const sms = { smpp, gsmModem, http };
    expect(smsTransportsOf(load({ smsTransports: ['smpp', 'gsm-modem'], sms }))).toEqual([
      'smpp',
      'gsm-modem',
    ]);
    expect(smsTransportsOf(load({ smsTransport: 'gsm-modem, http', sms }))).toEqual([
      'gsm-modem',
      'http',
    ]);
    const fromEnv = load(
      { smsTransport: 'http', sms },
      { POS_HOST_SMS_TRANSPORT: 'smpp,gsm-modem,http' },
    );
    expect(smsTransportsOf(fromEnv)).toEqual(['smpp', 'gsm-modem', 'http']);
    expect(fromEnv.sms.smpp).toMatchObject({ host: 'smsc.example', port: 2775 });
    expect(fromEnv.sms.http).toMatchObject({ method: 'GET', timeoutMs: 10_000 });
  });

  it('name the section a listed transport is missing', () => {
    const issues = issuesOf(() =>
      load({ sms: { smpp } }, { POS_HOST_SMS_TRANSPORT: 'smpp,gsm-modem' }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        field: 'sms.gsmModem',
        problem: 'the gsm-modem transport is configured, so its settings are required',
      }),
    ]);
  });

  it('refuse an unknown or repeated name, and the outbox behind a real link', () => {
    expect(issuesOf(() => loadHostConfig({ POS_HOST_SMS_TRANSPORT: 'smpp,kannel' }))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'smsTransports.1', source: 'env POS_HOST_SMS_TRANSPORT' }),
      ]),
    );
    expect(issuesOf(() => load({ smsTransport: 'smpp,smpp', sms: { smpp } }))).toEqual([
      expect.objectContaining({ field: 'smsTransport', problem: 'names a transport twice' }),
    ]);
    expect(issuesOf(() => load({ smsTransport: 'kannel' }))).toEqual([
      expect.objectContaining({
        field: 'smsTransport',
        problem: expect.stringContaining('"kannel"') as unknown,
      }),
    ]);
    expect(issuesOf(() => load({ smsTransports: ['http', 'outbox'], sms: { http } }))).toEqual([
      expect.objectContaining({
        field: 'smsTransports',
        problem: expect.stringContaining('outbox') as unknown,
      }),
    ]);
  });

  it('name each bad field of a section with where it came from', () => {
    const issues = issuesOf(() =>
      load({
        smsTransport: 'http',
        sms: {
          http: { ...http, url: 'ftp://gateway/{to}/{txt}', secretFile: undefined, timeout: 5 },
          smpp: { host: 'smsc.example' },
        },
      }),
    );
    const fields = issues.map((issue) => issue.field);
    expect(fields).toEqual(
      expect.arrayContaining(['sms.http.timeout', 'sms.smpp.systemId', 'sms.smpp.sourceAddress']),
    );
    expect(issues.every((issue) => issue.source.startsWith('file '))).toBe(true);
    const http2 = issuesOf(() =>
      load({ smsTransport: 'http', sms: { http: { ...http, url: 'ftp://gateway/{to}/{txt}' } } }),
    );
    expect(http2.map((i) => `${i.field}: ${i.problem}`)).toEqual(
      expect.arrayContaining([
        'sms.http.url: unknown placeholder {txt}',
        'sms.http.url: the url or the body must use {text}',
        'sms.http.url: must be an http:// or https:// URL',
      ]),
    );
    const secretless = issuesOf(() =>
      load({ smsTransport: 'http', sms: { http: { ...http, secretFile: undefined } } }),
    );
    expect(secretless).toEqual([
      expect.objectContaining({
        field: 'sms.http.secretFile',
        problem: '{password} is used: give secretFile or secretEnv',
      }),
    ]);
  });

  it('read the per-number limit from the environment', () => {
    const config = loadHostConfig({
      POS_HOST_SMS_PER_NUMBER_MAX: '3',
      POS_HOST_SMS_PER_NUMBER_WINDOW_SECONDS: '600',
    });
    expect(config).toMatchObject({ smsPerNumberMax: 3, smsPerNumberWindowSeconds: 600 });
    expect(issuesOf(() => loadHostConfig({ POS_HOST_SMS_PER_NUMBER_WINDOW_SECONDS: '5' }))).toEqual(
      [expect.objectContaining({ field: 'smsPerNumberWindowSeconds' })],
    );
  });
});
