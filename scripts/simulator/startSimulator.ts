import { mkdirSync, rmSync } from 'node:fs';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import type { CardReader } from '../../drivers/nfc/CardReader.js';
import { FakeKeypad } from '../../drivers/keypad/FakeKeypad.js';
import { FakePrinter } from '../../drivers/printer/FakePrinter.js';
import type { ControlServer } from '../../src/terminal/control/ControlServer.js';
import { LogRing } from '../../src/terminal/control/LogRing.js';
import { openConsoleSocket } from '../../src/terminal/control/openConsoleSocket.js';
import type { BeepTone, Terminal } from '../../src/terminal/createTerminal.js';
import type { HostLink } from '../../src/terminal/hostClient/HostClient.js';
import { openTerminal } from '../../src/terminal/openTerminal.js';
import type { TerminalConfig } from '../../src/terminal/terminalConfig.js';
import { prepareTerminalConfig, unusableConfig } from './buildTerminalConfig.js';
import { DataDirLock } from './DataDirLock.js';
import { openFileLogger, openLogFile } from './openFileLogger.js';
import { openSimReader } from './openSimReader.js';
import { PhoneInbox } from './PhoneInbox.js';
import { prepareSimulatorState, type Enrollment } from './prepareSimulatorState.js';
import { resolveReaderMode, type ReaderProbes } from './resolveReaderMode.js';
import type { SimPhone } from './SimPhone.js';
import { SimulatorHost } from './SimulatorHost.js';
import { DEFAULT_SIMULATOR_OPTIONS, type SimulatorOptions } from './simulatorOptions.js';
import { resettableEntries, simulatorPaths, type SimulatorPaths } from './simulatorPaths.js';
import type { SimulatorState } from './SimulatorState.js';
import { SlipShelf } from './SlipShelf.js';

/** A running simulator: everything the screen shows and the keys drive, but no drawing. */
export interface Simulator {
  readonly options: SimulatorOptions;
  readonly paths: SimulatorPaths;
  /** The embedded payment host (`host.url`, `host.context` for the admin functions). */
  readonly host: SimulatorHost;
  /**
   * The terminal's configuration as validated by the board's schema: `configFile` with the
   * simulator's own host URL and `--lang` over it (see `simulatorConfigEnv`).
   */
  readonly config: TerminalConfig;
  /** `<dataDir>/terminal-config.json`: what the technician console's `config` commands change. */
  readonly configFile: string;
  /** Whether this start wrote `configFile` (it was absent), rather than reading it. */
  readonly configWritten: boolean;
  /**
   * The technician console's control socket server (on `config.console.socketPath`); undefined
   * when the socket could not be opened (logged; the terminal runs without it).
   */
  readonly console: ControlServer | undefined;
  /** The terminal's last log lines (the console's `logs tail`); each also goes to its log file. */
  readonly logs: LogRing;
  /** The enrolled terminal, merchant and current customer (with the phone's card token). */
  readonly state: SimulatorState;
  /** Whether this start enrolled the customer, and how. */
  readonly enrollment: Enrollment;
  /** The terminal's card reader; `readerKind` says which. */
  readonly reader: CardReader;
  readonly readerKind: 'fake' | 'pcsc';
  /** The customer's phone on that reader: tap, pull, toggle. */
  readonly phone: SimPhone;
  /** The cashier's keys: `keypad.press('1')`, `keypad.type('1250{OK}')`. */
  readonly keypad: FakeKeypad;
  readonly printer: FakePrinter;
  /** The terminal: `terminal.screen()`, `terminal.onScreen(…)`. */
  readonly terminal: Terminal;
  /** The customer's texts: the enrollment PIN, each code, lock notices. */
  readonly inbox: PhoneInbox;
  /** The printed slips as text. */
  readonly slips: SlipShelf;
  /** Called with each buzzer tone the terminal asks for. Returns an unsubscribe. */
  onBeep(listener: (tone: BeepTone) => void): () => void;
  /** What the terminal's last exchange with the host showed; undefined before the first. */
  readonly hostLink: HostLink | undefined;
  /** Called after every exchange of the terminal with the host (the status bar). */
  onHostLink(listener: (link: HostLink) => void): () => void;
  /**
   * Called when a technician asks for a restart at the console (after its reply went out).
   * There is no systemd to start the simulator again: its UI stops it and says so.
   */
  onRestartAsked(listener: () => void): () => void;
  /**
   * Stops the terminal (devices, journal), then the phone and inbox, then the host (requests in
   * flight finish, the database closes and keeps its data), and gives the data directory back.
   * Idempotent: later calls return the same promise.
   */
  stop(): Promise<void>;
}

