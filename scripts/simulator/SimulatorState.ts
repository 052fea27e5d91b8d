import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { cardToken, cardUid, merchantId, terminalId } from '../../src/protocol/fields.js';
import { writeFileAtomic } from '../../src/core/writeFileAtomic.js';
import { passwordHashField } from '../../src/terminal/passwordHash.js';
import { SimulatorError } from './SimulatorError.js';

/** The demo customer the simulator plays: their phone number and what their phone's card holds. */
export const simulatorCustomerSchema = z.strictObject({
  msisdn: z.string().regex(/^[0-9]{6,15}$/, 'must be a phone number of 6 to 15 digits'),
  cardUid,
  /** The account token the host issued at enrollment; the phone's applet answers it. */
  cardToken,
});
export type SimulatorCustomer = z.output<typeof simulatorCustomerSchema>;

/**
 * What the simulator remembers between starts, in `<dataDir>/simulator.json`:
 *
 * - the terminal and merchant it enrolled (the terminal's key is in its own key file, as on a
 *   board);
 * - the current customer's phone number, card UID and **card token**;
 * - the scrypt hashes of the demo supervisor password and of the technician console's
 *   password, so a restart does not pay for scrypt (the terminal's config file gets them).
 *
 * The file is written with mode 0600 because of the card token. Keeping the token here is
 * acceptable: this file is the simulated phone's own storage. On a real phone the payment
 * applet keeps the token the host provisioned at enrollment, and hands it to any terminal it
 * is tapped on; the simulator plays that phone, so it must keep the token somewhere, and the
 * host still holds only its hash. The token alone pays nothing: a payment also needs the PIN
 * and the texted code, and the simulator never stores the PIN (the customer reads it in the
 * inbox, like a text).
 */
export const simulatorStateSchema = z.strictObject({
  version: z.literal(1),
  terminalId,
  merchant: z.strictObject({ id: merchantId, name: z.string().trim().min(1).max(80) }),
  customer: simulatorCustomerSchema,
  supervisorPasswordHash: passwordHashField('supervisor password hash'),
  /**
   * The technician console password's hash. Absent in a state written before the simulator had
   * the console: the next start adds it.
   */
  technicianPasswordHash: passwordHashField('technician password hash').optional(),
  /** When the demo data was first enrolled (ISO 8601). */
  createdAt: z.iso.datetime(),
});
export type SimulatorState = z.output<typeof simulatorStateSchema>;

/** How to get out of a broken data directory, appended to every such message. */
export const RESET_HINT =
  'start with --reset to enroll everything again (this deletes the simulator data)';

/**
 * Reads `simulator.json`; undefined when it does not exist (a first run). A file that is not
 * valid JSON or not a simulator state is a {@link SimulatorError} naming the file and the
 * first problem (never a value: the file holds a card token), suggesting `--reset`.
 */
export function loadSimulatorState(path: string): SimulatorState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SimulatorError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SimulatorError(`${path} is corrupt (not JSON); ${RESET_HINT}`);
  }
  const parsed = simulatorStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new SimulatorError(
      `${path} is corrupt (${where === '' ? '' : `${where}: `}${issue?.message ?? 'invalid'}); ${RESET_HINT}`,
    );
  }
  return parsed.data;
}

/** Writes `simulator.json` atomically (a crash leaves the old file or the new), mode 0600. */
export async function saveSimulatorState(path: string, state: SimulatorState): Promise<void> {
  const checked = simulatorStateSchema.parse(state);
  await writeFileAtomic(path, `${JSON.stringify(checked, null, 2)}\n`, 0o600);
}
