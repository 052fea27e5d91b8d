import { parseArgs } from 'node:util';
import { pino, type DestinationStream } from 'pino';
import { createLogger, type Logger, type LogLevel } from '../../core/logger.js';
import { SystemdNotifier } from '../../core/systemdNotify.js';
import { RESTART_EXIT_CODE } from '../control/controlProtocol.js';
import type { ControlServer } from '../control/ControlServer.js';
import { LogRing } from '../control/LogRing.js';
import { openConsoleSocket } from '../control/openConsoleSocket.js';
import { stateName, type FlowSnapshot } from '../createTerminal.js';
import { readTerminalSecrets } from '../readTerminalSecrets.js';
import {
  loadTerminalConfig,
  TERMINAL_ENV_BINDINGS,
  type TerminalConfig,
} from '../terminalConfig.js';
import { configProblems } from './configProblems.js';
import type { Board, StartBoardOptions } from './startBoard.js';

/** Where the command writes and what it reads: the process's, or a test's. */
export interface PosTerminalIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGTERM or SIGINT: the terminal stops and the command returns 0. */
  stop: AbortSignal;
  /** Where log lines go; default stderr (see createStderrLogger). */
  logDestination?: DestinationStream | undefined;
  /**
   * Tests: the devices and the display's tty to run on, instead of the config's devices and
   * this process's stdin and stdout.
   */
  board?: Pick<StartBoardOptions, 'devices' | 'input' | 'output' | 'consoleFacts'> | undefined;
}

/**
 * Exit statuses. 78 is sysexits' EX_CONFIG: a unit can stop restarting on it
 * (`RestartPreventExitStatus=78`), since a bad config does not mend itself.
 */
export const EXIT = Object.freeze({
  ok: 0,
  failed: 1,
  usage: 2,
  /** Restarted from the technician console: systemd starts it again (Restart=on-failure). */
  restart: RESTART_EXIT_CODE,
  config: 78,
});

/** How many log lines the technician console's `logs tail` can look back. */
const LOG_LINES_KEPT = 1000;

export const DEFAULT_CONFIG_FILE = '/etc/pos-terminal/config.json';

function usage(): string {
  return [
    'usage: pos-terminal [--config FILE] [--check] [--help]',
    '',
    'Runs the payment terminal on the board: the devices named in the config, the display on',
    'this console (stdout), until SIGTERM or SIGINT.',
    '',
    `  --config FILE  the terminal config (default ${DEFAULT_CONFIG_FILE})`,
    '  --check        validate the config and read its key and CA files, open no device;',
    '                 prints "config OK" (exit 0) or the problems (exit 1)',
    '  --help         this text',
    '',
    'Environment overrides of the config:',
    `  ${Object.keys(TERMINAL_ENV_BINDINGS).join(' ')}`,
    'POS_TERMINAL_CJK_CONSOLE=1|0 says whether the console draws Chinese.',
    '',
    'Logs are JSON lines on stderr (the journal under systemd). When running it by hand on a',
    'terminal, send them elsewhere, or they overwrite the display: pos-terminal 2>>terminal.log',
    '',
    `Exit status: 0 stopped or config OK, 1 failure, 2 bad command line, ${RESTART_EXIT_CODE} restart asked`,
    'at the technician console (systemd starts it again), 78 bad config.',
    '',
  ].join('\n');
}

type Command =
  | { kind: 'help' }
  | { kind: 'check' | 'run'; configFile: string }
  | { kind: 'usage'; message: string };

function parseCommand(argv: readonly string[]): Command {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help === true) return { kind: 'help' };
    return {
      kind: values.check === true ? 'check' : 'run',
      configFile: values.config ?? DEFAULT_CONFIG_FILE,
    };
  } catch (error) {
    return { kind: 'usage', message: error instanceof Error ? error.message : String(error) };
  }
}

/** Prints the problems of a config error; false when `error` is not one. */
function reportConfigError(io: PosTerminalIo, configFile: string, error: unknown): boolean {
  const problems = configProblems(error);
  if (!problems) return false;
  io.stderr(`pos-terminal: the terminal config ${configFile} is not usable:\n`);
  for (const problem of problems) io.stderr(`  ${problem}\n`);
  return true;
}

function check(io: PosTerminalIo, configFile: string): number {
  try {
    readTerminalSecrets(loadTerminalConfig({ file: configFile, env: io.env }));
  } catch (error) {
    if (!reportConfigError(io, configFile, error)) throw error;
    return EXIT.failed;
  }
  io.stdout('config OK\n');
  return EXIT.ok;
}

/**
 * The logger: JSON lines to stderr (see createStderrLogger) or the test's destination, through
 * `logs`, which keeps the last ones for the console's `logs tail`.
 */
