import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { PosError } from '../../core/PosError.js';
import { MASTER_KEY_BYTES } from './HostCrypto.js';

/**
 * Reads the host's master secret from `path` (base64url text), creating it with fresh random
 * bytes (mode 0600, in a 0700 directory) when absent. Creation uses an exclusive open, so two
 * processes starting together end up with the same key.
 *
 * The key is what makes stored PIN hashes, card tokens, terminal keys and sealed SMS texts
 * usable: back it up apart from the database; losing it means re-enrolling every account.
 */
export function loadOrCreateMasterKey(path: string): Uint8Array {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(MASTER_KEY_BYTES).toString('base64url')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new PosError('CONFIG_INVALID', `cannot create the host key file ${path}`, {
        cause: error,
      });
    }
  }
  return readMasterKey(path);
}

function readMasterKey(path: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new PosError('CONFIG_INVALID', `cannot read the host key file ${path}`, { cause: error });
  }
  const key = Buffer.from(text, 'base64url');
  if (key.length !== MASTER_KEY_BYTES || key.toString('base64url') !== text) {
    throw new PosError(
      'CONFIG_INVALID',
      `the host key file ${path} must hold base64url of ${MASTER_KEY_BYTES} bytes`,
    );
  }
  return new Uint8Array(key);
}
