import { readFileSync } from 'node:fs';
import { isPosError } from '../../src/core/PosError.js';
import { findAccount } from '../../src/host/accounts/accountAdmin.js';
import type { HostContext } from '../../src/host/HostContext.js';
import { listTerminals } from '../../src/host/terminals/terminalAdmin.js';
import { parseTerminalKey } from '../../src/protocol/signing.js';
import { SimulatorError } from './SimulatorError.js';
import type { SimulatorPaths } from './simulatorPaths.js';
import { RESET_HINT, type SimulatorState } from './SimulatorState.js';

/**
 * Checks, on a later start, that what `simulator.json` remembers is still there: the terminal
 * of that merchant in the host's database, its key file, and the customer's account with the
 * same card UID and card token. Without this, a host database deleted or replaced on its own
 * would show up only as a puzzling `CARD_UNKNOWN` or a failed sign-in on the terminal.
 * Throws a {@link SimulatorError} saying what is missing and suggesting `--reset`; it never
 * shows the token. With `customer: false` the customer is not checked (`--fresh-account`
 * replaces them anyway).
 */
export async function verifySimulatorState(
  ctx: HostContext,
  paths: SimulatorPaths,
  state: SimulatorState,
  check: { customer?: boolean } = {},
): Promise<void> {
  const lost = (what: string): SimulatorError =>
    new SimulatorError(
      `${what}, though ${paths.stateFile} remembers it (was ${paths.hostDir} deleted or replaced?); ${RESET_HINT}`,
    );
  const terminal = (await listTerminals(ctx)).find((t) => t.terminalId === state.terminalId);
  if (!terminal) throw lost(`the host database has no terminal ${state.terminalId}`);
  if (terminal.merchantId !== state.merchant.id) {
    throw lost(
      `terminal ${state.terminalId} belongs to merchant ${terminal.merchantId} in the host database, not ${state.merchant.id}`,
    );
  }
  try {
    parseTerminalKey(readFileSync(paths.terminalKeyFile, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not a terminal key';
    throw new SimulatorError(
      `the terminal key file ${paths.terminalKeyFile} is unusable (${reason}); ${RESET_HINT}`,
      { cause: error },
    );
  }
  if (check.customer === false) return;
  const { msisdn } = state.customer;
  let account;
  try {
    account = await findAccount(ctx, msisdn);
  } catch (error) {
    if (isPosError(error) && error.code === 'CARD_UNKNOWN') {
      throw lost(`the host database has no account for ${msisdn}`);
    }
    throw error;
  }
  if (account.card_uid !== state.customer.cardUid) {
    throw lost(
      `the account of ${msisdn} is bound to card ${account.card_uid}, not ${state.customer.cardUid}`,
    );
  }
  if (ctx.crypto.hashCardToken(state.customer.cardToken) !== account.card_token_hash) {
    throw new SimulatorError(
      `the host does not recognise the card token of ${msisdn} (was its master key ` +
        `${paths.hostDir}/keys/master.key replaced?); ${RESET_HINT}`,
    );
  }
}
