import type { LoginResult } from '../control/controlProtocol.js';
import type { ConsoleTerminal } from './ConsoleTerminal.js';
import { ConnectionLostError } from './ConnectionLostError.js';
import { ControlClient } from './ControlClient.js';
import { ControlError } from './ControlError.js';
import { completeCommand, parseConsoleCommand } from './parseConsoleCommand.js';
import { runConsoleCommand } from './runConsoleCommand.js';
import { formatLocalTime } from './formatTime.js';

/** What the session loop runs on. */
export interface ConsoleSessionsOptions {
  terminal: ConsoleTerminal;
  socketPath: string;
  /**
   * True on a serial tty (`--tty`): like getty, a session that ends goes back to the banner
   * and a lost terminal service is waited for. False on stdin/stdout: the first session's end
   * ends the console.
   */
  serial: boolean;
  /** Aborted: the console stops (exit 0). */
  stop: AbortSignal;
  /** Between attempts to reach a terminal service that is not running (default 5 s). */
  retryDelayMs?: number | undefined;
  /** How to connect (a test's fake); default {@link ControlClient.connect}. */
  connect?: ((socketPath: string) => Promise<ControlClient>) | undefined;
}

/** How one session ended. */
type SessionEnd =
  /** Signed out (logout, Ctrl-D, idle). */
  | 'ended'
  /** The connection dropped (the message is printed). */
  | 'lost'
  /** The technician's input ended. */
  | 'inputEnded'
  | 'stopped';

const JOURNAL_HINT = 'journalctl -u pos-terminal tells why.';

function errorCodeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ?? error.message;
  }
  return String(error);
}

