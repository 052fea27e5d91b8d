import { X509Certificate, createPrivateKey } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions, type Server } from 'node:tls';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import { hasErrorCode, type PosError } from '../../core/PosError.js';
import { ensureAutoTls, type TlsMaterial } from './ensureAutoTls.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOSTNAMES = ['pos.example.test', '192.168.1.50', 'fe80::abcd'];
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

let root: string;
let template: string;
let material: TlsMaterial;
let copies = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'combopay-tls-'));
  // Two levels that do not exist yet: the data dir and its tls folder.
  template = join(root, 'template', 'tls');
  material = await ensureAutoTls({ dir: template, hostnames: HOSTNAMES });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A private copy of the first call's directory, for a test that changes files. */
async function copyOfTemplate(): Promise<string> {
  const dir = join(root, `copy-${String(++copies)}`);
  await cp(template, dir, { recursive: true });
  return dir;
}

async function readFiles(dir: string): Promise<Record<string, string>> {
  const names = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem'];
  const files: Record<string, string> = {};
  for (const name of names) files[name] = await readFile(join(dir, name), 'utf8');
  return files;
}

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

/** The base64 lines of a PEM text: none of them may show up in an error. */
function pemBodyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));
}

function expectNoKeyMaterial(error: PosError, keyPem: string): void {
  const shown = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
  for (const line of pemBodyLines(keyPem)) expect(shown).not.toContain(line);
}

describe('ensureAutoTls on first start', () => {
  it('creates the directory (0700) with the CA and server files, keys 0600', async () => {
    expect((await stat(template)).mode & 0o777).toBe(0o700);
    expect((await readdir(template)).sort()).toEqual([
      'ca-key.pem',
      'ca.pem',
      'server-key.pem',
      'server.pem',
    ]);
    expect((await stat(join(template, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(template, 'server-key.pem'))).mode & 0o777).toBe(0o600);
    // Certificates are public, but nobody else may replace them.
    expect((await stat(join(template, 'ca.pem'))).mode & 0o022).toBe(0);

    const files = await readFiles(template);
    expect(material).toEqual({
      ca: files['ca.pem'],
      cert: files['server.pem'],
      key: files['server-key.pem'],
      caPath: join(template, 'ca.pem'),
    });
    expect(material.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('makes a CA that may only sign certificates, valid 10 years, SHA-256', async () => {
    const ca = new X509Certificate(material.ca);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toMatch(/^CN=ComboPay host CA [0-9a-f]{8}$/m);
    expect(ca.checkPrivateKey(createPrivateKey(await readFile(join(template, 'ca-key.pem'))))).toBe(
      true,
    );
    expect(ca.checkIssued(ca)).toBe(true);
    expect(Number.parseInt(ca.serialNumber.slice(0, 1), 16)).toBeLessThan(8);
    const years = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365.25 * DAY_MS);
    expect(years).toBeCloseTo(10, 1);

    const parsed = forge.pki.certificateFromPem(material.ca);
    expect(parsed.siginfo.algorithmOid).toBe(forge.pki.oids.sha256WithRSAEncryption);
    expect(parsed.getExtension('basicConstraints')).toMatchObject({ cA: true, critical: true });
    expect(parsed.getExtension('keyUsage')).toMatchObject({
      keyCertSign: true,
      cRLSign: true,
      digitalSignature: false,
      keyEncipherment: false,
    });
  });

  it('issues a server certificate for every hostname plus the local names, signed by the CA', () => {
    const ca = new X509Certificate(material.ca);
    const cert = new X509Certificate(material.cert);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(material.key))).toBe(true);
    expect(cert.keyUsage).toEqual([SERVER_AUTH]);

    const sans = (cert.subjectAltName ?? '').split(', ');
    expect(sans).toEqual(
      expect.arrayContaining([
        'DNS:pos.example.test',
        'DNS:localhost',
        'IP Address:192.168.1.50',
        'IP Address:127.0.0.1',
      ]),
    );
    expect(sans).toHaveLength(6);
    for (const host of ['pos.example.test', 'localhost']) expect(cert.checkHost(host)).toBe(host);
    for (const ip of ['192.168.1.50', '127.0.0.1', '::1', 'fe80::abcd']) {
      expect(cert.checkIP(ip)).toBe(ip);
    }
    expect(cert.checkHost('other.example.test')).toBeUndefined();
    expect(cert.checkIP('192.168.1.51')).toBeUndefined();

    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY_MS;
    expect(days).toBe(825);
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(Date.now());

    const parsed = forge.pki.certificateFromPem(material.cert);
    expect(parsed.siginfo.algorithmOid).toBe(forge.pki.oids.sha256WithRSAEncryption);
    expect(parsed.getExtension('keyUsage')).toMatchObject({
      digitalSignature: true,
      keyEncipherment: true,
      keyCertSign: false,
    });
  });
});

describe('a node:tls server using the material', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer({ cert: material.cert, key: material.key }, (socket) => {
      socket.end('hello from the host');
    });
    // A client that fails the handshake resets the connection; that is not the server's error.
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Connects, reads what the server says, and reports it or the client's error code. */
  function talk(options: ConnectionOptions): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ...options });
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('end', () => resolve(`ok: ${received}`));
      socket.on('error', (error: NodeJS.ErrnoException) => {
        resolve(`error: ${error.code ?? error.message}`);
      });
    });
  }

  it('is trusted by a client that pins only the CA, by name', async () => {
    expect(await talk({ ca: material.ca, servername: 'localhost' })).toBe(
      'ok: hello from the host',
    );
  });

  it('is trusted by a client that pins only the CA, by IP address', async () => {
    expect(await talk({ ca: material.ca })).toBe('ok: hello from the host');
  });

  it('is refused by a client that does not have the CA', async () => {
    expect(await talk({ servername: 'localhost' })).toBe('error: UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('is refused for a name the certificate does not carry', async () => {
    expect(await talk({ ca: material.ca, servername: 'other.example.test' })).toBe(
      'error: ERR_TLS_CERT_ALTNAME_INVALID',
    );
  });
});

