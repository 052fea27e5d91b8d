import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Keypad } from '../../drivers/keypad/Keypad.js';
import type { CardReader } from '../../drivers/nfc/CardReader.js';
import type { Printer } from '../../drivers/printer/Printer.js';
import { createTerminal, type BeepTone, type Terminal } from './createTerminal.js';
import { createSupervisorCheck } from './effects/supervisorPassword.js';
import { HostClient, type HostLink } from './hostClient/HostClient.js';
import { Journal, type JournalOptions } from './journal/Journal.js';
import { readTerminalSecrets } from './readTerminalSecrets.js';
import type { TerminalConfig } from './terminalConfig.js';

/** The devices a terminal runs on: real drivers on the board, fakes in tests and the simulator. */
export interface TerminalDevices {
  reader: CardReader;
  keypad: Keypad;
  printer: Printer;
  beep?: ((tone: BeepTone) => void) | undefined;
}

/**
 * Builds a terminal from its configuration: reads the terminal key and the host's CA, opens
 * the journal, and wires them with the given devices through {@link createTerminal}. Fails with
 * `CONFIG_INVALID` (naming the file, never its content) before anything starts.
 */
export function openTerminal(
  config: TerminalConfig,
  devices: TerminalDevices,
  options: {
    clock: Clock;
    logger: Logger;
    onJournalWrite?: JournalOptions['onWrite'];
    /** Told what every exchange with the host showed of the link (the status bar). */
    onHostLink?: ((link: HostLink) => void) | undefined;
  },
): Terminal {
  const { key, ca } = readTerminalSecrets(config);
  const host = new HostClient({
    baseUrl: config.host.url,
    terminalId: config.terminalId,
    terminalKey: key,
    ca,
    clock: options.clock,
    timeouts: { connectMs: config.host.connectTimeoutMs, replyMs: config.host.replyTimeoutMs },
    retries: config.host.retries,
    retryDelayMs: config.host.retryDelayMs,
    logger: options.logger,
    onLink: options.onHostLink,
  });
  const supervisor = createSupervisorCheck(config.supervisorPasswordHash, { clock: options.clock });
  const journal = Journal.open({
    path: config.journalPath,
    clock: options.clock,
    logger: options.logger,
    ...(options.onJournalWrite ? { onWrite: options.onJournalWrite } : {}),
  });
  return createTerminal({
    host,
    journal,
    ...devices,
    clock: options.clock,
    logger: options.logger,
    supervisor,
    currency: config.currency,
    language: config.language,
    operator: config.operator,
    flow: config.flow,
  });
}
