import { PosError } from '../../core/PosError.js';
import type { PinPublicKey } from '../../protocol/pinBlock.js';

/** What the host told the terminal at sign-in. */
export interface SignedIn {
  merchant: { id: string; name: string };
  terminalId: string;
  pinKey: PinPublicKey;
  batch: string;
  signedInAt: number;
}

/**
 * The terminal's current sign-in, shared by the effects: the host's PIN key to encrypt to and
 * the open batch. Lives in memory only; a restart signs in again.
 */
export class TerminalSession {
  #current: SignedIn | undefined;

  get current(): SignedIn | undefined {
    return this.#current;
  }

  set(signedIn: SignedIn): void {
    this.#current = signedIn;
  }

  /** Moves to the batch the host opened after a settlement. */
  useBatch(batch: string): void {
    if (this.#current) this.#current = { ...this.#current, batch };
  }

  /** The sign-in, or `TERMINAL_UNKNOWN`-free failure: a transaction before sign-in is a bug. */
  require(): SignedIn {
    if (!this.#current) throw new PosError('BATCH_CLOSED', 'the terminal is not signed in');
    return this.#current;
  }
}
