import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  openSerialByteStream,
  type SerialByteStream,
} from '../../drivers/modem/hw/serialByteStream.js';
import { SerialModem, type SerialModemOptions } from '../../drivers/modem/hw/SerialModem.js';
import { openPtyPair, type PtyPair } from '../../src/testing/ptyPair.js';
import { ModemEmulator, type ModemEmulatorOptions } from './ModemEmulator.js';

/**
 * `SerialModem` on one end of a socat PTY pair, the {@link ModemEmulator} on the other: the
 * real serialport, a real tty, the real timers. {@link unplug} stops socat (both ends vanish,
 * as when a USB modem resets); {@link plug} makes the pair again on the same paths.
 */
export interface PtyModemRig {
  readonly modem: SerialModem;
  readonly emulator: ModemEmulator;
  /** The path the modem opens. */
  readonly modemPath: string;
  unplug(): Promise<void>;
  plug(): Promise<void>;
  dispose(): Promise<void>;
}

/** Timings short enough for tests, long enough for a loaded CI machine. */
export const FAST_TIMINGS = {
  commandTimeoutMs: 2000,
  radioTimeoutMs: 2000,
  healthIntervalMs: 150,
  radioReset: { afterMs: 60_000, maxMs: 60_000 },
  reconnectBackoff: { initialMs: 100, maxMs: 400 },
} as const satisfies Partial<SerialModemOptions>;

export async function startPtyModemRig(
  options: {
    readonly emulator?: ModemEmulatorOptions;
    readonly modem?: Partial<Omit<SerialModemOptions, 'path'>>;
  } = {},
): Promise<PtyModemRig> {
  const dir = await mkdtemp(path.join(tmpdir(), 'modem-rig-'));
  const paths = [path.join(dir, 'modem'), path.join(dir, 'emulator')] as const;
  const emulator = new ModemEmulator(options.emulator);
  let pair: PtyPair | undefined;
  let emulatorPort: SerialByteStream | undefined;

  const plug = async (): Promise<void> => {
    pair = await openPtyPair({ paths });
    emulatorPort = await openSerialByteStream(paths[1]);
    emulator.powerOn();
    emulator.attach(emulatorPort);
  };
  const unplug = async (): Promise<void> => {
    emulator.detach();
    await emulatorPort?.close();
    emulatorPort = undefined;
    await pair?.close();
    pair = undefined;
  };

  await plug();
  const modem = new SerialModem({ ...FAST_TIMINGS, ...options.modem, path: paths[0] });
  return {
    modem,
    emulator,
    modemPath: paths[0],
    unplug,
    plug,
    dispose: async () => {
      await modem.close();
      await unplug();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
