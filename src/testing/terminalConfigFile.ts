import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashSupervisorPassword } from '../terminal/effects/supervisorPassword.js';
import { hashPassword } from '../terminal/passwordHash.js';

/** The supervisor password of every terminal config written by {@link writeTerminalConfig}. */
export const TEST_SUPERVISOR_PASSWORD = '2468';

/** The technician (console) password of every terminal config written here. */
export const TEST_TECHNICIAN_PASSWORD = 'service-2468';

let supervisorHash: Promise<string> | undefined;
let technicianHash: Promise<string> | undefined;

/**
 * Writes a terminal's key file and config file into `dir`, as an installer would, and returns
 * the config file's path. The technician console's socket is `dir/control.sock`. With
 * `simulatorDevices` the config names fake devices under
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
  technicianHash ??= hashPassword(TEST_TECHNICIAN_PASSWORD);
  const config: Record<string, unknown> = {
    terminalId: options.terminalId,
    terminalKeyFile: keyFile,
    host: { url: options.hostUrl, retryDelayMs: 0 },
    journalPath: path.join(dir, 'journal.db'),
    language: options.language ?? 'en',
    supervisorPasswordHash: await supervisorHash,
    // In `dir`, not the board's /run/pos-terminal: tests run side by side.
    console: { passwordHash: await technicianHash, socketPath: path.join(dir, 'control.sock') },
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