function loggerFor(io: PosTerminalIo, level: LogLevel): { logger: Logger; logs: LogRing } {
  const forward = io.logDestination ?? pino.destination({ dest: 2, sync: true });
  const logs = new LogRing({ capacity: LOG_LINES_KEPT, forward });
  return { logger: createLogger({ name: 'terminal', level, destination: logs }), logs };
}

/** STATUS text for `systemctl status` while the flow has not reached idle yet. */
function startingStatus(snapshot: FlowSnapshot): string | undefined {
  switch (stateName(snapshot)) {
    case 'signingIn':
      return 'signing in to the host';
    case 'signInWait':
      return 'sign-in failed; retrying (is the host reachable?)';
    default:
      return undefined;
  }
}

/**
 * Tells systemd (a `Type=notify` unit) when the board is ready: once the flow first reaches
 * idle, which it does only after the devices opened (startBoard) and sign-in succeeded (and the
 * journal was recovered). Until then, sign-in trouble shows as STATUS. Returns an unsubscribe.
 */
function notifyWhenIdle(board: Board, notifier: SystemdNotifier): () => void {
  let ready = false;
  let lastStatus: string | undefined;
  const check = (snapshot: FlowSnapshot): void => {
    if (ready) return;
    if (stateName(snapshot) === 'idle') {
      ready = true;
      notifier.ready(`ready: terminal ${board.status.current().terminalId}, idle`);
      return;
    }
    const status = startingStatus(snapshot);
    if (status !== undefined && status !== lastStatus) {
      lastStatus = status;
      notifier.status(status);
    }
  };
  check(board.terminal.actor.getSnapshot());
  return board.terminal.onScreen((_screen, snapshot) => {
    check(snapshot);
  });
}

async function run(io: PosTerminalIo, configFile: string): Promise<number> {
  let config: TerminalConfig;
  try {
    config = loadTerminalConfig({ file: configFile, env: io.env });
  } catch (error) {
    if (!reportConfigError(io, configFile, error)) throw error;
    return EXIT.config;
  }
  const { logger, logs } = loggerFor(io, config.logLevel);
  // systemd's notify protocol (a no-op without NOTIFY_SOCKET). The watchdog pings come from a
  // timer on this event loop from the start (systemd arms the watchdog when the process starts,
  // not at READY): a loop that hangs stops them, and systemd kills and restarts the service.
  const notifier = new SystemdNotifier({ env: io.env, logger });
  const pingEveryMs = notifier.watchdogIntervalMs();
  const watchdog =
    pingEveryMs === undefined
      ? undefined
      : setInterval(() => {
          notifier.watchdog();
        }, pingEveryMs);
  notifier.status('starting: opening the devices');
  // Opened once the board runs; closed first on shutdown (its consoles are told why).
  const consoleSocket: { server?: ControlServer | undefined } = {};
  const shutDown = async (board: Board | undefined, status: string): Promise<void> => {
    notifier.stopping(status);
    await consoleSocket.server?.close(status);
    await board?.stop();
    clearInterval(watchdog);
    await notifier.close();
  };
  let board: Board;
  try {
    // Loaded here, not at the top: it pulls in the drivers' native bindings (PC/SC, epoll,
    // serialport), which --check and --help do not need.
    const { startBoard } = await import('./startBoard.js');
    board = await startBoard({ config, logger, ...io.board });
  } catch (error) {
    await shutDown(undefined, 'the terminal could not start');
    if (reportConfigError(io, configFile, error)) {
      logger.fatal({ err: error }, 'the terminal config is not usable');
      return EXIT.config;
    }
    logger.fatal({ err: error }, 'the terminal could not start');
    return EXIT.failed;
  }
  const unsubscribe = notifyWhenIdle(board, notifier);
  const restart = new AbortController();
  consoleSocket.server = await openConsoleSocket({
    terminal: board.terminal,
    devices: board.devices,
    clock: board.clock,
    config,
    configFile,
    env: io.env,
    logs,
    logger,
    // After the console's reply has gone out.
    requestRestart: () => setImmediate(() => restart.abort()),
  });
  const stop = AbortSignal.any([io.stop, restart.signal]);
  if (!stop.aborted) {
    await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  }
  unsubscribe();
  const restarting = restart.signal.aborted && !io.stop.aborted;
  await shutDown(board, restarting ? 'restarting (asked at the technician console)' : 'stopping');
  return restarting ? EXIT.restart : EXIT.ok;
}

/**
 * `pos-terminal`: starts the terminal on the board from its config file (see usage), or with
 * `--check` only validates that config. Returns the exit status.
 */
export async function runPosTerminal(argv: readonly string[], io: PosTerminalIo): Promise<number> {
  const command = parseCommand(argv);
  switch (command.kind) {
    case 'help':
      io.stdout(usage());
      return EXIT.ok;
    case 'usage':
      io.stderr(`pos-terminal: ${command.message}\n${usage()}`);
      return EXIT.usage;
    case 'check':
      return check(io, command.configFile);
    case 'run':
      return run(io, command.configFile);
  }
}
