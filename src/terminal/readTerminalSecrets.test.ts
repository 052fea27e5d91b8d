import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPosError } from '../core/PosError.js';
import { encodeBase64Url } from '../protocol/base64url.js';
import { readTerminalSecrets } from './readTerminalSecrets.js';
import type { TerminalConfig } from './terminalConfig.js';

describe('readTerminalSecrets', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'combopay-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const key = Uint8Array.from({ length: 32 }, (_, index) => index);
  const file = (name: string, text: string): string => {
    const where = path.join(dir, name);
    writeFileSync(where, text, { mode: 0o600 });
    return where;
  };
  const config = (terminalKeyFile: string, caFile?: string) =>
    ({ terminalKeyFile, host: { caFile } }) as unknown as TerminalConfig;
  const failure = (action: () => unknown): { code: string; message: string } => {
    try {
      action();
    } catch (error) {
      if (isPosError(error)) return { code: error.code, message: error.message };
      throw error;
    }
    throw new Error('accepted');
  };

  it('reads the key as pos-host printed it, and the CA', () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const secrets = readTerminalSecrets(
      config(file('ok.key', `${encodeBase64Url(key)}\n`), file('ca.pem', ca)),
    );
    expect(secrets).toEqual({ key, ca });
    expect(readTerminalSecrets(config(file('ok2.key', encodeBase64Url(key)))).ca).toBeUndefined();
  });

  it('names a file it cannot read', () => {
    const missing = path.join(dir, 'missing.key');
    expect(failure(() => readTerminalSecrets(config(missing)))).toEqual({
      code: 'CONFIG_INVALID',
      message: `cannot read the terminal key file ${missing}: ENOENT`,
    });
    const ok = file('ok3.key', encodeBase64Url(key));
    expect(
      failure(() => readTerminalSecrets(config(ok, path.join(dir, 'no-ca.pem')))),
    ).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('host CA file') as unknown,
    });
  });

  it('names a key file that holds no key, without showing what it holds', () => {
    const bad = file('bad.key', 'hunter2-not-a-key');
    const { code, message } = failure(() => readTerminalSecrets(config(bad)));
    expect(code).toBe('CONFIG_INVALID');
    expect(message).toContain(bad);
    expect(message).not.toContain('hunter2');
  });

  it('refuses a CA file without a certificate', () => {
    const ok = file('ok4.key', encodeBase64Url(key));
    const ca = file('key-not-ca.pem', '-----BEGIN PRIVATE KEY-----\nabc\n');
    expect(failure(() => readTerminalSecrets(config(ok, ca)))).toEqual({
      code: 'CONFIG_INVALID',
      message: `the host CA file ${ca} holds no PEM certificate`,
    });
  });
});
