import { join, resolve } from 'node:path';

/** Where the simulator keeps each of its files, all under one data directory. */
export interface SimulatorPaths {
  /** The data directory, absolute. */
  readonly dataDir: string;
  /**
   * The host's data directory (its PGlite database in `db/`, master key in `keys/`, admin
   * socket): laid out as `pos-host` lays out `POS_HOST_DATA_DIR`, so
   * `POS_HOST_DATA_DIR=<this> npx pos-host …` works on it, through the admin socket while the
   * simulator runs.
   */
  readonly hostDir: string;
  readonly terminalDir: string;
  /** The terminal key as `pos-host terminals add` prints it (mode 0600). */
  readonly terminalKeyFile: string;
  readonly journalPath: string;
  /** See `SimulatorState`. */
  readonly stateFile: string;
  readonly logDir: string;
  readonly hostLog: string;
  readonly terminalLog: string;
  /** Holds the pid of the simulator using this directory. */
  readonly lockFile: string;
  /**
   * The terminal's config file, as a board's `/etc/pos-terminal/config.json`: written on the
   * first start, then read at every start, so a `config set` at the technician console takes
   * effect at the next one.
   */
  readonly terminalConfigFile: string;
  /** The technician console's control socket (`npm run pos-console -- --socket <this>`). */
  readonly controlSocket: string;
}

/** The layout of a simulator data directory (`dataDir` is resolved against the cwd). */
export function simulatorPaths(dataDir: string): SimulatorPaths {
  const root = resolve(dataDir);
  const terminalDir = join(root, 'terminal');
  const logDir = join(root, 'logs');
  return {
    dataDir: root,
    hostDir: join(root, 'host'),
    terminalDir,
    terminalKeyFile: join(terminalDir, 'terminal.key'),
    journalPath: join(terminalDir, 'journal.db'),
    stateFile: join(root, 'simulator.json'),
    logDir,
    hostLog: join(logDir, 'host.log'),
    terminalLog: join(logDir, 'terminal.log'),
    lockFile: join(root, 'simulator.lock'),
    terminalConfigFile: join(root, 'terminal-config.json'),
    controlSocket: join(root, 'control.sock'),
  };
}

/**
 * The entries of the data directory that `--reset` deletes: only what the simulator made, so a
 * mistaken `--data-dir` (a home directory) loses nothing else. The lock file stays: it is held
 * by the simulator doing the reset.
 */
export function resettableEntries(paths: SimulatorPaths): string[] {
  return [
    paths.hostDir,
    paths.terminalDir,
    paths.stateFile,
    paths.logDir,
    paths.terminalConfigFile,
  ];
}