describe('ensureAutoTls on later starts', () => {
  it('returns the same CA and server certificate and rewrites nothing', async () => {
    const dir = await copyOfTemplate();
    const before = await readFiles(dir);
    const again = await ensureAutoTls({ dir, hostnames: HOSTNAMES });
    // Other spellings of names already covered, and fewer names, need nothing new either.
    const respelled = await ensureAutoTls({
      dir,
      hostnames: ['POS.Example.Test.', 'fe80:0:0:0:0:0:0:abcd'],
    });
    expect(again).toEqual({ ...material, caPath: join(dir, 'ca.pem') });
    expect(respelled).toEqual(again);
    expect(await readFiles(dir)).toEqual(before);
  });

  it('reissues the server certificate under the same CA for a new hostname', async () => {
    const dir = await copyOfTemplate();
    const hostnames = [...HOSTNAMES, 'till-2.example.test'];
    const reissued = await ensureAutoTls({ dir, hostnames });

    expect(reissued.ca).toBe(material.ca);
    expect(reissued.cert).not.toBe(material.cert);
    expect(reissued.key).not.toBe(material.key);
    const cert = new X509Certificate(reissued.cert);
    expect(cert.checkHost('till-2.example.test')).toBe('till-2.example.test');
    expect(cert.checkHost('pos.example.test')).toBe('pos.example.test');
    expect(cert.checkIssued(new X509Certificate(material.ca))).toBe(true);
    expect(cert.verify(new X509Certificate(material.ca).publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(reissued.key))).toBe(true);

    const files = await readFiles(dir);
    expect(files['server.pem']).toBe(reissued.cert);
    expect(files['server-key.pem']).toBe(reissued.key);
    expect(files['ca.pem']).toBe(material.ca);
    expect(await ensureAutoTls({ dir, hostnames })).toEqual(reissued);
  });

  it('reissues the server certificate when the clock is within 30 days of its end', async () => {
    const dir = await copyOfTemplate();
    const notAfter = Date.parse(new X509Certificate(material.cert).validTo);
    const clock = new ManualClock(notAfter - 31 * DAY_MS);

    const early = await ensureAutoTls({ dir, hostnames: HOSTNAMES, clock });
    expect(early.cert).toBe(material.cert);

    clock.setTime(notAfter - 29 * DAY_MS);
    const renewed = await ensureAutoTls({ dir, hostnames: HOSTNAMES, clock });
    expect(renewed.ca).toBe(material.ca);
    expect(renewed.cert).not.toBe(material.cert);
    const cert = new X509Certificate(renewed.cert);
    expect(cert.checkIssued(new X509Certificate(material.ca))).toBe(true);
    // Issued by the injected clock (backdated an hour), not by the wall clock.
    expect(Date.parse(cert.validFrom)).toBe(clock.now() - 60 * 60 * 1000);
    expect(Date.parse(cert.validTo)).toBe(clock.now() - 60 * 60 * 1000 + 825 * DAY_MS);
  });

  it('never lets a server certificate outlive its CA', async () => {
    const dir = await copyOfTemplate();
    const caEnd = Date.parse(new X509Certificate(material.ca).validTo);
    const clock = new ManualClock(caEnd - 100 * DAY_MS);
    const late = await ensureAutoTls({ dir, hostnames: HOSTNAMES, clock });
    expect(late.ca).toBe(material.ca);
    expect(Date.parse(new X509Certificate(late.cert).validTo)).toBe(caEnd);
  });

  it('reissues a server key left without its certificate by an interrupted reissue', async () => {
    const dir = await copyOfTemplate();
    // As if the new key was written and the process died before the new certificate.
    await writeFile(join(dir, 'server-key.pem'), await readFile(join(dir, 'ca-key.pem')));
    const repaired = await ensureAutoTls({ dir, hostnames: HOSTNAMES });
    expect(repaired.ca).toBe(material.ca);
    expect(repaired.cert).not.toBe(material.cert);
    const cert = new X509Certificate(repaired.cert);
    expect(cert.checkPrivateKey(createPrivateKey(repaired.key))).toBe(true);
    expect(cert.verify(new X509Certificate(material.ca).publicKey)).toBe(true);
  });

  it('creates a new CA when only a CA key is left from an interrupted first start', async () => {
    const dir = await copyOfTemplate();
    await rm(join(dir, 'ca.pem'));
    await rm(join(dir, 'server.pem'));
    const fresh = await ensureAutoTls({ dir, hostnames: HOSTNAMES });
    expect(fresh.ca).not.toBe(material.ca);
    const ca = new X509Certificate(fresh.ca);
    expect(ca.checkPrivateKey(createPrivateKey(await readFile(join(dir, 'ca-key.pem'))))).toBe(
      true,
    );
    expect(new X509Certificate(fresh.cert).verify(ca.publicKey)).toBe(true);
  });
});

