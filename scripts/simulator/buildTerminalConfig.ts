import { terminalConfigSchema, type TerminalConfig } from '../../src/terminal/terminalConfig.js';
import type { SimulatorLanguage } from './simulatorOptions.js';
import type { SimulatorPaths } from './simulatorPaths.js';
import type { SimulatorState } from './SimulatorState.js';

/**
 * The simulated terminal's configuration, validated by the board's own schema
 * (`terminalConfigSchema`), so the simulator cannot run a terminal the board would refuse:
 * the enrolled terminal id and its key file, the embedded host's loopback URL (plain HTTP,
 * no CA), the journal in the data directory, the language asked for, and the demo supervisor
 * password's hash. Timings and limits are the board's defaults. `devices` is left at its
 * default and not used: the simulator hands `openTerminal` its own devices.
 */
export function buildTerminalConfig(input: {
  state: SimulatorState;
  paths: SimulatorPaths;
  hostUrl: string;
  language: SimulatorLanguage;
}): TerminalConfig {
  return terminalConfigSchema.parse({
    terminalId: input.state.terminalId,
    terminalKeyFile: input.paths.terminalKeyFile,
    host: { url: input.hostUrl },
    journalPath: input.paths.journalPath,
    language: input.language,
    supervisorPasswordHash: input.state.supervisorPasswordHash,
  });
}
