import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { isPosError, PosError } from '../../core/PosError.js';
import type { HostCrypto } from '../crypto/HostCrypto.js';
import { smsTransportsOf, type HostConfig, type SmsTransportName } from '../hostConfig.js';
import type { HostDb } from '../store/openDatabase.js';
import { createGsmModemTransport } from './gsm/createGsmModemTransport.js';
import { createHttpTransport } from './http/HttpTransport.js';
import { OutboxTransport } from './OutboxTransport.js';
import { createSmppTransport } from './smpp/createSmppTransport.js';
import type { SmsTransport } from './SmsTransport.js';

export interface SmsTransportDeps {
  db: HostDb;
  crypto: HostCrypto;
  clock: Clock;
  logger: Logger;
  /** Where secrets named by environment variable are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Builds the configured SMS transports, in failover order (`smsTransports`, or
 * `smsTransport` split at commas), from their `sms.*` sections. A link transport that starts
 * in the background (the GSM modem opens its port, SMPP binds) is started now, and a start
 * that fails is only logged: the transport keeps trying, and the queue fails over meanwhile.
 *
 * Throws `CONFIG_INVALID` (naming the field as `sms.<section>.<field>`) when a transport
 * cannot be built, for example a secret file that cannot be read; the transports already
 * built are closed first.
 */
export function createSmsTransports(config: HostConfig, deps: SmsTransportDeps): SmsTransport[] {
  const built: SmsTransport[] = [];
  try {
    for (const name of smsTransportsOf(config)) built.push(createOne(name, config, deps));
  } catch (error) {
    for (const transport of built) void transport.close();
    throw error;
  }
  return built;
}

function createOne(
  name: SmsTransportName,
  config: HostConfig,
  deps: SmsTransportDeps,
): SmsTransport {
  const { clock, logger } = deps;
  const env = deps.env ?? process.env;
  const log = logger.child({ component: 'sms' });
  switch (name) {
    case 'outbox':
      return new OutboxTransport(deps.db, deps.crypto, clock);
    case 'http':
      return withSection('http', () =>
        createHttpTransport(section(config.sms.http, 'http'), { clock, logger: log, env }),
      );
    case 'smpp':
      return withSection('smpp', () =>
        createSmppTransport(section(config.sms.smpp, 'smpp'), { clock, logger: log, env }),
      );
    case 'gsm-modem': {
      const modem = withSection('gsmModem', () =>
        createGsmModemTransport(section(config.sms.gsmModem, 'gsmModem'), { clock, logger: log }),
      );
      modem.start().catch((error: unknown) => {
        log.warn({ err: error }, 'the GSM modem is not ready yet; it keeps trying');
      });
      return modem;
    }
  }
}

/** The section's settings; the config schema already refused a listed transport without them. */
function section<T>(value: T | undefined, name: string): T {
  if (value === undefined) {
    throw new PosError('CONFIG_INVALID', `invalid host config: sms.${name} is required`, {
      details: { issues: [{ field: `sms.${name}`, source: 'default', problem: 'required' }] },
    });
  }
  return value;
}

/**
 * Runs a transport factory, putting the section's path in front of the field a
 * `CONFIG_INVALID` names (`passwordFile` → `sms.smpp.passwordFile`), whichever form its
 * details take (`issues` as the config loader writes them, or a single `field`).
 */
function withSection<T>(name: string, create: () => T): T {
  try {
    return create();
  } catch (error) {
    if (!isPosError(error) || error.code !== 'CONFIG_INVALID') throw error;
    const prefix = `sms.${name}.`;
    const qualify = (field: string) =>
      field === '' ? `sms.${name}` : field.startsWith('sms.') ? field : `${prefix}${field}`;
    const issues = Array.isArray(error.details.issues)
      ? (error.details.issues as { field: string; source: string; problem: string }[]).map(
          (issue) => ({ ...issue, field: qualify(issue.field) }),
        )
      : [
          {
            field: qualify(typeof error.details.field === 'string' ? error.details.field : ''),
            source: `config sms.${name}`,
            problem: error.message,
          },
        ];
    throw new PosError(
      'CONFIG_INVALID',
      `invalid host config: ${issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`,
      { details: { issues }, cause: error },
    );
  }
}
