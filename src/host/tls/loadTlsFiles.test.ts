import { createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasErrorCode, type PosError } from '../../core/PosError.js';
import { ensureAutoTls, type TlsMaterial } from './ensureAutoTls.js';
import { loadTlsFiles } from './loadTlsFiles.js';

let root: string;
let tls: TlsMaterial;
let caKey: string;
const path = (name: string) => join(root, name);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'combopay-tls-files-'));
  // A real certificate, key and an unrelated key to pair it with wrongly.
  tls = await ensureAutoTls({ dir: path('auto'), hostnames: [] });
  caKey = await readFile(path('auto/ca-key.pem'), 'utf8');
  await writeFile(path('cert.pem'), tls.cert);
  await writeFile(path('key.pem'), tls.key, { mode: 0o600 });
  await writeFile(path('other-key.pem'), caKey, { mode: 0o600 });
  await writeFile(path('chain.pem'), tls.cert + tls.ca);
  await writeFile(path('text.txt'), 'this is not PEM\n');
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    const encrypted = createPrivateKey(tls.key).export({
      type,
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'operator passphrase',
    });
    await writeFile(path(`encrypted-${type}-key.pem`), encrypted, { mode: 0o600 });
  }
  await mkdir(path('a-directory'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function configError(promise: Promise<unknown>): Promise<PosError> {
  const outcome: unknown = await promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  if (!hasErrorCode(outcome, 'CONFIG_INVALID')) {
    throw new Error(`expected CONFIG_INVALID, got ${String(outcome)}`);
  }
  return outcome;
}

function expectNoKeyMaterial(error: PosError, keyPem: string): void {
  const shown = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
  for (const line of keyPem.split('\n')) {
    if (line.length > 0 && !line.startsWith('-----')) expect(shown).not.toContain(line);
  }
}

describe('loadTlsFiles', () => {
  it('returns the certificate and key of a matching pair', async () => {
    expect(await loadTlsFiles(path('cert.pem'), path('key.pem'))).toEqual({
      cert: tls.cert,
      key: tls.key,
    });
  });

  it('keeps a chain after the certificate, so the server can send it', async () => {
    const loaded = await loadTlsFiles(path('chain.pem'), path('key.pem'));
    expect(loaded.cert).toBe(tls.cert + tls.ca);
  });

  it('refuses a key that belongs to another certificate, without showing either key', async () => {
    const error = await configError(loadTlsFiles(path('cert.pem'), path('other-key.pem')));
    expect(error.message).toContain(path('other-key.pem'));
    expect(error.message).toContain(path('cert.pem'));
    expect(error.details).toEqual({ file: path('other-key.pem'), certFile: path('cert.pem') });
    expectNoKeyMaterial(error, caKey);
    expectNoKeyMaterial(error, tls.key);
  });

  it.each([
    ['certificate', 'missing-cert.pem', 'key.pem', 'missing-cert.pem'],
    ['key', 'cert.pem', 'missing-key.pem', 'missing-key.pem'],
  ])('refuses a missing %s file, naming it', async (_what, cert, key, missing) => {
    const error = await configError(loadTlsFiles(path(cert), path(key)));
    expect(error.message).toContain(`${path(missing)} does not exist`);
    expect(error.details).toMatchObject({ file: path(missing), reason: 'ENOENT' });
  });

  it('refuses a path it cannot read', async () => {
    const error = await configError(loadTlsFiles(path('a-directory'), path('key.pem')));
    expect(error.message).toContain(`${path('a-directory')} cannot be read`);
    expect(error.details).toMatchObject({ file: path('a-directory') });
  });

  it.each([
    ['text in place of the certificate', 'text.txt', 'key.pem', 'text.txt'],
    ['the key in place of the certificate', 'key.pem', 'key.pem', 'key.pem'],
    ['text in place of the key', 'cert.pem', 'text.txt', 'text.txt'],
    ['the certificate in place of the key', 'cert.pem', 'cert.pem', 'cert.pem'],
  ])('refuses %s as not PEM', async (_case, cert, key, bad) => {
    const error = await configError(loadTlsFiles(path(cert), path(key)));
    expect(error.message).toMatch(/does not hold a PEM (certificate|private key)/);
    expect(error.details).toEqual({ file: path(bad) });
    expectNoKeyMaterial(error, tls.key);
  });

  it.each(['pkcs8', 'pkcs1'])('refuses an encrypted %s key, saying so', async (type) => {
    const keyPath = path(`encrypted-${type}-key.pem`);
    const error = await configError(loadTlsFiles(path('cert.pem'), keyPath));
    expect(error.message).toBe(
      `TLS key file ${keyPath} is encrypted; give the key without a passphrase`,
    );
    expect(error.details).toEqual({ file: keyPath });
  });
});
