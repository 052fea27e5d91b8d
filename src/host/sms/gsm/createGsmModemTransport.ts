import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { GsmModemConfig } from './gsmModemConfig.js';
import { GsmModemTransport, type ModemPort } from './GsmModemTransport.js';

export interface GsmModemTransportDeps {
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Opens the AT port (default serialport); for tests. */
  readonly openPort?: (path: string, baudRate: number) => Promise<ModemPort>;
}

/**
 * The `gsm-modem` transport for a parsed {@link GsmModemConfig}. It does not touch the port
 * yet: call `start()` at boot (it rejects while the modem is not ready, and keeps trying in
 * the background), or let the first send connect. `close()` at shutdown.
 */
export function createGsmModemTransport(
  config: GsmModemConfig,
  deps: GsmModemTransportDeps,
): GsmModemTransport {
  return new GsmModemTransport({
    path: config.path,
    baudRate: config.baudRate,
    commandTimeoutMs: config.commandTimeoutMs,
    submitTimeoutMs: config.submitTimeoutMs,
    statusReports: config.statusReports,
    validityMinutes: config.validityMinutes,
    // A maximum below the first wait would make Backoff throw; the first wait wins.
    reconnectBackoff: {
      initialMs: config.reconnectInitialMs,
      maxMs: Math.max(config.reconnectInitialMs, config.reconnectMaxMs),
    },
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.openPort === undefined ? {} : { openPort: deps.openPort }),
  });
}
