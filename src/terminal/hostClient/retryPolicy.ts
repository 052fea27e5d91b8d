import type { ErrorCode } from '../../core/errorCodes.js';
import { hasErrorCode, isPosError } from '../../core/PosError.js';

/**
 * When an operation may be sent again after a transport failure (protocol.md: idempotency):
 *
 * - `outcome-safe`: sending it twice has the effect of sending it once (the host replays the
 *   first reply for the same key and body), so it is retried on `HOST_UNREACHABLE` and on
 *   `HOST_TIMEOUT`. Every operation except the resend.
 * - `not-sent-only`: a second copy would act again (a resend texts a new code), so it is retried
 *   only on `HOST_UNREACHABLE`, when the first copy provably never reached the host.
 */
export type RetryRule = 'outcome-safe' | 'not-sent-only';

/** The codes each rule retries on. Protocol error replies are never among them. */
export const RETRY_ON: Readonly<Record<RetryRule, readonly ErrorCode[]>> = {
  'outcome-safe': ['HOST_UNREACHABLE', 'HOST_TIMEOUT'],
  'not-sent-only': ['HOST_UNREACHABLE'],
};

/** True when `error` may be answered by sending the same request again under `rule`. */
export function isRetryable(error: unknown, rule: RetryRule): boolean {
  return isPosError(error) && RETRY_ON[rule].includes(error.code);
}

/**
 * The host's clock (epoch ms) from a `TIMESTAMP_SKEW` error's `serverTime`, or undefined when
 * `error` is not one or carries no readable time. The host refused that request before acting
 * on it, so it may be signed again with a corrected time and sent once more.
 */
export function skewServerTime(error: unknown): number | undefined {
  if (!hasErrorCode(error, 'TIMESTAMP_SKEW')) return undefined;
  const serverTime = error.details.serverTime;
  if (typeof serverTime !== 'string') return undefined;
  const ms = Date.parse(serverTime);
  return Number.isFinite(ms) ? ms : undefined;
}
