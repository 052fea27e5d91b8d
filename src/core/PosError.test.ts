import { describe, expect, it } from 'vitest';
import { ERROR_CODE_GROUPS, ERROR_CODES, isErrorCode } from './errorCodes.js';
import {
  hasErrorCode,
  isAuthenticationError,
  isDecline,
  isDeviceError,
  isInputError,
  isLimitError,
  isOutcomeUnknown,
  isPosError,
  isStateError,
  isUnavailable,
  PosError,
} from './PosError.js';

describe('PosError', () => {
  it('carries a stable code, its group, frozen details and a cause', () => {
    const cause = new Error('socket hang up');
    const error = new PosError('PIN_INCORRECT', 'wrong PIN', {
      details: { attemptsLeft: 2 },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PosError');
    expect(error.code).toBe('PIN_INCORRECT');
    expect(error.group).toBe('decline');
    expect(error.details).toEqual({ attemptsLeft: 2 });
    expect(Object.isFrozen(error.details)).toBe(true);
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'PosError',
      code: 'PIN_INCORRECT',
      message: 'wrong PIN',
      details: { attemptsLeft: 2 },
    });
  });

  it('narrows by code and by group', () => {
    const error: unknown = new PosError('NONCE_REPLAYED', 'seen before');
    expect(isPosError(error)).toBe(true);
    expect(isPosError(new Error('x'))).toBe(false);
    expect(hasErrorCode(error, 'NONCE_REPLAYED', 'SIGNATURE_INVALID')).toBe(true);
    expect(hasErrorCode(error, 'PIN_INCORRECT')).toBe(false);
    expect(isAuthenticationError(error)).toBe(true);
    expect(isDecline(error)).toBe(false);
  });

  it('puts every code in exactly the group its guard answers for', () => {
    const guards = {
      input: isInputError,
      authentication: isAuthenticationError,
      decline: isDecline,
      state: isStateError,
      limit: isLimitError,
      unavailable: isUnavailable,
      outcome_unknown: isOutcomeUnknown,
      device: isDeviceError,
    } as const;
    for (const code of ERROR_CODES) {
      const error = new PosError(code, code);
      for (const [group, guard] of Object.entries(guards)) {
        expect(guard(error), `${code} in ${group}`).toBe(ERROR_CODE_GROUPS[code] === group);
      }
    }
  });

  it('recognises only its own codes, exactly spelt', () => {
    // That every wire code of the protocol table is known is checked in errorReply.test.ts.
    expect(isErrorCode('PIN_INCORRECT')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('pin_incorrect')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});
