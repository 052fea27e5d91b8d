import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownCode } from '../testing/thrownCode.js';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import {
  authHeaderFields,
  canonicalRequest,
  generateNonce,
  generateTerminalKey,
  parseTerminalKey,
  readAuthHeaders,
  signRequest,
  verifySignature,
  type SignedParts,
} from './signing.js';

const key = generateTerminalKey();
const body = '{"type":"sale","batch":"000001","trace":"000123"}';

function signed(overrides: Partial<Parameters<typeof signRequest>[0]> = {}) {
  const input = {
    terminalId: 'T0000001',
    key,
    method: 'post',
    pathWithQuery: '/v1/payments',
    body,
    timestampSeconds: 1_795_420_800.9,
    ...overrides,
  };
  const headers = signRequest(input);
  const parts: SignedParts = {
    method: input.method.toUpperCase(),
    pathWithQuery: input.pathWithQuery,
    timestamp: headers.timestamp,
    nonce: headers.nonce,
    body: input.body,
  };
  return { headers, parts };
}

describe('signRequest', () => {
  it('stamps whole seconds, a fresh lower-hex nonce and a verifiable signature', () => {
    const { headers, parts } = signed();
    expect(headers.timestamp).toBe('1795420800');
    expect(headers.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(decodeBase64Url(headers.signature)?.length).toBe(32);
    expect(verifySignature(key, parts, headers.signature)).toBe(true);
    expect(signed().headers.nonce).not.toBe(headers.nonce);
  });

  it('signs the upper-case method and hashes a string body as UTF-8', () => {
    const text = '{"note":"收银台"}';
    const { headers } = signed({ method: 'post', body: text, nonce: '0'.repeat(32) });
    const bytes = signed({
      method: 'POST',
      body: Buffer.from(text, 'utf8'),
      nonce: '0'.repeat(32),
    });
    expect(headers.signature).toBe(bytes.headers.signature);
  });

  it('gives the header fields under their wire names', () => {
    const { headers } = signed();
    expect(authHeaderFields(headers)).toEqual({
      'x-pos-terminal': 'T0000001',
      'x-pos-timestamp': headers.timestamp,
      'x-pos-nonce': headers.nonce,
      'x-pos-signature': headers.signature,
    });
  });
});

describe('verifySignature', () => {
  it('fails when any byte of the signed request changes', () => {
    const { headers, parts } = signed();
    const fields = ['method', 'pathWithQuery', 'timestamp', 'nonce', 'body'] as const;
    const change = fc.record({
      field: fc.constantFrom(...fields),
      index: fc.nat(),
      mask: fc.integer({ min: 1, max: 255 }),
    });
    fc.assert(
      fc.property(change, ({ field, index, mask }) => {
        const original = Buffer.from(parts[field]);
        const altered = Buffer.from(original);
        const at = index % altered.length;
        altered[at] = (altered[at] ?? 0) ^ mask;
        const tampered = {
          ...parts,
          [field]: field === 'body' ? altered : altered.toString('latin1'),
        };
        expect(verifySignature(key, tampered, headers.signature)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('fails for every single-bit flip of every byte of the signed request', () => {
    const { headers, parts } = signed();
    const fields = ['method', 'pathWithQuery', 'timestamp', 'nonce', 'body'] as const;
    let tried = 0;
    for (const field of fields) {
      const original = Buffer.from(parts[field]);
      for (let index = 0; index < original.length; index += 1) {
        for (let bit = 0; bit < 8; bit += 1) {
          const altered = Buffer.from(original);
          altered[index] = (altered[index] ?? 0) ^ (1 << bit);
          const value = field === 'body' ? altered : altered.toString('latin1');
          expect(verifySignature(key, { ...parts, [field]: value }, headers.signature)).toBe(false);
          tried += 1;
        }
      }
    }
    expect(tried).toBeGreaterThan(8 * 100);
  });

  it('fails when any bit of the signature changes, and for any other key', () => {
    const { headers, parts } = signed();
    const raw = decodeBase64Url(headers.signature) ?? new Uint8Array();
    for (let index = 0; index < raw.length; index += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const altered = Uint8Array.from(raw);
        altered[index] = (altered[index] ?? 0) ^ (1 << bit);
        expect(verifySignature(key, parts, encodeBase64Url(altered))).toBe(false);
      }
    }
    expect(verifySignature(generateTerminalKey(), parts, headers.signature)).toBe(false);
  });

  it('fails for a signature that is not canonical base64url of 32 bytes', () => {
    const { headers, parts } = signed();
    const lastChar = headers.signature.at(-1) ?? 'A';
    // 32 bytes use 2 bits of the last character; changing an unused bit is a different string
    // for the same bytes, which a lenient decoder would accept.
    const sibling = String.fromCharCode(lastChar.charCodeAt(0) ^ 1);
    for (const bad of [
      '',
      `${headers.signature}=`,
      headers.signature.slice(0, -1),
      `${headers.signature}AA`,
      headers.signature.replace(/-/g, '+').replace(/_/g, '/') +
        (headers.signature.includes('-') ? '' : '+'),
      headers.signature.slice(0, -1) + sibling,
    ]) {
      expect(verifySignature(key, parts, bad), bad).toBe(false);
    }
  });

  it('covers the query string', () => {
    const { headers, parts } = signed({
      method: 'GET',
      body: '',
      pathWithQuery: '/v1/payments?batch=000001&trace=000123',
    });
    expect(verifySignature(key, parts, headers.signature)).toBe(true);
    expect(
      verifySignature(
        key,
        { ...parts, pathWithQuery: '/v1/payments?batch=000001&trace=000124' },
        headers.signature,
      ),
    ).toBe(false);
  });

  it('separates fields, so moving text from one field to the next changes the signature', () => {
    const base = {
      method: 'POST',
      pathWithQuery: '/v1/a',
      timestamp: '1',
      nonce: 'f'.repeat(32),
      body: '',
    };
    const shifted = { ...base, pathWithQuery: '/v1/a\n1', timestamp: '' };
    expect(canonicalRequest(base)).not.toBe(canonicalRequest(shifted));
  });
});

describe('readAuthHeaders', () => {
  const good = authHeaderFields(signed().headers);

  it('returns the four values of well-formed headers', () => {
    expect(readAuthHeaders(good)).toEqual({
      terminalId: 'T0000001',
      timestamp: good['x-pos-timestamp'],
      nonce: good['x-pos-nonce'],
      signature: good['x-pos-signature'],
    });
  });

  it.each([
    ['no terminal id', { 'x-pos-terminal': undefined }, 'TERMINAL_UNKNOWN'],
    ['a malformed terminal id', { 'x-pos-terminal': 'T1|x' }, 'TERMINAL_UNKNOWN'],
    ['a repeated terminal id', { 'x-pos-terminal': ['T0000001', 'T0000002'] }, 'TERMINAL_UNKNOWN'],
    ['no timestamp', { 'x-pos-timestamp': undefined }, 'SIGNATURE_INVALID'],
    [
      'a timestamp in milliseconds with a dot',
      { 'x-pos-timestamp': '1795420800.5' },
      'SIGNATURE_INVALID',
    ],
    ['a negative timestamp', { 'x-pos-timestamp': '-1' }, 'SIGNATURE_INVALID'],
    ['a timestamp with a leading zero', { 'x-pos-timestamp': '01795420800' }, 'SIGNATURE_INVALID'],
    ['no nonce', { 'x-pos-nonce': undefined }, 'SIGNATURE_INVALID'],
    ['an upper-case nonce', { 'x-pos-nonce': 'A'.repeat(32) }, 'SIGNATURE_INVALID'],
    ['a short nonce', { 'x-pos-nonce': 'a'.repeat(31) }, 'SIGNATURE_INVALID'],
    ['no signature', { 'x-pos-signature': undefined }, 'SIGNATURE_INVALID'],
    [
      'a padded signature',
      { 'x-pos-signature': `${good['x-pos-signature'] ?? ''}=` },
      'SIGNATURE_INVALID',
    ],
    [
      'a 31-byte signature',
      { 'x-pos-signature': encodeBase64Url(new Uint8Array(31)) },
      'SIGNATURE_INVALID',
    ],
  ])('rejects %s', (_what, change, code) => {
    expect(thrownCode(() => readAuthHeaders({ ...good, ...change }))).toBe(code);
  });
});

describe('keys and nonces', () => {
  it('prints and reads a terminal key as base64url of 32 bytes', () => {
    const text = encodeBase64Url(key);
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseTerminalKey(` ${text}\n`)).toEqual(key);
    expect(thrownCode(() => parseTerminalKey(text.slice(0, 42)))).toBe('CONFIG_INVALID');
    expect(thrownCode(() => parseTerminalKey(`${text}=`))).toBe('CONFIG_INVALID');
  });

  it('draws distinct nonces', () => {
    const nonces = new Set(Array.from({ length: 1000 }, generateNonce));
    expect(nonces.size).toBe(1000);
  });
});
