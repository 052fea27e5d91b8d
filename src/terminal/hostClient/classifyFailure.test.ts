import { describe, expect, it } from 'vitest';
import { PosError } from '../../core/PosError.js';
import { classifyFailure, systemErrorCode } from './classifyFailure.js';
import { isRetryable, skewServerTime } from './retryPolicy.js';

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe('systemErrorCode', () => {
  it('finds the deepest code along the cause chain and inside an AggregateError', () => {
    const wrapped = Object.assign(new Error('wrapper', { cause: systemError('ECONNRESET') }), {
      code: 'ERR_WRAPPED',
    });
    expect(systemErrorCode(wrapped)).toBe('ECONNRESET');
    expect(systemErrorCode(new AggregateError([systemError('ENETUNREACH')], ''))).toBe(
      'ENETUNREACH',
    );
    expect(systemErrorCode(new Error('no code'))).toBe('UNKNOWN');
    expect(systemErrorCode('a string')).toBe('UNKNOWN');
  });
});

describe('classifyFailure', () => {
  it('before the connection was up: HOST_UNREACHABLE, whatever the error', () => {
    for (const code of [
      'ECONNREFUSED',
      'ENOTFOUND',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'ECONNRESET',
    ]) {
      const error = classifyFailure(systemError(code), { connected: false });
      expect([error.code, error.details]).toEqual(['HOST_UNREACHABLE', { cause: code }]);
    }
  });

  it('after it was up: HOST_TIMEOUT (the outcome is unknown)', () => {
    const error = classifyFailure(systemError('ECONNRESET'), { connected: true });
    expect([error.code, error.details]).toEqual(['HOST_TIMEOUT', { cause: 'ECONNRESET' }]);
  });

  it('names which timer fired', () => {
    expect(
      classifyFailure(new Error('canceled'), { connected: false, timedOut: 'connect' }).details,
    ).toEqual({ cause: 'CONNECT_TIMEOUT' });
    const reply = classifyFailure(new Error('canceled'), { connected: true, timedOut: 'reply' });
    expect([reply.code, reply.details]).toEqual(['HOST_TIMEOUT', { cause: 'REPLY_TIMEOUT' }]);
  });

  it('bytes that are not HTTP, or too many of them, are HOST_REPLY_INVALID', () => {
    expect(classifyFailure(systemError('HPE_INVALID_CONSTANT'), { connected: true }).code).toBe(
      'HOST_REPLY_INVALID',
    );
    const tooLarge = Object.assign(new Error('maxContentLength size of 1048576 exceeded'), {
      code: 'ERR_BAD_RESPONSE',
    });
    expect(classifyFailure(tooLarge, { connected: true }).details).toEqual({
      cause: 'REPLY_TOO_LARGE',
    });
  });

  it('never carries the original error (it holds the request and its body)', () => {
    const error = classifyFailure(systemError('ECONNRESET'), { connected: true });
    expect(error.cause).toBeUndefined();
  });
});

describe('retry policy', () => {
  it('retries a resend only when it provably never reached the host', () => {
    const unreachable = new PosError('HOST_UNREACHABLE', 'x');
    const timeout = new PosError('HOST_TIMEOUT', 'x');
    expect(isRetryable(unreachable, 'not-sent-only')).toBe(true);
    expect(isRetryable(timeout, 'not-sent-only')).toBe(false);
    expect(isRetryable(timeout, 'outcome-safe')).toBe(true);
    expect(isRetryable(new PosError('INTERNAL', 'x'), 'outcome-safe')).toBe(false);
    expect(isRetryable(new PosError('HOST_REPLY_INVALID', 'x'), 'outcome-safe')).toBe(false);
  });

  it('reads the host time of a TIMESTAMP_SKEW, and nothing else', () => {
    const serverTime = '2026-11-23T08:30:00.000Z';
    expect(skewServerTime(new PosError('TIMESTAMP_SKEW', 'x', { details: { serverTime } }))).toBe(
      Date.parse(serverTime),
    );
    expect(skewServerTime(new PosError('TIMESTAMP_SKEW', 'x'))).toBeUndefined();
    expect(
      skewServerTime(new PosError('NONCE_REPLAYED', 'x', { details: { serverTime } })),
    ).toBeUndefined();
  });
});