/** Things tests change; the simulator's users do not. */
export interface SimulatorTuning {
  /** How the reader is looked for with `--reader auto` or `pcsc`. */
  readonly readerProbes?: ReaderProbes;
  /** The inbox's polling interval in ms (default 500). */
  readonly inboxIntervalMs?: number;
}

/** How many terminal log lines the technician console's `logs tail` can look back. */
const LOG_LINES_KEPT = 1000;

/**
 * Starts the whole simulator from its options, printing nothing (logs go to
 * `<dataDir>/logs/host.log` and `terminal.log`; the screen belongs to the UI):
 *
 * 1. takes the data directory (a second simulator on it is refused), and with `reset` deletes
 *    what an earlier run left there;
 * 2. picks the reader (`--reader`);
 * 3. starts the embedded host on `<dataDir>/host` (see {@link SimulatorHost});
 * 4. enrolls the demo data on the first run, else loads and checks it; `freshAccount` enrolls a
 *    new customer (see `prepareSimulatorState`);
 * 5. starts the phone: its inbox (the texts to the customer's number) and its card on the
 *    reader; and the slip shelf;
 * 6. reads the terminal's config file, writing it first when absent (see
 *    `prepareTerminalConfig`), and starts the terminal with `openTerminal` on that reader, a
 *    fake keypad and a fake printer, on the system clock; it signs in and recovers its journal
 *    by itself;
 * 7. opens the technician console's control socket on that terminal and its devices (no modem),
 *    as `pos-terminal` does on a board.
 *
 * Resolves once the terminal has started (it is then signing in: wait for its `idle` screen
 * before keying). A failure undoes what was started and rejects; a `SimulatorError` carries a
 * message for the person and the exit code.
 */
