import { PosError } from '../core/PosError.js';
import { checkTimestamp } from './freshness.js';
import { verifySignature, type AuthHeaders } from './signing.js';

/** What the host knows about a terminal, for authenticating its requests. */
export interface TerminalCredentials {
  key: Uint8Array;
  disabled: boolean;
}

/** The parts of the received request the signature covers, as they arrived. */
export interface ReceivedRequest {
  method: string;
  pathWithQuery: string;
  /** The raw body bytes exactly as received, before any parsing. */
  body: Uint8Array | string;
}

/**
 * The host's check of a signed request, after `readAuthHeaders` and the terminal lookup.
 * In this order, so that only a holder of the key learns anything beyond "unknown terminal":
 *
 * 1. `TERMINAL_UNKNOWN`: no such terminal (`terminal` undefined);
 * 2. `SIGNATURE_INVALID`: the signature does not verify;
 * 3. `TIMESTAMP_SKEW`: the signed time is more than 300 s from `nowSeconds`;
 * 4. `TERMINAL_DISABLED`: an operator switched the terminal off.
 *
 * The nonce comes last and is the caller's: record it atomically, then `checkNonce`.
 * Recording only after these checks means a forger cannot use up a terminal's nonces.
 */
export function checkSignedRequest(
  auth: AuthHeaders,
  terminal: TerminalCredentials | undefined,
  request: ReceivedRequest,
  nowSeconds: number,
): void {
  if (terminal === undefined) {
    throw new PosError('TERMINAL_UNKNOWN', 'unknown terminal');
  }
  const parts = { ...request, timestamp: auth.timestamp, nonce: auth.nonce };
  if (!verifySignature(terminal.key, parts, auth.signature)) {
    throw new PosError('SIGNATURE_INVALID', 'signature does not verify');
  }
  checkTimestamp(Number(auth.timestamp), nowSeconds);
  if (terminal.disabled) {
    throw new PosError('TERMINAL_DISABLED', 'terminal is disabled');
  }
}
