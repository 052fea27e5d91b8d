import { z } from 'zod';
import type { ErrorCode } from '../core/errorCodes.js';
import { isPosError, PosError } from '../core/PosError.js';
import { isoTime } from './fields.js';

/**
 * The error codes that travel on the wire and their HTTP status (protocol.md, "Error codes").
 * Local codes (CONFIG_INVALID, HOST_TIMEOUT…) never leave a process; a host that somehow
 * raises one replies INTERNAL.
 */
export const WIRE_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  TERMINAL_UNKNOWN: 401,
  SIGNATURE_INVALID: 401,
  TIMESTAMP_SKEW: 401,
  NONCE_REPLAYED: 401,
  TERMINAL_DISABLED: 403,
  PIN_INCORRECT: 403,
  PIN_BLOCK_INVALID: 400,
  OTP_INCORRECT: 403,
  OTP_EXPIRED: 410,
  ACCOUNT_LOCKED: 423,
  CARD_UNKNOWN: 404,
  PAYMENT_NOT_FOUND: 404,
  INSUFFICIENT_FUNDS: 402,
  IDEMPOTENCY_CONFLICT: 409,
  PAYMENT_STATE: 409,
  BATCH_CLOSED: 409,
  RESEND_LIMIT: 429,
  RESEND_TOO_SOON: 429,
  SMS_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Partial<Record<ErrorCode, number>>;

export type WireErrorCode = keyof typeof WIRE_ERROR_STATUS;

export const WIRE_ERROR_CODES = Object.keys(WIRE_ERROR_STATUS) as [
  WireErrorCode,
  ...WireErrorCode[],
];

export function isWireErrorCode(code: unknown): code is WireErrorCode {
  return typeof code === 'string' && Object.hasOwn(WIRE_ERROR_STATUS, code);
}

/**
 * `{ "error": { code, message, …extra } }`. Known extras are typed; others are kept, since the
 * host may add fields.
 */
export const errorReply = z.object({
  error: z.looseObject({
    code: z.enum(WIRE_ERROR_CODES),
    message: z.string(),
    details: z.unknown().optional(),
    attemptsLeft: z.int().min(0).optional(),
    lockedUntil: isoTime.optional(),
    retryAfter: z.int().min(0).optional(),
    serverTime: isoTime.optional(),
  }),
});
export type ErrorReply = z.infer<typeof errorReply>;

/** The HTTP status and body a host sends for `error`. */
export interface WireError {
  status: number;
  body: ErrorReply;
}

/**
 * Turns any thrown value into the reply the host sends. A PosError with a wire code keeps its
 * code, message and details (details must be safe to show: see PosError). Anything else, and
 * any `INTERNAL` error, becomes the bare `INTERNAL` reply, so no stack, SQL or secret reaches the
 * terminal whatever the thrower put in its message.
 */
export function toWireError(error: unknown): WireError {
  if (isPosError(error) && isWireErrorCode(error.code) && error.code !== 'INTERNAL') {
    return {
      status: WIRE_ERROR_STATUS[error.code],
      body: { error: { ...error.details, code: error.code, message: error.message } },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}

/**
 * Reads an error reply on the terminal's side. Returns a PosError with the host's code and its
 * extras as details; a reply that is not a protocol error (a proxy's HTML page, a status that
 * does not match the code) becomes `HOST_REPLY_INVALID`.
 */
export function fromWireError(status: number, body: unknown): PosError {
  const parsed = errorReply.safeParse(body);
  if (!parsed.success || WIRE_ERROR_STATUS[parsed.data.error.code] !== status) {
    return new PosError('HOST_REPLY_INVALID', `host replied ${status} without a valid error body`, {
      details: { status },
    });
  }
  const { code, message, ...extra } = parsed.data.error;
  return new PosError(code, message, { details: extra });
}
