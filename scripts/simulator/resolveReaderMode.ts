import { readFile } from 'node:fs/promises';
import { pcscdAnswers, pcscdSocketPath } from '../../drivers/nfc/hw/PcscCardReader.js';
import { VPCD_PORT } from '../virtual-phone/VirtualPhone.js';
import { SimulatorError } from './SimulatorError.js';
import type { ReaderMode } from './simulatorOptions.js';

/** How the reader is checked for; tests pass their own. */
export interface ReaderProbes {
  /** Whether pcscd's socket accepts a connection. */
  readonly pcscd: () => Promise<boolean>;
  /** Whether vpcd listens on its TCP port. */
  readonly vpcd: () => Promise<boolean>;
}

/** The real probes: pcscd's socket, vpcd's port 35963. */
export const SYSTEM_READER_PROBES: ReaderProbes = {
  pcscd: () => pcscdAnswers(),
  vpcd: () => vpcdListening(VPCD_PORT),
};

/** pcscd started by socket activation opens vpcd's port a moment after its socket answers. */
const VPCD_WAIT_MS = 1_500;

/**
 * The reader to use for `--reader`: `fake` and `pcsc` as asked, `auto` is `pcsc` when pcscd
 * answers and vpcd listens, else `fake`. An explicit `pcsc` that cannot work is a
 * {@link SimulatorError} saying what is missing, rather than a terminal that never sees a tap.
 */
export async function resolveReaderMode(
  requested: ReaderMode,
  probes: ReaderProbes = SYSTEM_READER_PROBES,
): Promise<'fake' | 'pcsc'> {
  if (requested === 'fake') return 'fake';
  const pcscd = await probes.pcscd();
  const vpcd = pcscd && (await waitUntil(probes.vpcd, VPCD_WAIT_MS));
  if (pcscd && vpcd) return 'pcsc';
  if (requested === 'auto') return 'fake';
  throw new SimulatorError(
    pcscd
      ? `--reader pcsc: vpcd does not listen on port ${VPCD_PORT} (install vsmartcard-vpcd and restart pcscd)`
      : `--reader pcsc: pcscd does not answer on ${pcscdSocketPath()} (install and start pcscd)`,
  );
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * True when something listens on TCP `port`, read from /proc/net rather than by connecting:
 * to vpcd a connection is a card put on its reader.
 */
export async function vpcdListening(port: number): Promise<boolean> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is field 1, st (state) field 3; 0A is LISTEN.
      if (fields[1]?.endsWith(hexPort) === true && fields[3] === '0A') return true;
    }
  }
  return false;
}
