import { systemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { chooseDisplayLanguage, type ConsoleFacts } from '../../../ui/consoleLanguage.js';
import type { Language } from '../../../ui/Language.js';
import { readConsoleFacts } from '../../../ui/readConsoleFacts.js';
import { runBoardDisplay, type BoardDisplay } from '../../../ui/runBoardDisplay.js';
import { StatusMonitor } from '../../../ui/StatusMonitor.js';
import type { Terminal } from '../createTerminal.js';
import { openTerminal } from '../openTerminal.js';
import type { TerminalConfig } from '../terminalConfig.js';
import { openDevices, type BoardDevices } from './openDevices.js';

export interface StartBoardOptions {
  config: TerminalConfig;
  logger: Logger;
  /** Default the system clock. */
  clock?: Clock | undefined;
  /** Decide whether the console can draw Chinese; default read from the environment and /proc. */
  consoleFacts?: ConsoleFacts | undefined;
  /** The tty the display draws on; default this process's stdin and stdout. */
  input?: NodeJS.ReadableStream | undefined;
  output?: NodeJS.WritableStream | undefined;
  /** The devices to run on; default made from `config.devices` by `openDevices`. */
  devices?: BoardDevices | undefined;
}

/** A running board: terminal, status bar and display. */
export interface Board {
  readonly terminal: Terminal;
  readonly devices: BoardDevices;
  readonly status: StatusMonitor;
  /** The clock the terminal and its devices run on. */
  readonly clock: Clock;
  /** The display's language: the configured one, or English where the console cannot draw it. */
  readonly language: Language;
  /** Closes the display, the status monitor, the terminal and its devices, the modem. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the terminal on the board: makes the devices from the config, opens the terminal
 * (key, CA, journal, host client), starts it (devices open, sign-in begins), starts the status
 * monitor and the modem, and draws the display on the console.
 *
 * The display's language falls back to English on a console that cannot draw Chinese (logged
 * as a warning); slips keep the configured language, since the printer draws Chinese itself.
 *
 * A modem that fails to open is logged and left to its driver, which keeps retrying: the data
 * link belongs to the OS, so the terminal works without it. Anything else that fails to start
 * rejects, after what was opened has been closed again.
 */
export async function startBoard(options: StartBoardOptions): Promise<Board> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const devices = options.devices ?? openDevices(config.devices, { logger, clock });
  const choice = chooseDisplayLanguage(config.language, options.consoleFacts ?? readConsoleFacts());
  if (choice.fallbackReason !== undefined) {
    logger.warn({ language: choice.language }, choice.fallbackReason);
  }
  // The terminal is made before the display exists, so its buzzer is forwarded once it does.
  let display: BoardDisplay | undefined;
  const status = new StatusMonitor({
    terminalId: config.terminalId,
    clock,
    printer: devices.printer,
    modem: devices.modem,
    // Only called once started, after `terminal` below is made.
    pingHost: () => terminal.hostHealth(),
  });
  const terminal = openTerminal(
    config,
    { ...devices, beep: () => display?.beep() },
    {
      clock,
      logger,
      onHostLink: (link) => {
        status.hostLink(link);
      },
    },
  );
  const { modem } = devices;
  try {
    await terminal.start();
    // The monitor hears only changes: it must listen before the modem opens (and reports), and
    // it polls the printer, which must be open by then.
    status.start();
    // Not awaited: its start-up may take several command timeouts, and nothing waits for it.
    // Closing it meanwhile is safe (close waits for the step under way).
    modem?.open().catch((error: unknown) => {
      logger.warn({ err: error }, 'the modem did not start; its driver keeps trying');
    });
    display = runBoardDisplay({
      screens: terminal,
      status,
      language: choice.language,
      clock,
      timeZone: config.devices.display.timeZone,
      input: options.input,
      output: options.output,
    });
  } catch (error) {
    status.stop();
    await terminal.stop();
    await modem?.close();
    throw error;
  }
  logger.info(
    {
      terminalId: config.terminalId,
      language: choice.language,
      simulator: config.devices.simulator,
    },
    'terminal started',
  );

  let stopping: Promise<void> | undefined;
  return {
    terminal,
    devices,
    status,
    clock,
    language: choice.language,
    stop() {
      stopping ??= (async () => {
        display.close();
        status.stop();
        await terminal.stop();
        await modem?.close();
        logger.info('terminal stopped');
      })();
      return stopping;
    },
  };
}
