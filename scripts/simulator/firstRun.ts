import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isPosError } from '../../src/core/PosError.js';
import { enrollAccount, findAccount } from '../../src/host/accounts/accountAdmin.js';
import type { HostContext } from '../../src/host/HostContext.js';
import { addTerminal, listTerminals } from '../../src/host/terminals/terminalAdmin.js';
import { writeFileAtomic } from '../../src/core/writeFileAtomic.js';
import { hashSupervisorPassword } from '../../src/terminal/effects/supervisorPassword.js';
import { hashPassword } from '../../src/terminal/passwordHash.js';
import {
  DEMO_BALANCE,
  DEMO_CARD_UID,
  DEMO_MERCHANT,
  DEMO_MSISDN,
  DEMO_TERMINAL_ID,
  SIMULATOR_ACTOR,
  SIMULATOR_SUPERVISOR_PASSWORD,
  SIMULATOR_TECHNICIAN_PASSWORD,
} from './demoData.js';
import { SimulatorError } from './SimulatorError.js';
import type { SimulatorPaths } from './simulatorPaths.js';
import {
  RESET_HINT,
  saveSimulatorState,
  type SimulatorCustomer,
  type SimulatorState,
} from './SimulatorState.js';

/**
 * The first start on a data directory: adds the demo merchant and terminal, writes the
 * terminal's key file (mode 0600, the key as `pos-host terminals add` prints it, which is what
 * the terminal's `terminalKeyFile` holds), enrolls the demo customer with ¥1,000.00, and
 * saves `simulator.json` last, so a start cut short leaves no state claiming data that is not
 * there.
 *
 * The host generates the customer's PIN and texts it to the outbox; the simulator never sees
 * it (the phone panel shows the text, as a phone would).
 *
 * Throws a {@link SimulatorError} when the host's database already has the demo terminal
 * (`simulator.json` was lost): its key cannot be had again, so only `--reset` helps.
 */
export async function firstRun(ctx: HostContext, paths: SimulatorPaths): Promise<SimulatorState> {
  const existing = await listTerminals(ctx);
  if (existing.some((terminal) => terminal.terminalId === DEMO_TERMINAL_ID)) {
    throw new SimulatorError(
      `the host database in ${paths.hostDir} already has terminal ${DEMO_TERMINAL_ID}, ` +
        `but ${paths.stateFile} is missing; ${RESET_HINT}`,
    );
  }
  // scrypt takes a while; let it run while the host adds the terminal.
  const supervisorHash = hashSupervisorPassword(SIMULATOR_SUPERVISOR_PASSWORD);
  const technicianHash = hashPassword(SIMULATOR_TECHNICIAN_PASSWORD);
  const added = await addTerminal(ctx, {
    terminalId: DEMO_TERMINAL_ID,
    merchantId: DEMO_MERCHANT.id,
    merchantName: DEMO_MERCHANT.name,
    currency: ctx.policy.defaultCurrency,
    actor: SIMULATOR_ACTOR,
  });
  await mkdir(dirname(paths.terminalKeyFile), { recursive: true, mode: 0o700 });
  await writeFileAtomic(paths.terminalKeyFile, `${added.key}\n`, 0o600);
  const customer = await enrollCustomer(ctx, { msisdn: DEMO_MSISDN, cardUid: DEMO_CARD_UID });
  const state: SimulatorState = {
    version: 1,
    terminalId: DEMO_TERMINAL_ID,
    merchant: { id: DEMO_MERCHANT.id, name: DEMO_MERCHANT.name },
    customer,
    supervisorPasswordHash: await supervisorHash,
    technicianPasswordHash: await technicianHash,
    createdAt: new Date(ctx.clock.now()).toISOString(),
  };
  await saveSimulatorState(paths.stateFile, state);
  return state;
}

/**
 * A state saved before the simulator had the technician console gets the console password's
 * hash, saved for the next start; any other state is returned as it is.
 */
export async function withTechnicianPassword(
  paths: SimulatorPaths,
  state: SimulatorState,
): Promise<SimulatorState & { technicianPasswordHash: string }> {
  if (state.technicianPasswordHash !== undefined) {
    return { ...state, technicianPasswordHash: state.technicianPasswordHash };
  }
  const next = {
    ...state,
    technicianPasswordHash: await hashPassword(SIMULATOR_TECHNICIAN_PASSWORD),
  };
  await saveSimulatorState(paths.stateFile, next);
  return next;
}

/**
 * `--fresh-account`: enrolls a new customer (the next phone number after the demo one that no
 * account has, a new random card UID, a new PIN texted by the host) with ¥1,000.00, and makes
 * it the current customer in `simulator.json`. Everything else is kept, the old accounts too.
 */
export async function enrollFreshAccount(
  ctx: HostContext,
  paths: SimulatorPaths,
  state: SimulatorState,
): Promise<SimulatorState> {
  const msisdn = await nextFreeMsisdn(ctx, DEMO_MSISDN);
  const customer = await enrollCustomer(ctx, { msisdn, cardUid: randomCardUid() });
  const next: SimulatorState = { ...state, customer };
  await saveSimulatorState(paths.stateFile, next);
  return next;
}

/**
 * Enrolls `msisdn` with the card `cardUid` and the demo balance; returns what the phone keeps.
 * A card UID already bound to another account (a random one can collide, rarely) is replaced
 * by a new random one.
 */
async function enrollCustomer(
  ctx: HostContext,
  input: { msisdn: string; cardUid: string },
): Promise<SimulatorCustomer> {
  let cardUid = input.cardUid;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const enrolled = await enrollAccount(ctx, {
        msisdn: input.msisdn,
        cardUid,
        currency: ctx.policy.defaultCurrency,
        balance: DEMO_BALANCE,
        actor: SIMULATOR_ACTOR,
      });
      return { msisdn: input.msisdn, cardUid, cardToken: enrolled.cardToken };
    } catch (error) {
      // VALIDATION_FAILED is "phone number or card already enrolled"; the number was checked.
      if (attempt >= 3 || !isPosError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      cardUid = randomCardUid();
    }
  }
}

/** The first phone number from `first` upward that no account has. */
async function nextFreeMsisdn(ctx: HostContext, first: string): Promise<string> {
  let candidate = BigInt(first);
  for (let tried = 0; tried < 10_000; tried += 1, candidate += 1n) {
    const msisdn = candidate.toString().padStart(first.length, '0');
    try {
      await findAccount(ctx, msisdn);
    } catch (error) {
      if (isPosError(error) && error.code === 'CARD_UNKNOWN') return msisdn;
      throw error;
    }
  }
  throw new SimulatorError(`no free phone number near ${first}; ${RESET_HINT}`);
}

/**
 * A random 7-byte UID starting `04` (NXP's manufacturer byte, as on the demo card), in the
 * upper-case hex the reader reports.
 */
function randomCardUid(): string {
  return `04${randomBytes(6).toString('hex').toUpperCase()}`;
}