/** An idle time as the technician reads it: `10 minutes`, `90 s`, `300 ms`. */
function idleTime(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) {
    const minutes = ms / 60_000;
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/**
 * The console's session loop, like getty's: banner, connect (waiting for the terminal
 * service on a serial tty), password (never echoed), then the command prompt until logout,
 * Ctrl-D, idle time or a lost connection. Returns the exit status: 0 when the console ended
 * normally (or was stopped), 1 when the terminal service could not be reached or was lost on
 * stdin, or when the serial port went away.
 */
export async function runConsoleSessions(options: ConsoleSessionsOptions): Promise<number> {
  const { terminal, socketPath, serial, stop } = options;
  const retryDelayMs = options.retryDelayMs ?? 5_000;
  const connect = options.connect ?? ((path: string) => ControlClient.connect(path));
  let client: ControlClient | undefined;
  const onStop = (): void => {
    client?.close();
    terminal.wake();
  };
  stop.addEventListener('abort', onStop);

  /** Connects, on a tty retrying every `retryDelayMs` (Enter retries now). */
  const connectOrWait = async (): Promise<ControlClient | number> => {
    let shown: string | undefined;
    for (;;) {
      if (stop.aborted) return 0;
      try {
        const connected = await connect(socketPath);
        if (shown !== undefined) terminal.println('The terminal service is back.');
        return connected;
      } catch (error) {
        const line = `The terminal service is not running (connect ${socketPath}: ${errorCodeOf(error)}). ${JOURNAL_HINT}`;
        if (!serial) {
          terminal.println(line);
          return 1;
        }
        if (line !== shown) {
          terminal.println(
            line,
            `Trying again every ${Math.round(retryDelayMs / 1000)} s; Enter tries now.`,
          );
          shown = line;
        }
        const waited = await terminal.waitForEnter(retryDelayMs);
        if (waited === 'end') return 1;
      }
    }
  };

  const lost = (connection: ControlClient): SessionEnd => {
    if (stop.aborted) return 'stopped';
    terminal.announce(
      `The connection to the terminal service was lost (${connection.closedBecause ?? 'closed'}). ${JOURNAL_HINT}`,
    );
    return 'lost';
  };

  /** Password until signed in; the login result, or how the session ended. */
  const logIn = async (connection: ControlClient): Promise<LoginResult | SessionEnd> => {
    for (;;) {
      const read = await terminal.readLine({ prompt: 'Password: ', echo: false });
      switch (read.kind) {
        case 'wake':
          return stop.aborted ? 'stopped' : lost(connection);
        case 'end':
          return 'inputEnded';
        case 'eof':
          if (!serial) return 'ended';
          continue;
        case 'interrupt':
        case 'idle':
          continue;
        case 'line':
          break;
      }
      if (read.text === '') continue;
      try {
        return await terminal.busy(() => connection.request({ op: 'login', password: read.text }));
      } catch (error) {
        if (error instanceof ConnectionLostError) return lost(connection);
        if (!(error instanceof ControlError)) throw error;
        if (error.code === 'CONSOLE_PASSWORD_WRONG') {
          const left = error.detail('triesLeft');
          terminal.println(
            typeof left === 'number'
              ? `Wrong password. ${left} ${left === 1 ? 'try' : 'tries'} left before the console locks.`
              : 'Wrong password.',
          );
        } else if (error.code === 'CONSOLE_LOCKED') {
          const until = error.detail('lockedUntil');
          terminal.println(
            until === undefined
              ? 'The console is locked after too many wrong passwords.'
              : `The console is locked after too many wrong passwords, until ${formatLocalTime(until)}.`,
            'Press Enter to try again.',
          );
          const waited = await terminal.waitForEnter();
          if (waited === 'end') return 'inputEnded';
          if (waited === 'wake') return stop.aborted ? 'stopped' : lost(connection);
        } else {
          terminal.println(`error ${error.code}: ${error.message}`);
        }
      }
    }
  };

  const session = async (connection: ControlClient): Promise<SessionEnd> => {
    connection.onBye((reason) => {
      terminal.announce(`The terminal is stopping: ${reason}`);
    });
    connection.onClose(() => {
      terminal.wake();
    });
    const login = await logIn(connection);
    if (typeof login === 'string') return login;
    terminal.println(
      `Signed in to terminal ${login.terminalId} (software ${login.version}). Type help for commands.`,
    );
    const history: string[] = [];
    const idleMs = login.idleLogoutMs;
    const signOut = async (message: string): Promise<SessionEnd> => {
      await connection.request({ op: 'logout' }).catch(() => undefined);
      terminal.println(message);
      return 'ended';
    };
    for (;;) {
      if (connection.closedBecause !== undefined) return lost(connection);
      const read = await terminal.readLine({
        prompt: `${login.terminalId}> `,
        echo: true,
        history,
        complete: completeCommand,
        idleMs,
      });
      let outcome;
      switch (read.kind) {
        case 'interrupt':
          continue;
        case 'wake':
          return stop.aborted ? 'stopped' : lost(connection);
        case 'end':
          await signOut('Signed out.');
          return 'inputEnded';
        case 'idle':
          return signOut(`Signed out after ${idleTime(idleMs)} without input.`);
        case 'eof':
          return signOut('Signed out.');
        case 'line':
          outcome = await runConsoleCommand(parseConsoleCommand(read.text), {
            terminal,
            client: connection,
            idleMs,
          });
      }
      switch (outcome) {
        case 'continue':
          continue;
        case 'logout':
          return signOut('Signed out.');
        case 'idle':
          return signOut(`Signed out after ${idleTime(idleMs)} without input.`);
        case 'end':
          await signOut('Signed out.');
          return 'inputEnded';
        case 'wake':
        case 'lost':
          return stop.aborted ? 'stopped' : lost(connection);
      }
    }
  };

  try {
    for (;;) {
      if (stop.aborted) return 0;
      terminal.println('', 'ComboPay technician console', `Terminal service: ${socketPath}`);
      const connected = await connectOrWait();
      if (typeof connected === 'number') return connected;
      client = connected;
      const end = await session(connected).finally(() => {
        connected.close();
      });
      client = undefined;
      switch (end) {
        case 'stopped':
          return 0;
        case 'inputEnded':
          return serial ? 1 : 0;
        case 'ended':
        case 'lost':
          if (!serial) return end === 'ended' ? 0 : 1;
          continue;
      }
    }
  } finally {
    stop.removeEventListener('abort', onStop);
  }
}
