import path from 'node:path';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { SOFTWARE_VERSION } from '../../core/softwareVersion.js';
import type { Keypad } from '../../../drivers/keypad/Keypad.js';
import type { Modem } from '../../../drivers/modem/Modem.js';
import type { CardReader } from '../../../drivers/nfc/CardReader.js';
import type { Printer } from '../../../drivers/printer/Printer.js';
import type { Terminal } from '../createTerminal.js';
import type { TerminalConfig } from '../terminalConfig.js';
import { ConsoleLogin } from './ConsoleLogin.js';
import { ControlServer } from './ControlServer.js';
import { ControlService } from './ControlService.js';
import type { LogRing } from './LogRing.js';

/** What the technician console works on: the running terminal and the devices it runs on. */
export interface ConsoleSocketOptions {
  terminal: Terminal;
  devices: {
    reader: CardReader;
    keypad: Keypad;
    printer: Printer;
    /** Absent on a terminal without a modem (`modem at` says so). */
    modem?: Modem | undefined;
  };
  /** The clock the terminal runs on. */
  clock: Clock;
  config: TerminalConfig;
  /** The file `config` was loaded from: `config show` and `config set` work on it. */
  configFile: string;
  env: Readonly<Record<string, string | undefined>>;
  logs: LogRing;
  logger: Logger;
  requestRestart: () => void;
}

/**
 * Opens the technician console's control socket on the running board. A socket that cannot be
 * opened is logged and left: the terminal keeps taking payments without its console.
 */
export async function openConsoleSocket(
  options: ConsoleSocketOptions,
): Promise<ControlServer | undefined> {
  const { terminal, devices, clock, config, logger } = options;
  const server = new ControlServer({
    socketPath: config.console.socketPath,
    idleLogoutMs: config.console.idleLogoutMs,
    logger,
    login: new ConsoleLogin({
      passwordHash: config.console.passwordHash,
      maxTries: config.console.maxTries,
      lockoutMs: config.console.lockoutMs,
      // Beside the journal: the terminal's own state directory.
      stateFile: path.join(path.dirname(path.resolve(config.journalPath)), 'console-login.json'),
      clock,
      logger,
    }),
    service: new ControlService({
      terminal,
      reader: devices.reader,
      keypad: devices.keypad,
      printer: devices.printer,
      modem: devices.modem,
      logs: options.logs,
      terminalId: config.terminalId,
      hostUrl: config.host.url,
      currency: config.currency,
      language: config.language,
      version: SOFTWARE_VERSION,
      configFile: options.configFile,
      env: options.env,
      clock,
      logger,
      requestRestart: options.requestRestart,
    }),
  });
  try {
    await server.listen();
    return server;
  } catch (error) {
    logger.error(
      { err: error, socket: config.console.socketPath },
      'the technician console socket could not be opened; the terminal runs without it',
    );
    return undefined;
  }
}
