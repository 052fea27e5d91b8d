import { describe, expect, it } from 'vitest';
import { thrownCode } from '../testing/thrownCode.js';
import { hasErrorCode } from '../core/PosError.js';
import { checkSignedRequest, type TerminalCredentials } from './authenticate.js';
import {
  checkNonce,
  checkTimestamp,
  MAX_CLOCK_SKEW_SECONDS,
  NONCE_WINDOW_SECONDS,
  nonceExpiresAt,
} from './freshness.js';
import { generateTerminalKey, readAuthHeaders, signRequest, authHeaderFields } from './signing.js';

const NOW = 1_795_420_800;
const key = generateTerminalKey();
const terminal: TerminalCredentials = { key, disabled: false };
const request = { method: 'POST', pathWithQuery: '/v1/terminals/sign-in', body: '{}' };

function signedAt(timestampSeconds: number, signingKey = key) {
  return signRequest({ terminalId: 'T0000001', key: signingKey, ...request, timestampSeconds });
}

/** A host's nonce book in miniature: insert-if-absent, then the pure check. */
function nonceBook() {
  const seen = new Map<string, number>();
  return (terminalId: string, nonce: string, now: number) => {
    const id = `${terminalId}:${nonce}`;
    const first = seen.get(id);
    const live = first !== undefined && now <= nonceExpiresAt(first) ? first : undefined;
    if (live === undefined) seen.set(id, now);
    checkNonce(live, now);
  };
}

describe('checkSignedRequest: the host side of authentication', () => {
  it('accepts a request signed now with the right key', () => {
    expect(thrownCode(() => checkSignedRequest(signedAt(NOW), terminal, request, NOW))).toBe(
      'accepted',
    );
  });

  it('TERMINAL_UNKNOWN when the host has no such terminal', () => {
    expect(thrownCode(() => checkSignedRequest(signedAt(NOW), undefined, request, NOW))).toBe(
      'TERMINAL_UNKNOWN',
    );
  });

  it('TERMINAL_UNKNOWN when the headers name no terminal', () => {
    const fields = authHeaderFields(signedAt(NOW));
    expect(thrownCode(() => readAuthHeaders({ ...fields, 'x-pos-terminal': undefined }))).toBe(
      'TERMINAL_UNKNOWN',
    );
  });

  it('SIGNATURE_INVALID for another key, another body or another path', () => {
    const other = generateTerminalKey();
    expect(thrownCode(() => checkSignedRequest(signedAt(NOW, other), terminal, request, NOW))).toBe(
      'SIGNATURE_INVALID',
    );
    expect(
      thrownCode(() =>
        checkSignedRequest(signedAt(NOW), terminal, { ...request, body: '{ }' }, NOW),
      ),
    ).toBe('SIGNATURE_INVALID');
    expect(
      thrownCode(() =>
        checkSignedRequest(
          signedAt(NOW),
          terminal,
          { ...request, pathWithQuery: '/v1/payments' },
          NOW,
        ),
      ),
    ).toBe('SIGNATURE_INVALID');
  });

  it('TIMESTAMP_SKEW beyond 300 s either way, with the host time to correct by', () => {
    for (const offset of [-MAX_CLOCK_SKEW_SECONDS, 0, MAX_CLOCK_SKEW_SECONDS]) {
      expect(
        thrownCode(() => checkSignedRequest(signedAt(NOW + offset), terminal, request, NOW)),
      ).toBe('accepted');
    }
    for (const offset of [-MAX_CLOCK_SKEW_SECONDS - 1, MAX_CLOCK_SKEW_SECONDS + 1, 86_400]) {
      expect(
        thrownCode(() => checkSignedRequest(signedAt(NOW + offset), terminal, request, NOW)),
      ).toBe('TIMESTAMP_SKEW');
    }
    try {
      checkTimestamp(NOW - 1000, NOW);
    } catch (error) {
      expect(hasErrorCode(error, 'TIMESTAMP_SKEW') && error.details.serverTime).toBe(
        new Date(NOW * 1000).toISOString(),
      );
    }
  });

  it('checks the signature before the time, so only a key holder learns the host clock', () => {
    const stale = signedAt(NOW - 10_000, generateTerminalKey());
    expect(thrownCode(() => checkSignedRequest(stale, terminal, request, NOW))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('TERMINAL_DISABLED only for a correctly signed request from a disabled terminal', () => {
    const disabled = { ...terminal, disabled: true };
    expect(thrownCode(() => checkSignedRequest(signedAt(NOW), disabled, request, NOW))).toBe(
      'TERMINAL_DISABLED',
    );
    expect(
      thrownCode(() =>
        checkSignedRequest(signedAt(NOW, generateTerminalKey()), disabled, request, NOW),
      ),
    ).toBe('SIGNATURE_INVALID');
  });

  it('NONCE_REPLAYED for a nonce seen from the terminal within 600 s', () => {
    const record = nonceBook();
    const auth = signedAt(NOW);
    expect(thrownCode(() => record('T0000001', auth.nonce, NOW))).toBe('accepted');
    expect(thrownCode(() => record('T0000001', auth.nonce, NOW))).toBe('NONCE_REPLAYED');
    expect(thrownCode(() => record('T0000001', auth.nonce, NOW + NONCE_WINDOW_SECONDS))).toBe(
      'NONCE_REPLAYED',
    );
    // Another terminal may happen to draw the same nonce.
    expect(thrownCode(() => record('T0000002', auth.nonce, NOW))).toBe('accepted');
    // After the window the record may go; the timestamp check has long refused the request.
    expect(thrownCode(() => record('T0000001', auth.nonce, NOW + NONCE_WINDOW_SECONDS + 1))).toBe(
      'accepted',
    );
    expect(thrownCode(() => checkTimestamp(NOW, NOW + NONCE_WINDOW_SECONDS + 1))).toBe(
      'TIMESTAMP_SKEW',
    );
  });

  it('the nonce window covers every moment a replay could still pass the time check', () => {
    // First use at the earliest accepted moment, replay at the latest: still inside the window.
    const timestamp = NOW;
    const firstUse = timestamp - MAX_CLOCK_SKEW_SECONDS;
    const lastAccepted = timestamp + MAX_CLOCK_SKEW_SECONDS;
    expect(thrownCode(() => checkTimestamp(timestamp, lastAccepted))).toBe('accepted');
    expect(thrownCode(() => checkNonce(firstUse, lastAccepted))).toBe('NONCE_REPLAYED');
  });
});
