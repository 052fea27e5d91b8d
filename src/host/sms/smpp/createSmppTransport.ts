import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import { PosError } from '../../../core/PosError.js';
import { Secret } from '../../../core/Secret.js';
import { sourceAddress } from './smppAddress.js';
import type { SmppConfig } from './smppConfigSchema.js';
import { SmppTransport } from './SmppTransport.js';

/** The environment variable holding the bind password when the config names no file. */
export const SMPP_PASSWORD_ENV = 'POS_HOST_SMPP_PASSWORD';

export interface SmppTransportDeps {
  clock: Clock;
  logger: Logger;
  /** Where `POS_HOST_SMPP_PASSWORD` is looked up; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The SMPP transport for a parsed {@link SmppConfig}: reads the password (and the TLS CA file),
 * then connects and binds in the background. Throws `CONFIG_INVALID` when the password or CA
 * cannot be read; the password never appears in errors or logs.
 */
export function createSmppTransport(config: SmppConfig, deps: SmppTransportDeps): SmppTransport {
  const password = readPassword(config, deps.env ?? process.env);
  // SMPP 3.4 allows 8 characters; some SMSCs take more, so this is only a warning.
  if (password.reveal().length > 8) {
    deps.logger.warn('the SMPP password is longer than the 8 characters SMPP 3.4 allows');
  }
  return new SmppTransport({
    host: config.host,
    port: config.port,
    tls: config.tls && tlsOptions(config.tls),
    bindMode: config.bindMode,
    systemId: config.systemId,
    password,
    systemType: config.systemType ?? '',
    source: sourceAddress(config.sourceAddress, config.sourceTon, config.sourceNpi),
    windowSize: config.windowSize,
    enquireLinkMs: config.enquireLinkMs,
    responseTimeoutMs: config.responseTimeoutMs,
    reconnectMinMs: config.reconnectMinMs,
    reconnectMaxMs: config.reconnectMaxMs,
    clock: deps.clock,
    logger: deps.logger.child({ transport: 'smpp' }),
  });
}

function readPassword(
  config: SmppConfig,
  env: Readonly<Record<string, string | undefined>>,
): Secret {
  if (config.passwordFile !== undefined) {
    return new Secret(readConfigFile(config.passwordFile, 'passwordFile').replace(/\r?\n$/, ''));
  }
  const fromEnv = env[SMPP_PASSWORD_ENV];
  if (fromEnv === undefined || fromEnv === '') {
    throw new PosError(
      'CONFIG_INVALID',
      `the SMPP transport needs a password: set passwordFile or ${SMPP_PASSWORD_ENV}`,
      { details: { field: 'passwordFile' } },
    );
  }
  return new Secret(fromEnv);
}

function tlsOptions(tls: NonNullable<SmppConfig['tls']>): ConnectionOptions {
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.caFile !== undefined ? { ca: readConfigFile(tls.caFile, 'tls.caFile') } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
  };
}

function readConfigFile(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new PosError('CONFIG_INVALID', `cannot read the SMPP ${field} ${path} (${code})`, {
      details: { field },
    });
  }
}
