import { isOutcomeUnknown, isPosError, PosError } from '../../core/PosError.js';

/**
 * True when a failed host call may still have taken effect: a timeout after sending, or a
 * reply the terminal could not read (a proxy's error page, a garbled body). Such a
 * transaction is settled only by asking the host.
 */
export function mayHaveTakenEffect(error: unknown): boolean {
  return !isPosError(error) || isOutcomeUnknown(error) || error.code === 'HOST_REPLY_INVALID';
}

/**
 * The error the flow receives for an unknown outcome: `HOST_TIMEOUT` (group
 * `outcome_unknown`) with the journal entry to resolve, whatever the failure looked like.
 */
export function unknownOutcome(error: unknown, journalId: number): PosError {
  return new PosError('HOST_TIMEOUT', 'the host did not confirm the outcome', {
    details: { journalId },
    cause: error,
  });
}

/** The error code to journal for a failure. */
export function journalCode(error: unknown): string {
  return isPosError(error) ? error.code : 'INTERNAL';
}
