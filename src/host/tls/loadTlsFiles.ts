import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PosError } from '../../core/PosError.js';

/**
 * Reads the operator's own certificate and key for `POS_HOST_TLS=cert.pem,key.pem` and checks
 * them before the server starts, so a bad pair fails at start with a clear message rather than
 * at the first handshake.
 *
 * `certPath` holds a PEM certificate, optionally followed by its chain (returned as is, so the
 * server sends the chain); `keyPath` an unencrypted PEM private key that belongs to the first
 * certificate. Throws `CONFIG_INVALID` naming the file when one is missing, unreadable, not
 * PEM, or when the key does not match the certificate. Errors never include key material.
 */
export async function loadTlsFiles(
  certPath: string,
  keyPath: string,
): Promise<{ cert: string; key: string }> {
  const cert = await readTlsFile(certPath, 'certificate');
  const key = await readTlsFile(keyPath, 'private key');

  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw invalid(certPath, `TLS certificate file ${certPath} does not hold a PEM certificate`);
  }

  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch {
    // No cause attached: a parser's error could quote the text it choked on. OpenSSL reports an
    // encrypted key as an interrupted read, so recognise one by its PEM headers instead.
    const encrypted = /^-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: 4,ENCRYPTED/m.test(key);
    throw invalid(
      keyPath,
      encrypted
        ? `TLS key file ${keyPath} is encrypted; give the key without a passphrase`
        : `TLS key file ${keyPath} does not hold a PEM private key`,
    );
  }

  if (!x509.checkPrivateKey(keyObject)) {
    throw invalid(
      keyPath,
      `TLS key file ${keyPath} is not the key of the certificate ${certPath}`,
      {
        certFile: certPath,
      },
    );
  }
  return { cert, key };
}

async function readTlsFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
    throw invalid(path, `TLS ${what} file ${path} ${problem}`, { reason: code }, error);
  }
}

function invalid(
  path: string,
  message: string,
  extra: Record<string, unknown> = {},
  cause?: unknown,
): PosError<'CONFIG_INVALID'> {
  return new PosError('CONFIG_INVALID', message, { details: { file: path, ...extra }, cause });
}
