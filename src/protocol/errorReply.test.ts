import { describe, expect, it } from 'vitest';
import { ERROR_CODE_GROUPS } from '../core/errorCodes.js';
import { PosError } from '../core/PosError.js';
import {
  errorReply,
  fromWireError,
  toWireError,
  WIRE_ERROR_CODES,
  WIRE_ERROR_STATUS,
} from './errorReply.js';

describe('wire error table', () => {
  it('matches the protocol: every code with its HTTP status', () => {
    expect(WIRE_ERROR_STATUS).toEqual({
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
    });
    for (const code of WIRE_ERROR_CODES) expect(Object.hasOwn(ERROR_CODE_GROUPS, code)).toBe(true);
  });
});

describe('toWireError', () => {
  it('sends a wire code with its status, message and safe extras at the top of `error`', () => {
    const locked = new PosError('ACCOUNT_LOCKED', 'account locked', {
      details: { lockedUntil: '2026-11-24T08:30:00.000Z' },
    });
    const wire = toWireError(locked);
    expect(wire).toEqual({
      status: 423,
      body: {
        error: {
          code: 'ACCOUNT_LOCKED',
          message: 'account locked',
          lockedUntil: '2026-11-24T08:30:00.000Z',
        },
      },
    });
    expect(errorReply.safeParse(wire.body).success).toBe(true);
  });

  it('lets no detail override the code or message', () => {
    const error = new PosError('PIN_INCORRECT', 'wrong PIN', {
      details: { code: 'INTERNAL', message: 'x', attemptsLeft: 1 },
    });
    expect(toWireError(error).body.error).toEqual({
      code: 'PIN_INCORRECT',
      message: 'wrong PIN',
      attemptsLeft: 1,
    });
  });

  it('turns anything else into a bare INTERNAL with no stack, SQL or message of its own', () => {
    const surprises = [
      new Error('duplicate key value violates unique constraint "payments_pkey"'),
      new PosError('CONFIG_INVALID', 'invalid host config: hostSecret (env POS_HOST_SECRET)'),
      new PosError('HOST_TIMEOUT', 'x'),
      new PosError('INTERNAL', 'insert failed: (card_token)=(tok_abc)', {
        details: { sql: 'INSERT …' },
      }),
      'a thrown string',
      undefined,
    ];
    for (const surprise of surprises) {
      expect(toWireError(surprise)).toEqual({
        status: 500,
        body: { error: { code: 'INTERNAL', message: 'internal error' } },
      });
    }
  });
});

describe('fromWireError', () => {
  it('gives back a PosError with the code and extras', () => {
    const error = fromWireError(403, {
      error: { code: 'OTP_INCORRECT', message: 'wrong code', attemptsLeft: 1 },
    });
    expect(error.code).toBe('OTP_INCORRECT');
    expect(error.message).toBe('wrong code');
    expect(error.details).toEqual({ attemptsLeft: 1 });
  });

  it('round-trips every wire code', () => {
    for (const code of WIRE_ERROR_CODES) {
      const wire = toWireError(new PosError(code, `about ${code}`));
      expect(fromWireError(wire.status, wire.body).code).toBe(code);
    }
  });

  it('is HOST_REPLY_INVALID for a body that is not an error reply, or a status that disagrees with the code', () => {
    expect(fromWireError(502, '<html>Bad Gateway</html>').code).toBe('HOST_REPLY_INVALID');
    expect(fromWireError(500, { error: { code: 'PIN_INCORRECT', message: 'x' } }).code).toBe(
      'HOST_REPLY_INVALID',
    );
    expect(fromWireError(400, { message: 'x' }).code).toBe('HOST_REPLY_INVALID');
  });
});
