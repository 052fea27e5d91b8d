import { parseArgs } from 'node:util';
import { DEFAULT_CONTROL_SOCKET } from '../control/controlProtocol.js';
import type { ConsolePort } from './ConsolePort.js';
import { ConsoleTerminal } from './ConsoleTerminal.js';
import type { ControlClient } from './ControlClient.js';
import { createStdioPort, type ConsoleStdin, type ConsoleStdout } from './createStdioPort.js';
import { runConsoleSessions } from './runConsoleSessions.js';

/** Where the console reads and writes: the process's, or a test's. */
export interface PosConsoleIo {
  /** The technician's keyboard when there is no `--tty`. */
  stdin: ConsoleStdin;
  /** The technician's screen when there is no `--tty`; also `--help`. */
  stdout: ConsoleStdout;
  /** Bad arguments and failures to open the tty. */
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGTERM, SIGINT or SIGHUP: the console ends and returns 0. */
  stop: AbortSignal;
  /** Opens the `--tty` device (a test's fake); default serialport at `baudRate` 8N1. */
  openTty?: ((path: string, baudRate: number) => Promise<ConsolePort>) | undefined;
  /** How to connect to the socket (a test's fake); default a unix socket connection. */
  connect?: ((socketPath: string) => Promise<ControlClient>) | undefined;
  /** Between attempts to reach a stopped terminal service; default 5 s. */
  retryDelayMs?: number | undefined;
}

/** Exit statuses: 0 ended, 1 the terminal service or the tty failed, 2 bad command line. */
export const CONSOLE_EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2 });

/** The environment variable that names the socket when `--socket` does not. */
export const SOCKET_ENV = 'POS_TERMINAL_CONSOLE_SOCKET';

function usage(): string {
  return [
    'usage: pos-console [--tty PATH] [--baud N] [--socket PATH] [--help]',
    '',
    "The technician's console of a ComboPay terminal: signs in to the running pos-terminal",
    'over its control socket and gives a command prompt (status, device tests, config,',
    'journal, logs, sign-in, settle, restart). Type help once signed in.',
    '',
    '  --tty PATH     serve the console on this serial tty (like getty: after each session',
    '                 it asks for the password again); default this stdin and stdout',
    '  --baud N       the tty speed (default 115200; 8 data bits, no parity, 1 stop bit)',
    `  --socket PATH  the terminal's control socket (default $${SOCKET_ENV},`,
    `                 else ${DEFAULT_CONTROL_SOCKET})`,
    '  --help         this text',
    '',
    'Exit status: 0 signed out, 1 the terminal service or the tty failed, 2 bad command line.',
    '',
  ].join('\n');
}

/** The command line, understood. */
export type ConsoleArgs =
  | { kind: 'help' }
  | { kind: 'run'; tty?: string | undefined; baudRate: number; socketPath: string }
  | { kind: 'usage'; message: string };

/** Parses `pos-console`'s arguments; the socket's default comes from `env`. */
export function parseConsoleArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ConsoleArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        tty: { type: 'string' },
        baud: { type: 'string' },
        socket: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'usage', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { kind: 'help' };
  let baudRate = 115_200;
  if (values.baud !== undefined) {
    if (!/^\d+$/.test(values.baud) || Number(values.baud) < 50 || Number(values.baud) > 4_000_000) {
      return { kind: 'usage', message: `--baud must be a speed like 115200, not "${values.baud}"` };
    }
    baudRate = Number(values.baud);
  }
  if (values.tty === '') return { kind: 'usage', message: '--tty needs a device path' };
  if (values.socket === '') return { kind: 'usage', message: '--socket needs a path' };
  const envSocket = env[SOCKET_ENV];
  const socketPath =
    values.socket ??
    (envSocket !== undefined && envSocket !== '' ? envSocket : DEFAULT_CONTROL_SOCKET);
  return { kind: 'run', tty: values.tty, baudRate, socketPath };
}

async function defaultOpenTty(path: string, baudRate: number): Promise<ConsolePort> {
  // Loaded here: --help and the stdin console do not need serialport's native binding.
  const { openSerialPort } = await import('./openSerialPort.js');
  return openSerialPort(path, baudRate);
}

/**
 * `pos-console`: the technician's console (see usage). Returns the exit status.
 */
export async function runPosConsole(argv: readonly string[], io: PosConsoleIo): Promise<number> {
  const args = parseConsoleArgs(argv, io.env);
  switch (args.kind) {
    case 'help':
      io.stdout.write(usage());
      return CONSOLE_EXIT.ok;
    case 'usage':
      io.stderr(`pos-console: ${args.message}\n${usage()}`);
      return CONSOLE_EXIT.usage;
    case 'run':
      break;
  }
  let port: ConsolePort;
  if (args.tty === undefined) {
    port = createStdioPort(io.stdin, io.stdout);
  } else {
    try {
      port = await (io.openTty ?? defaultOpenTty)(args.tty, args.baudRate);
    } catch (error) {
      io.stderr(
        `pos-console: cannot open ${args.tty}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return CONSOLE_EXIT.failed;
    }
  }
  const terminal = new ConsoleTerminal(port);
  try {
    const code = await runConsoleSessions({
      terminal,
      socketPath: args.socketPath,
      serial: args.tty !== undefined,
      stop: io.stop,
      retryDelayMs: io.retryDelayMs,
      connect: io.connect,
    });
    if (code !== CONSOLE_EXIT.ok && terminal.endReason !== undefined && args.tty !== undefined) {
      io.stderr(`pos-console: ${terminal.endReason}\n`);
    }
    return code;
  } finally {
    await port.close();
  }
}
