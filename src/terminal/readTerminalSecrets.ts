import { readFileSync } from 'node:fs';
import { PosError } from '../core/PosError.js';
import { parseTerminalKey } from '../protocol/signing.js';
import type { TerminalConfig } from './terminalConfig.js';

/** The files a terminal config points at, read and checked. */
export interface TerminalSecrets {
  /** The terminal key (32 bytes). */
  key: Uint8Array;
  /** PEM of the host's CA, when `host.caFile` is set. */
  ca: string | undefined;
}

function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PosError('CONFIG_INVALID', `cannot read the ${what} file ${path}: ${code}`, {
      cause: error,
    });
  }
}

/**
 * Reads the terminal key (`terminalKeyFile`) and the host's CA (`host.caFile`). Used both to
 * start the terminal and by `pos-terminal --check`, so the check finds what start-up would.
 *
 * @throws PosError `CONFIG_INVALID` naming the file (never its content) when it cannot be
 *   read, the key is not base64url of 32 bytes, or the CA file holds no PEM certificate
 */
export function readTerminalSecrets(config: TerminalConfig): TerminalSecrets {
  const keyText = readSecretFile(config.terminalKeyFile, 'terminal key');
  let key: Uint8Array;
  try {
    key = parseTerminalKey(keyText);
  } catch (error) {
    // The parser's message does not say which file; the operator needs to know.
    throw new PosError(
      'CONFIG_INVALID',
      `the terminal key file ${config.terminalKeyFile} does not hold a terminal key ` +
        '(base64url of 32 bytes, as `pos-host terminals add` prints it)',
      { cause: error },
    );
  }
  const caFile = config.host.caFile;
  const ca = caFile === undefined ? undefined : readSecretFile(caFile, 'host CA');
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new PosError(
      'CONFIG_INVALID',
      `the host CA file ${String(caFile)} holds no PEM certificate`,
    );
  }
  return { key, ca };
}
