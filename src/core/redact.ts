import { REDACTED, Secret } from './Secret.js';

/**
 * Removes secrets from anything about to be logged or shown: PINs, one-time codes, PIN
 * blocks, keys, passwords, tokens, and the password in a URL. The logger calls this on every
 * argument, so call sites never need to remember.
 *
 * How a secret is recognised:
 * - by the name it is stored under, at any depth (`pin`, `pinBlock`, `otp`, `supervisorPassword`,
 *   `terminalKey`, `cardToken`, `authorization`…, see {@link isSecretKey});
 * - by the same names inside strings (`pin=123456`, `{"otp":"123456"}`, a JSON body);
 * - by type: a {@link Secret}, a PEM private key, raw bytes (shown only as their length).
 *
 * Returns a copy; the input is never changed.
 */
export function redactSecrets(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}

const MAX_DEPTH = 12;

/** Words that make any key containing them secret. */
const SECRET_WORDS = new Set([
  'otp',
  'otps',
  'password',
  'passwords',
  'passwd',
  'passcode',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'authorization',
  'cookie',
  'pinblock',
  'pin',
  'pins',
]);

/** `pin` followed by one of these is still the PIN (`pinBlock`); others are about it (`pinAttempts`). */
const PIN_QUALIFIERS = new Set(['block', 'hash', 'code', 'digits', 'value', 'salt', 'plain']);

/** `…key` is secret unless it is one of these (public keys are not secrets). */
// `pinKey` in the protocol is the host's public PIN key; its private half is `pinPrivateKey`.
const NON_SECRET_KEY_PREFIXES = new Set([
  'public',
  'pin',
  'idempotency',
  'sort',
  'cache',
  'primary',
]);

/** Two-word names for a one-time code. */
const CODE_PREFIXES = new Set(['sms', 'verification', 'dynamic', 'time', 'otp', 'confirmation']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** True when a property or parameter called `name` holds a secret. */
export function isSecretKey(name: string): boolean {
  const parts = words(name);
  return parts.some((word, i) => {
    const next = parts[i + 1];
    const previous = parts[i - 1];
    if (word === 'pin' || word === 'pins') {
      return next === undefined || PIN_QUALIFIERS.has(next);
    }
    if (SECRET_WORDS.has(word)) return true;
    if (word === 'key' || word === 'keys') {
      return (
        next === undefined && (previous === undefined || !NON_SECRET_KEY_PREFIXES.has(previous))
      );
    }
    if (word === 'privatekey') return true;
    if (word === 'code') return previous !== undefined && CODE_PREFIXES.has(previous);
    return false;
  });
}

const PEM_PRIVATE_KEY =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+:)([^@/?#\s]+)(@)/gi;
/**
 * `name = value`, `name: value`, `"name":"value"`, `"name":{…}` inside free text. An already
 * redacted value is matched whole, so redacting twice gives the same text as once.
 */
const NAMED_VALUE =
  /(["']?)([A-Za-z_][A-Za-z0-9_-]*)\1(\s*[:=]\s*)(\[REDACTED\]|(?:Bearer|Basic) \S+|"(?:[^"\\]|\\.)*"|'[^']*'|\{[^{}]*\}|[^\s,&;)}\]"']+)/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

/** Redacts secrets that appear inside a piece of free text. Idempotent. */
export function redactString(text: string): string {
  return text
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(URL_PASSWORD, `$1${REDACTED}$3`)
    .replace(AUTH_HEADER, `$1 ${REDACTED}`)
    .replace(NAMED_VALUE, (match, quote: string, name: string, separator: string, raw: string) => {
      if (!isSecretKey(name)) return match;
      const replacement = raw.startsWith('"') || raw.startsWith('{') ? `"${REDACTED}"` : REDACTED;
      return `${quote}${name}${quote}${separator}${replacement}`;
    });
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (value instanceof Secret) return REDACTED;
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `[${value.byteLength} bytes]`;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
    if (value instanceof Map) return redactEntries([...value.entries()], depth, seen);
    if (value instanceof Set) return [...value].map((item) => redactValue(item, depth + 1, seen));
    if (value instanceof Error) return redactError(value, depth, seen);
    return redactEntries(Object.entries(value), depth, seen);
  } finally {
    seen.delete(value);
  }
}

function redactEntries(
  entries: [unknown, unknown][],
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, item] of entries) {
    const key = String(rawKey);
    out[key] = isSecretKey(key) ? REDACTED : redactValue(item, depth + 1, seen);
  }
  return out;
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const own = redactEntries(Object.entries(error), depth, seen);
  const out: Record<string, unknown> = {
    type: error.name,
    message: redactString(error.message),
    ...own,
  };
  if (error.stack !== undefined) out.stack = redactString(error.stack);
  if (error.cause !== undefined) out.cause = redactValue(error.cause, depth + 1, seen);
  return out;
}
