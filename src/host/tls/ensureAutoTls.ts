import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import forge from 'node-forge';
import { systemClock, type Clock } from '../../core/clock.js';
import { PosError } from '../../core/PosError.js';
import {
  createCertificateAuthority,
  issueServerCertificate,
  type CertificateAuthority,
} from './issueCertificates.js';
import { serverSubjectAltNames, subjectAltNameKeys } from './subjectAltNames.js';
import { writeFileAtomic } from '../../core/writeFileAtomic.js';

/** What the host's TLS server needs, as PEM text. */
export interface TlsMaterial {
  /** The CA certificate terminals pin. */
  ca: string;
  /** The server certificate (signed by `ca`). */
  cert: string;
  /** The server certificate's private key. */
  key: string;
  /** Absolute path of the CA certificate file, to tell the operator what to give terminals. */
  caPath: string;
}

export interface EnsureAutoTlsOptions {
  /** Directory of the material, usually `<dataDir>/tls`; created (mode 0700) when absent. */
  dir: string;
  /** DNS names and IP addresses terminals use to reach the host. */
  hostnames: readonly string[];
  /** Decides when the server certificate is due for renewal; defaults to the system clock. */
  clock?: Clock;
}

/** File names inside the directory. */
export const AUTO_TLS_FILES = {
  ca: 'ca.pem',
  caKey: 'ca-key.pem',
  cert: 'server.pem',
  key: 'server-key.pem',
} as const;

/** A server certificate with less than this left is reissued. */
export const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

const DIR_MODE = 0o700;
const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

/**
 * The TLS material for `POS_HOST_TLS=auto`: a private CA and a server certificate it signed,
 * kept in `dir` (`ca.pem`, `ca-key.pem`, `server.pem`, `server-key.pem`; keys mode 0600).
 *
 * - First call: creates the directory, the CA and the server certificate.
 * - Later calls reuse both. The server certificate (with a new key) is reissued under the same
 *   CA when it lacks one of the requested names (see {@link serverSubjectAltNames}; it always
 *   covers `localhost`, `127.0.0.1` and `::1`), expires within {@link RENEW_BEFORE_MS} by
 *   `clock`, does not match its key, was not signed by this CA, or one of its two files is
 *   missing. A certificate that is not yet valid by `clock` is kept: that means the host's
 *   clock went backwards, and a certificate issued by that clock would be worse.
 * - The CA is never replaced: terminals pin it. Without a `ca.pem`, a new CA is created (a
 *   `ca-key.pem` alone is what an interrupted first start leaves, as the key is written first,
 *   and no terminal can have pinned a CA whose certificate never existed).
 *
 * Every file is written atomically. Throws `CONFIG_INVALID` naming the file when a name is
 * not a DNS name or IP address, `ca.pem` has no `ca-key.pem`, the two do not belong together,
 * the CA has expired, or a file cannot be read or parsed. Errors never include key material.
 */
export async function ensureAutoTls(options: EnsureAutoTlsOptions): Promise<TlsMaterial> {
  const clock = options.clock ?? systemClock;
  // Validated before anything touches the disk, so a typo in the config changes no file.
  const names = serverSubjectAltNames(options.hostnames);
  const dir = resolve(options.dir);
  const paths = {
    ca: join(dir, AUTO_TLS_FILES.ca),
    caKey: join(dir, AUTO_TLS_FILES.caKey),
    cert: join(dir, AUTO_TLS_FILES.cert),
    key: join(dir, AUTO_TLS_FILES.key),
  };

  const created = await mkdir(dir, { recursive: true, mode: DIR_MODE });
  // mkdir's mode is narrowed by the umask; make sure of it, on a directory that is ours.
  if (created !== undefined) await chmod(dir, DIR_MODE);

  const now = new Date(clock.now());
  const ca = await loadOrCreateCa(paths, now);

  const existing = await readServerFiles(paths);
  if (existing !== undefined) {
    const wanted = names.map((name) => name.key);
    const present = subjectAltNameKeys(existing.forgeCert);
    const reusable =
      existing.x509.checkPrivateKey(existing.keyObject) &&
      existing.x509.checkIssued(ca.x509) &&
      existing.x509.verify(ca.x509.publicKey) &&
      wanted.every((key) => present.has(key)) &&
      existing.forgeCert.validity.notAfter.getTime() - now.getTime() > RENEW_BEFORE_MS;
    if (reusable) {
      return { ca: ca.pem, cert: existing.cert, key: existing.key, caPath: paths.ca };
    }
  }

  const server = issueServerCertificate(ca, names, now);
  // Key first: a crash between the two leaves a key that does not match the old certificate,
  // which the next start detects and reissues.
  await writeFileAtomic(paths.key, server.keyPem, KEY_MODE);
  await writeFileAtomic(paths.cert, server.certPem, CERT_MODE);
  return { ca: ca.pem, cert: server.certPem, key: server.keyPem, caPath: paths.ca };
}

