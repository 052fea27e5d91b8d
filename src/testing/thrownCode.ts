import type { ErrorCode } from '../core/errorCodes.js';
import { isPosError } from '../core/PosError.js';

/**
 * For tests: the code of the PosError that `action` throws, or `'accepted'` when it throws
 * nothing. Any other thrown value is rethrown, so a test fails with the real error rather than
 * with a mismatched code.
 */
export function thrownCode(action: () => unknown): ErrorCode | 'accepted' {
  try {
    action();
  } catch (error) {
    if (isPosError(error)) return error.code;
    throw error;
  }
  return 'accepted';
}
