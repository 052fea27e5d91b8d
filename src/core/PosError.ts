import {
  ERROR_CODE_GROUPS,
  type CodeOfGroup,
  type ErrorCode,
  type ErrorGroup,
} from './errorCodes.js';

/**
 * Facts about an error that are safe to show to a cashier, log and send on the wire
 * (`attemptsLeft`, `lockedUntil`, `retryAfter`, the name of a bad field…). Never a secret:
 * no PIN, code, key or account token goes in here.
 */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export interface PosErrorOptions {
  details?: ErrorDetails;
  cause?: unknown;
}

/**
 * The one error class of the system. Branch on `code` (stable, see errorCodes.ts) or on the
 * group guards below, never on `message`, which is for people and may change.
 */
export class PosError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'PosError';
  readonly code: C;
  readonly details: ErrorDetails;

  constructor(code: C, message: string, options: PosErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = Object.freeze({ ...options.details });
  }

  get group(): (typeof ERROR_CODE_GROUPS)[C] {
    return ERROR_CODE_GROUPS[this.code];
  }

  toJSON(): { name: string; code: C; message: string; details: ErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

export function isPosError(error: unknown): error is PosError {
  return error instanceof PosError;
}

/** True when `error` is a PosError with one of `codes`; narrows the code. */
export function hasErrorCode<C extends ErrorCode>(
  error: unknown,
  ...codes: readonly C[]
): error is PosError<C> {
  return isPosError(error) && (codes as readonly ErrorCode[]).includes(error.code);
}

function inGroup<G extends ErrorGroup>(group: G) {
  return (error: unknown): error is PosError<CodeOfGroup<G>> =>
    isPosError(error) && ERROR_CODE_GROUPS[error.code] === group;
}

/** Malformed input: retrying the same request fails the same way. */
export const isInputError = inGroup('input');
/** The terminal was not accepted: sign in again or call a technician; the customer is not at fault. */
export const isAuthenticationError = inGroup('authentication');
/** The customer's transaction was refused for a reason to show on screen and slip. */
export const isDecline = inGroup('decline');
/** The payment or batch is not in a state that allows the operation. */
export const isStateError = inGroup('state');
/** A count or rate limit was hit. */
export const isLimitError = inGroup('limit');
/** Nothing happened because a dependency is down; safe to retry later. */
export const isUnavailable = inGroup('unavailable');
/** The request may have taken effect: inquire before retrying or reversing. */
export const isOutcomeUnknown = inGroup('outcome_unknown');
/** A terminal device failed or was misused (card pulled, paper out). */
export const isDeviceError = inGroup('device');
