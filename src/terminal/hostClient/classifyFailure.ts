import { PosError } from '../../core/PosError.js';

/**
 * How far one HTTP exchange with the host got before it failed, as the host client tracks it.
 *
 * `connected` is the line between "nothing was sent" and "the request may have been received":
 * it turns true when the connection the request rides on is up, meaning the TCP `connect` (http)
 * or the TLS `secureConnect` (https: handshake done and the host's certificate verified against
 * the pinned CA), or at once when a kept-alive connection is reused. Before that point the
 * request's bytes cannot have reached the host's HTTP layer; after it they may have.
 */
export interface AttemptProgress {
  /** The connection carrying the request was established (see above). */
  connected: boolean;
  /**
   * Which of the client's own timers ended the attempt: `connect` (the connection was not up
   * within `connectMs`) or `reply` (no full reply within `replyMs` after it was up).
   */
  timedOut?: 'connect' | 'reply' | undefined;
}

/** `details.cause` of a connect timeout (the connection, TLS included, was not up in time). */
export const CONNECT_TIMEOUT = 'CONNECT_TIMEOUT';
/** `details.cause` of a reply timeout (connected, but no full reply in time). */
export const REPLY_TIMEOUT = 'REPLY_TIMEOUT';
/** `details.cause` of a reply larger than the client reads. */
export const REPLY_TOO_LARGE = 'REPLY_TOO_LARGE';

/**
 * The most specific error code in a failure: the deepest `code` along the `cause` chain (and the
 * first of an `AggregateError`'s `errors`, which Node raises when every address of a name
 * failed), e.g. `ECONNREFUSED`, `ENOTFOUND`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ECONNRESET`.
 * `UNKNOWN` when there is none. Never includes a message or any other text of the error.
 */
export function systemErrorCode(error: unknown): string {
  let found: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    const record = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === 'string' && record.code !== '') found = record.code;
    if (record.cause !== undefined) {
      current = record.cause;
    } else if (Array.isArray(record.errors) && record.errors.length > 0) {
      current = record.errors[0];
    } else {
      break;
    }
  }
  return found ?? 'UNKNOWN';
}

function isReplyTooLarge(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('maxContentLength');
}

/**
 * Turns a failed exchange (anything the HTTP stack threw) into the PosError callers branch on:
 *
 * - `HOST_UNREACHABLE` (group `unavailable`) when the request provably never reached the host:
 *   the connection was never up (DNS failure, refused, unreachable network, TLS handshake or
 *   certificate failure) or the connect timer fired. Nothing happened; safe to send again.
 * - `HOST_TIMEOUT` (group `outcome_unknown`) when it may have: the reply timer fired, or the
 *   connection failed (reset, closed) after it was up. Ask the host before acting again.
 * - `HOST_REPLY_INVALID` when the host (or something in the way) answered with bytes that are
 *   not HTTP (`HPE_*` parse errors) or a reply larger than the client reads.
 *
 * `details.cause` names the system error code or one of {@link CONNECT_TIMEOUT},
 * {@link REPLY_TIMEOUT}, {@link REPLY_TOO_LARGE}; nothing from a body ever goes in. The original
 * error is not attached as `cause`: an HTTP library's error carries the request, body included.
 */
export function classifyFailure(error: unknown, progress: AttemptProgress): PosError {
  if (progress.timedOut === 'connect') {
    return new PosError('HOST_UNREACHABLE', 'no connection to the host in time; nothing was sent', {
      details: { cause: CONNECT_TIMEOUT },
    });
  }
  if (progress.timedOut === 'reply') {
    return new PosError('HOST_TIMEOUT', 'no reply from the host in time; the outcome is unknown', {
      details: { cause: REPLY_TIMEOUT },
    });
  }
  const cause = systemErrorCode(error);
  if (!progress.connected) {
    return new PosError('HOST_UNREACHABLE', 'could not reach the host; nothing was sent', {
      details: { cause },
    });
  }
  if (cause.startsWith('HPE_') || isReplyTooLarge(error)) {
    return new PosError('HOST_REPLY_INVALID', 'the host replied with something unreadable', {
      details: { cause: cause.startsWith('HPE_') ? cause : REPLY_TOO_LARGE },
    });
  }
  return new PosError('HOST_TIMEOUT', 'the connection failed after the request went out', {
    details: { cause },
  });
}
