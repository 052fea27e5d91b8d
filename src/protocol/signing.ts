import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PosError } from '../core/PosError.js';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { terminalId as terminalIdSchema } from './fields.js';

/** Header names, lower case as Node presents them (HTTP header names are case-insensitive). */
export const AUTH_HEADERS = {
  terminal: 'x-pos-terminal',
  timestamp: 'x-pos-timestamp',
  nonce: 'x-pos-nonce',
  signature: 'x-pos-signature',
} as const;

/** Length of a terminal key in bytes. */
export const TERMINAL_KEY_BYTES = 32;

/** The parts of a request that the signature covers. */
export interface SignedParts {
  /** Upper-case HTTP method. */
  method: string;
  /** Path and query exactly as on the request line, e.g. `/v1/payments?batch=000001&trace=000123`. */
  pathWithQuery: string;
  /** Unix seconds as sent in `X-Pos-Timestamp` (the exact string). */
  timestamp: string;
  /** 32 lower-case hex characters, as sent in `X-Pos-Nonce`. */
  nonce: string;
  /** The raw body bytes (a string is taken as UTF-8); empty for a GET. */
  body: Uint8Array | string;
}

/** The four authentication headers of a signed request. */
export interface AuthHeaders {
  terminalId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** `METHOD \n PATH_WITH_QUERY \n TIMESTAMP \n NONCE \n hex(SHA-256(body))`. */
export function canonicalRequest(parts: SignedParts): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex');
  return [parts.method, parts.pathWithQuery, parts.timestamp, parts.nonce, bodyHash].join('\n');
}

/** base64url (no padding) of HMAC-SHA256(key, canonical request). */
export function computeSignature(key: Uint8Array, parts: SignedParts): string {
  return encodeBase64Url(createHmac('sha256', key).update(canonicalRequest(parts)).digest());
}

/** A fresh random nonce: 16 bytes as 32 lower-case hex characters. */
export function generateNonce(): string {
  return randomBytes(16).toString('hex');
}

/** A fresh random terminal key (32 bytes). */
export function generateTerminalKey(): Uint8Array {
  return new Uint8Array(randomBytes(TERMINAL_KEY_BYTES));
}

/** Reads a terminal key in its printed form (base64url of 32 bytes); `CONFIG_INVALID` otherwise. */
export function parseTerminalKey(text: string): Uint8Array {
  const key = decodeBase64Url(text.trim());
  if (key?.length !== TERMINAL_KEY_BYTES) {
    throw new PosError('CONFIG_INVALID', 'terminal key must be base64url of 32 bytes');
  }
  return key;
}

export interface SignRequestInput {
  terminalId: string;
  key: Uint8Array;
  method: string;
  pathWithQuery: string;
  body: Uint8Array | string;
  /** Unix seconds; the terminal passes its clock's time. */
  timestampSeconds: number;
  /** Defaults to a fresh random nonce; pass one only to reproduce a test vector. */
  nonce?: string;
}

/** Signs a request: the header values the terminal sends with it. */
export function signRequest(input: SignRequestInput): AuthHeaders {
  const parts: SignedParts = {
    method: input.method.toUpperCase(),
    pathWithQuery: input.pathWithQuery,
    timestamp: String(Math.floor(input.timestampSeconds)),
    nonce: input.nonce ?? generateNonce(),
    body: input.body,
  };
  return {
    terminalId: input.terminalId,
    timestamp: parts.timestamp,
    nonce: parts.nonce,
    signature: computeSignature(input.key, parts),
  };
}

/** The authentication headers as an object to merge into an HTTP request's headers. */
export function authHeaderFields(headers: AuthHeaders): Record<string, string> {
  return {
    [AUTH_HEADERS.terminal]: headers.terminalId,
    [AUTH_HEADERS.timestamp]: headers.timestamp,
    [AUTH_HEADERS.nonce]: headers.nonce,
    [AUTH_HEADERS.signature]: headers.signature,
  };
}

type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

function single(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads the four headers from a request (lower-case names, as Node gives them) and checks
 * their form. A missing or malformed terminal id is `TERMINAL_UNKNOWN`; any other missing,
 * repeated or malformed header is `SIGNATURE_INVALID`.
 */
export function readAuthHeaders(headers: HeaderBag): AuthHeaders {
  const terminalId = single(headers, AUTH_HEADERS.terminal);
  if (terminalId === undefined || !terminalIdSchema.safeParse(terminalId).success) {
    throw new PosError('TERMINAL_UNKNOWN', 'missing or malformed X-Pos-Terminal');
  }
  const timestamp = single(headers, AUTH_HEADERS.timestamp);
  const nonce = single(headers, AUTH_HEADERS.nonce);
  const signature = single(headers, AUTH_HEADERS.signature);
  if (timestamp === undefined || !/^(?:0|[1-9]\d{0,11})$/.test(timestamp)) {
    throw new PosError('SIGNATURE_INVALID', 'missing or malformed X-Pos-Timestamp');
  }
  if (nonce === undefined || !/^[0-9a-f]{32}$/.test(nonce)) {
    throw new PosError('SIGNATURE_INVALID', 'missing or malformed X-Pos-Nonce');
  }
  if (signature === undefined || decodeBase64Url(signature)?.length !== 32) {
    throw new PosError('SIGNATURE_INVALID', 'missing or malformed X-Pos-Signature');
  }
  return { terminalId, timestamp, nonce, signature };
}

/**
 * True when `signature` is the right one for `parts` under `key`. The comparison takes the
 * same time wherever the first difference is (no timing oracle); a signature that is not
 * canonical base64url of 32 bytes is simply wrong.
 */
export function verifySignature(key: Uint8Array, parts: SignedParts, signature: string): boolean {
  const given = decodeBase64Url(signature);
  const expected = createHmac('sha256', key).update(canonicalRequest(parts)).digest();
  if (given?.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