export async function startSimulator(
  requested: Partial<SimulatorOptions> = {},
  tuning: SimulatorTuning = {},
): Promise<Simulator> {
  const options: SimulatorOptions = { ...DEFAULT_SIMULATOR_OPTIONS, ...requested };
  const startedAt = Date.now();
  const paths = simulatorPaths(options.dataDir);
  // What was started, undone in reverse by stop() or when a later step fails.
  const undo: (() => Promise<void> | void)[] = [];
  const unwind = async (): Promise<unknown[]> => {
    const failures: unknown[] = [];
    for (const step of undo.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        // Keep going: the host must close its database even if the terminal failed to stop.
        failures.push(error);
      }
    }
    return failures;
  };
  try {
    mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
    const lock = DataDirLock.acquire(paths.lockFile);
    undo.push(() => {
      lock.release();
    });
    if (options.reset) {
      for (const entry of resettableEntries(paths)) rmSync(entry, { recursive: true, force: true });
    }
    const readerKind = await resolveReaderMode(options.reader, tuning.readerProbes);

    const hostLog = openFileLogger(paths.hostLog, 'host');
    undo.push(() => {
      hostLog.close();
    });
    const host = await SimulatorHost.start({
      dataDir: paths.hostDir,
      language: options.lang,
      logger: hostLog.logger,
    });
    undo.push(() => host.close());

    const { state, enrollment } = await prepareSimulatorState(host.context, paths, {
      freshAccount: options.freshAccount,
    });
    const { config, env, written } = await prepareTerminalConfig({
      state,
      paths,
      hostUrl: host.url,
      language: options.lang,
    });

    const terminalLog = openLogFile(paths.terminalLog);
    undo.push(() => {
      terminalLog.close();
    });
    const logs = new LogRing({ capacity: LOG_LINES_KEPT, forward: terminalLog });
    const logger = createLogger({ name: 'terminal', level: config.logLevel, destination: logs });
    const inbox = PhoneInbox.forHost(host.context, state.customer.msisdn, {
      since: startedAt,
      ...(tuning.inboxIntervalMs === undefined ? {} : { intervalMs: tuning.inboxIntervalMs }),
      onError: (error) => {
        logger.warn({ err: error }, 'the phone could not read the outbox');
      },
    });
    undo.push(() => inbox.close());

    const simReader = openSimReader(
      readerKind,
      { uid: state.customer.cardUid, token: state.customer.cardToken },
      { logger: logger.child({ component: 'nfc' }) },
    );
    undo.push(() => {
      simReader.phone.close();
    });
    const keypad = new FakeKeypad();
    const printer = new FakePrinter();
    const slips = new SlipShelf(printer);
    undo.push(() => {
      slips.close();
    });
    const beepListeners = new Set<(tone: BeepTone) => void>();
    const linkListeners = new Set<(link: HostLink) => void>();
    const restartListeners = new Set<() => void>();
    // What the consoles are told when the simulator stops.
    let stopReason = 'the simulator is stopping';
    let hostLink: HostLink | undefined;
    let terminal: Terminal;
    try {
      terminal = openTerminal(
        config,
        {
          reader: simReader.reader,
          keypad,
          printer,
          beep: (tone) => {
            for (const listener of [...beepListeners]) listener(tone);
          },
        },
        {
          clock: systemClock,
          logger,
          onHostLink: (link) => {
            hostLink = link;
            for (const listener of [...linkListeners]) listener(link);
          },
        },
      );
    } catch (error) {
      // A key file the config names that cannot be read: the file is the one to fix.
      throw unusableConfig(paths.terminalConfigFile, error) ?? error;
    }
    undo.push(() => terminal.stop());
    await terminal.start();
    const controlServer = await openConsoleSocket({
      terminal,
      devices: { reader: simReader.reader, keypad, printer, modem: undefined },
      clock: systemClock,
      config,
      configFile: paths.terminalConfigFile,
      env,
      logs,
      logger,
      // After the console's reply has gone out.
      requestRestart: () => {
        stopReason = 'restart asked at the console: run npm start again';
        setImmediate(() => {
          for (const listener of [...restartListeners]) listener();
        });
      },
    });
    // Closed before the terminal stops: its consoles are told why.
    undo.push(() => controlServer?.close(stopReason));
    logger.info(
      {
        terminalId: state.terminalId,
        host: host.url,
        reader: readerKind,
        enrollment,
        configFile: paths.terminalConfigFile,
        configWritten: written,
      },
      'simulator started',
    );

    let stopping: Promise<void> | undefined;
    return {
      options,
      paths,
      host,
      config,
      configFile: paths.terminalConfigFile,
      configWritten: written,
      console: controlServer,
      logs,
      state,
      enrollment,
      reader: simReader.reader,
      readerKind,
      phone: simReader.phone,
      keypad,
      printer,
      terminal,
      inbox,
      slips,
      onBeep(listener) {
        beepListeners.add(listener);
        return () => beepListeners.delete(listener);
      },
      get hostLink() {
        return hostLink;
      },
      onHostLink(listener) {
        linkListeners.add(listener);
        return () => linkListeners.delete(listener);
      },
      onRestartAsked(listener) {
        restartListeners.add(listener);
        return () => restartListeners.delete(listener);
      },
      stop() {
        stopping ??= unwind().then((failures) => {
          if (failures.length > 0) throw failures[0];
        });
        return stopping;
      },
    };
  } catch (error) {
    // The failure to start is the one to report, not any of undoing it.
    await unwind();
    throw error;
  }
}
