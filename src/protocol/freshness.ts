import { PosError } from '../core/PosError.js';

/** A request's timestamp may be this far from the host's clock, either way (seconds). */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * How long a nonce is remembered per terminal (seconds). Twice the skew: a request is
 * acceptable from 300 s before to 300 s after its own timestamp, so a nonce first seen at any
 * moment of that span cannot come back while the timestamp still passes.
 */
export const NONCE_WINDOW_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS;

/**
 * Throws `TIMESTAMP_SKEW` when `timestampSeconds` is more than `maxSkewSeconds` from
 * `nowSeconds`. The error carries the host's time (`serverTime`) so the terminal can show or
 * correct its clock. Pure: the caller supplies both times.
 */
export function checkTimestamp(
  timestampSeconds: number,
  nowSeconds: number,
  maxSkewSeconds = MAX_CLOCK_SKEW_SECONDS,
): void {
  if (
    !Number.isFinite(timestampSeconds) ||
    Math.abs(nowSeconds - timestampSeconds) > maxSkewSeconds
  ) {
    throw new PosError(
      'TIMESTAMP_SKEW',
      `request time is more than ${maxSkewSeconds} s from the host's`,
      {
        details: { serverTime: new Date(nowSeconds * 1000).toISOString() },
      },
    );
  }
}

/**
 * Throws `NONCE_REPLAYED` when the terminal already used this nonce within the window, ends
 * included: a nonce first seen at T-300 may come back at T+300, exactly 600 s later, while the
 * timestamp T still passes {@link checkTimestamp}.
 *
 * @param firstSeenSeconds when the host first recorded this terminal's nonce, or undefined if
 *   it has no record. The store must record atomically (insert-if-absent) and pass the
 *   earlier record's time on a conflict, so two copies of one request racing each other cannot
 *   both pass. Give this and {@link checkTimestamp} the same `nowSeconds` (whole seconds), and
 *   purge a record only once `nonceExpiresAt(first) < now`.
 */
export function checkNonce(
  firstSeenSeconds: number | undefined,
  nowSeconds: number,
  windowSeconds = NONCE_WINDOW_SECONDS,
): void {
  if (firstSeenSeconds !== undefined && nowSeconds - firstSeenSeconds <= windowSeconds) {
    throw new PosError('NONCE_REPLAYED', 'this nonce was already used');
  }
}

/** The last moment (unix seconds) a nonce first seen at `firstSeenSeconds` must be remembered. */
export function nonceExpiresAt(
  firstSeenSeconds: number,
  windowSeconds = NONCE_WINDOW_SECONDS,
): number {
  return firstSeenSeconds + windowSeconds;
}
