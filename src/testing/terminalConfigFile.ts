import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashSupervisorPassword } from '../terminal/effects/supervisorPassword.js';

/** The supervisor password of every terminal config written by {@link writeTerminalConfig}. */
export const TEST_SUPERVISOR_PASSWORD = '2468';

let supervisorHash: Promise<string> | undefined;

/**
 * Writes a terminal's key file and config file into `dir`, as an installer would, and returns
 * the config file's path. With `simulatorDevices` the config names fake devices under
 * `devices.simulator: true` (the board entry refuses fakes otherwise).
 */
export async function writeTerminalConfig(
  dir: string,
  options: {
    terminalId: string;
    /** The key as `pos-host terminals add` printed it. */
    key: string;
    hostUrl: string;
    language?: 'zh-CN' | 'en';
    simulatorDevices?: boolean;
  },
): Promise<string> {
  const keyFile = path.join(dir, 'terminal.key');
  writeFileSync(keyFile, `${options.key}\n`, { mode: 0o600 });
  supervisorHash ??= hashSupervisorPassword(TEST_SUPERVISOR_PASSWORD);
  const config: Record<string, unknown> = {
    terminalId: options.terminalId,
    terminalKeyFile: keyFile,
    host: { url: options.hostUrl, retryDelayMs: 0 },
    journalPath: path.join(dir, 'journal.db'),
    language: options.language ?? 'en',
    supervisorPasswordHash: await supervisorHash,
  };
  if (options.simulatorDevices) {
    config.devices = {
      simulator: true,
      reader: { kind: 'fake' },
      keypad: { kind: 'fake' },
      printer: { kind: 'fake' },
      modem: { kind: 'fake' },
      display: { timeZone: 'Asia/Shanghai' },
    };
  }
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}