interface Paths {
  readonly ca: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

interface LoadedCa extends CertificateAuthority {
  readonly pem: string;
  readonly x509: X509Certificate;
}

async function loadOrCreateCa(paths: Paths, now: Date): Promise<LoadedCa> {
  const certText = await readIfPresent(paths.ca);
  if (certText === undefined) {
    const ca = createCertificateAuthority(now);
    await writeFileAtomic(paths.caKey, ca.keyPem, KEY_MODE);
    await writeFileAtomic(paths.ca, ca.certPem, CERT_MODE);
    return { cert: ca.cert, key: ca.key, pem: ca.certPem, x509: new X509Certificate(ca.certPem) };
  }
  const keyText = await readIfPresent(paths.caKey);
  if (keyText === undefined) {
    throw new PosError(
      'CONFIG_INVALID',
      `${paths.caKey} is missing, and the CA certificate ${paths.ca} cannot sign without it. ` +
        'Restore the key, or move the directory away to create a new CA ' +
        '(every terminal then has to pin the new ca.pem).',
      { details: { file: paths.caKey } },
    );
  }
  const { x509, forgeCert } = parseCertificate(paths.ca, certText);
  const keyObject = parsePrivateKey(paths.caKey, keyText);
  let key: forge.pki.rsa.PrivateKey;
  try {
    key = forge.pki.privateKeyFromPem(keyText);
  } catch {
    throw invalidFile(paths.caKey, 'is not a PEM RSA private key');
  }
  if (!x509.ca) throw invalidFile(paths.ca, 'is not a CA certificate');
  if (!x509.checkPrivateKey(keyObject)) {
    throw invalidFile(paths.caKey, `is not the key of the CA certificate ${paths.ca}`);
  }
  if (forgeCert.validity.notAfter.getTime() <= now.getTime()) {
    throw invalidFile(
      paths.ca,
      `expired on ${forgeCert.validity.notAfter.toISOString()}; move the directory away to ` +
        'create a new CA (every terminal then has to pin the new ca.pem)',
    );
  }
  return { cert: forgeCert, key, pem: certText, x509 };
}

interface ServerFiles {
  readonly cert: string;
  readonly key: string;
  readonly x509: X509Certificate;
  readonly forgeCert: forge.pki.Certificate;
  readonly keyObject: KeyObject;
}

/** The server certificate and key, or undefined when either file is absent (so: reissue). */
async function readServerFiles(paths: Paths): Promise<ServerFiles | undefined> {
  const cert = await readIfPresent(paths.cert);
  const key = await readIfPresent(paths.key);
  if (cert === undefined || key === undefined) return undefined;
  return {
    cert,
    key,
    ...parseCertificate(paths.cert, cert),
    keyObject: parsePrivateKey(paths.key, key),
  };
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PosError('CONFIG_INVALID', `${path} cannot be read`, {
      details: { file: path, reason: (error as NodeJS.ErrnoException).code },
      cause: error,
    });
  }
}

function parseCertificate(
  path: string,
  text: string,
): { x509: X509Certificate; forgeCert: forge.pki.Certificate } {
  try {
    return { x509: new X509Certificate(text), forgeCert: forge.pki.certificateFromPem(text) };
  } catch {
    throw invalidFile(path, 'is not a PEM certificate this host can read');
  }
}

function parsePrivateKey(path: string, text: string): KeyObject {
  try {
    return createPrivateKey(text);
  } catch {
    // No cause attached: a parser's error could quote the text it choked on.
    throw invalidFile(path, 'is not a PEM private key');
  }
}

function invalidFile(path: string, problem: string): PosError<'CONFIG_INVALID'> {
  return new PosError('CONFIG_INVALID', `${path} ${problem}`, { details: { file: path } });
}