describe('ensureAutoTls refuses a directory it cannot trust', () => {
  it('refuses a CA certificate without its key, and changes nothing', async () => {
    const dir = await copyOfTemplate();
    await rm(join(dir, 'ca-key.pem'));
    const before = await readdir(dir);
    const error = await configError(ensureAutoTls({ dir, hostnames: ['new.example.test'] }));
    expect(error.message).toContain(join(dir, 'ca-key.pem'));
    expect(error.details).toEqual({ file: join(dir, 'ca-key.pem') });
    expect(await readdir(dir)).toEqual(before);
    expect(await readFile(join(dir, 'server.pem'), 'utf8')).toBe(material.cert);
  });

  it('refuses a truncated CA key, naming the file and never showing the key', async () => {
    const dir = await copyOfTemplate();
    const keyPem = await readFile(join(dir, 'ca-key.pem'), 'utf8');
    await writeFile(join(dir, 'ca-key.pem'), keyPem.slice(0, keyPem.length / 2));
    const error = await configError(ensureAutoTls({ dir, hostnames: HOSTNAMES }));
    expect(error.details).toEqual({ file: join(dir, 'ca-key.pem') });
    expect(error.message).toContain('ca-key.pem');
    expectNoKeyMaterial(error, keyPem);
  });

  it.each(['ca.pem', 'server.pem', 'server-key.pem'])(
    'refuses a %s that does not parse, naming it',
    async (name) => {
      const dir = await copyOfTemplate();
      await writeFile(join(dir, name), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n');
      const error = await configError(ensureAutoTls({ dir, hostnames: HOSTNAMES }));
      expect(error.details).toEqual({ file: join(dir, name) });
      expect(error.message).toContain(join(dir, name));
    },
  );

  it('refuses a CA key that belongs to another certificate', async () => {
    const dir = await copyOfTemplate();
    const serverKey = await readFile(join(dir, 'server-key.pem'), 'utf8');
    await writeFile(join(dir, 'ca-key.pem'), serverKey);
    const error = await configError(ensureAutoTls({ dir, hostnames: HOSTNAMES }));
    expect(error.details).toEqual({ file: join(dir, 'ca-key.pem') });
    expectNoKeyMaterial(error, serverKey);
  });

  it('refuses a CA that has expired', async () => {
    const dir = await copyOfTemplate();
    const clock = new ManualClock(Date.parse(new X509Certificate(material.ca).validTo) + 1000);
    const error = await configError(ensureAutoTls({ dir, hostnames: HOSTNAMES, clock }));
    expect(error.details).toEqual({ file: join(dir, 'ca.pem') });
    expect(error.message).toMatch(/expired/);
  });

  it('refuses a hostname that is not a name or address before touching the disk', async () => {
    const dir = join(root, 'never-created');
    const error = await configError(
      ensureAutoTls({ dir, hostnames: ['pos.example.test', 'https://pos.example.test'] }),
    );
    expect(error.details).toEqual({ hostname: 'https://pos.example.test' });
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
