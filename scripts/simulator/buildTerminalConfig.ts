import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../../src/core/writeFileAtomic.js';
import { configProblems } from '../../src/terminal/board/configProblems.js';
import {
  loadTerminalConfig,
  terminalConfigSchema,
  type TerminalConfig,
} from '../../src/terminal/terminalConfig.js';
import { SimulatorError } from './SimulatorError.js';
import type { SimulatorLanguage } from './simulatorOptions.js';
import type { SimulatorPaths } from './simulatorPaths.js';
import type { PreparedState } from './prepareSimulatorState.js';

/** The longest control socket path the terminal config accepts (a unix socket's limit). */
const MAX_SOCKET_PATH = 100;

/**
 * Where the simulator's terminal listens for the technician console: `<dataDir>/control.sock`,
 * or, when that path is too long for a unix socket, one in the system's temporary directory
 * named after the data directory.
 */
export function controlSocketPath(paths: SimulatorPaths): string {
  if (paths.controlSocket.length <= MAX_SOCKET_PATH) return paths.controlSocket;
  const tag = createHash('sha256').update(paths.dataDir).digest('hex').slice(0, 12);
  return join(tmpdir(), `combopay-sim-${tag}.sock`);
}

/**
 * The simulated terminal's config file as first written: the enrolled terminal id and its key
 * file, the embedded host's loopback URL (plain HTTP, no CA), the journal in the data
 * directory, the language asked for, the demo supervisor password's hash, and the technician
 * console (its socket in the data directory, the demo technician password's hash); logs at
 * `debug`. Everything else is the board's default. `devices` is left at its default and not
 * used: the simulator hands `openTerminal` its own devices. Checked with the board's own schema
 * (`terminalConfigSchema`), so the simulator cannot write a config the board would refuse.
 */
export function buildTerminalConfig(input: {
  state: PreparedState;
  paths: SimulatorPaths;
  hostUrl: string;
  language: SimulatorLanguage;
}): Record<string, unknown> {
  const content = {
    terminalId: input.state.terminalId,
    terminalKeyFile: input.paths.terminalKeyFile,
    host: { url: input.hostUrl },
    journalPath: input.paths.journalPath,
    language: input.language,
    supervisorPasswordHash: input.state.supervisorPasswordHash,
    console: {
      socketPath: controlSocketPath(input.paths),
      passwordHash: input.state.technicianPasswordHash,
    },
    logLevel: 'debug',
  };
  terminalConfigSchema.parse(content);
  return content;
}

/**
 * What the simulator itself decides at every start, whatever the file says, as the
 * `POS_TERMINAL_*` variables a board's environment would set: the embedded host's URL (its
 * port is new at each start) and the language of `--lang`. `config show` names them as the
 * source of those fields; `config set` on them says the variable overrides the file.
 */
export function simulatorConfigEnv(input: {
  hostUrl: string;
  language: SimulatorLanguage;
}): Readonly<Record<string, string>> {
  return { POS_TERMINAL_HOST_URL: input.hostUrl, POS_TERMINAL_LANGUAGE: input.language };
}

/**
 * The terminal's config for this start, from `<dataDir>/terminal-config.json`: written from
 * {@link buildTerminalConfig} when the file is absent (a first start, or after `--reset`),
 * else read as it is (a `config set` at the technician console changed it), with
 * {@link simulatorConfigEnv} over it. A file that no longer validates stops the start with a
 * {@link SimulatorError} naming the file and each bad field, suggesting `--reset`.
 */
export async function prepareTerminalConfig(input: {
  state: PreparedState;
  paths: SimulatorPaths;
  hostUrl: string;
  language: SimulatorLanguage;
}): Promise<{ config: TerminalConfig; env: Readonly<Record<string, string>>; written: boolean }> {
  const file = input.paths.terminalConfigFile;
  const written = !existsSync(file);
  if (written) {
    // Mode 0600, as on a board: it holds the password hashes.
    await writeFileAtomic(file, `${JSON.stringify(buildTerminalConfig(input), null, 2)}\n`, 0o600);
  }
  const env = simulatorConfigEnv(input);
  try {
    return { config: loadTerminalConfig({ file, env }), env, written };
  } catch (error) {
    throw unusableConfig(file, error) ?? error;
  }
}

/**
 * The {@link SimulatorError} for a `CONFIG_INVALID` error about the terminal config `file` (a bad
 * field, or a key file it names that cannot be read); undefined for any other error.
 */
export function unusableConfig(file: string, error: unknown): SimulatorError | undefined {
  const problems = configProblems(error);
  if (!problems) return undefined;
  return new SimulatorError(
    `the terminal config ${file} is not usable:\n  ${problems.join('\n  ')}\n` +
      'fix it (the technician console\'s "config set" changes this file), or start over with ' +
      'npm start -- --reset (this deletes the simulator data)',
    { cause: error },
  );
}
