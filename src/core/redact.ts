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

/** Any name containing one of these anywhere is secret (`sslpassword`, `apiSecret`, `cardToken`). */
const SECRET_SUBSTRINGS = [
  'password',
  'passwd',
  'passphrase',
  'passcode',
  'secret',
  'token',
  'credential',
  'authorization',
  'cookie',
  'privatekey',
  'apikey',
  'pinblock',
];

/**
 * Whole words that are secret: `pwd`, a one-time code, the PIN block's ciphertext and key, and
 * a request signature (`x-pos-signature`: a MAC made with the terminal key; a log has no use
 * for it, and a header dump must not carry one).
 */
const SECRET_WORDS = /^(?:pwd|otps?\d*|ct|epk|signatures?)$/;

/** `pin…` is the PIN itself (`pin`, `pin1`, `pinNumber`, `PINCode`) unless followed by one of these. */
const PIN_SAFE_NEXT = new Set([
  'key',
  'keys',
  'attempt',
  'attempts',
  'failure',
  'failures',
  'tries',
  'retries',
  'count',
  'counter',
  'length',
  'lock',
  'locked',
  'lockout',
  'status',
  'left',
  'policy',
  'pad',
  'incorrect',
  'invalid',
]);

/** `…key` followed by nothing or by an encoding (`keyB64`, `privateKeyHex`) is key material. */
const KEY_ENCODINGS = new Set(['b64', 'base64', 'base64url', 'hex', 'pem', 'der', 'raw', 'bytes']);

/** `…key` is not secret after these (public keys, idempotency keys…). */
// `pinKey` in the protocol is the host's public PIN key; its private half is `pinPrivateKey`.
const NON_SECRET_KEY_PREFIXES = new Set([
  'public',
  'pin',
  'idempotency',
  'sort',
  'cache',
  'primary',
  'foreign',
]);

/** `…code` after these is a one-time code (`smsCode`, `verificationCode`). */
const CODE_PREFIXES = new Set([
  'sms',
  'verification',
  'dynamic',
  'time',
  'otp',
  'confirmation',
  'security',
  'pin',
]);

/** Splits `smsCode`, `SMSCode`, `PINBlock`, `api-key`, `pin_hash` into lower-case words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

function isSecretWord(parts: string[], i: number): boolean {
  const word = parts[i] ?? '';
  const next = parts[i + 1];
  const previous = parts[i - 1];
  if (SECRET_SUBSTRINGS.some((secret) => word.includes(secret))) return true;
  if (SECRET_WORDS.test(word)) return true;
  if (/^pins?\d*$/.test(word)) return next === undefined || !PIN_SAFE_NEXT.has(next);
  if (/^keys?\d*$/.test(word)) {
    const keyMaterial = next === undefined || KEY_ENCODINGS.has(next);
    return keyMaterial && (previous === undefined || !NON_SECRET_KEY_PREFIXES.has(previous));
  }
  if (/^codes?$/.test(word)) return previous !== undefined && CODE_PREFIXES.has(previous);
  return false;
}

/** True when a property or parameter called `name` holds a secret. */
export function isSecretKey(name: string): boolean {
  const parts = words(name);
  return parts.some((_word, i) => isSecretWord(parts, i));
}

/** A PIN block, whatever it is called: `{ keyId, epk, iv, ct, tag }`. */
function looksLikePinBlock(value: object): boolean {
  return ['epk', 'iv', 'ct', 'tag'].every((field) => Object.hasOwn(value, field));
}

const PEM_PRIVATE_KEY =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
/** `scheme://user:password@host`; the user may be empty, the password may contain `@`. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^/?#\s]+)(@)/gi;
/**
 * `name = value`, `name: value`, `"name":"value"`, `"name":{…}`, `"name":[…]`, and the same
 * inside escaped JSON (`\"name\":\"value\"`). An already redacted value is matched whole, so
 * redacting twice gives the same text as once.
 */
const NAMED_VALUE = new RegExp(
  [
    String.raw`((?:\\)?["']|)`, // opening quote of the name, maybe escaped
    String.raw`([A-Za-z_][A-Za-z0-9_-]*)\1`,
    String.raw`(\s*[:=]\s*)`,
    '(',
    [
      String.raw`\[REDACTED\]`,
      String.raw`\\"[^"]*?\\"`, // escaped string
      String.raw`(?:Bearer|Basic) \S+`,
      String.raw`"(?:[^"\\]|\\.)*"`,
      String.raw`'[^']*'`,
      String.raw`\{[^{}]*\}`,
      String.raw`\[[^[\]]*\]`,
      String.raw`[^\s,&;)}\]"'\\]+`,
    ].join('|'),
    ')',
  ].join(''),
  'g',
);
const AUTH_HEADER = /(?<![A-Za-z])(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
/**
 * A 6-digit number shortly after a word for a PIN or code: `PIN entered: 123456`, `otp 141414`.
 * The gap may not cross brackets, so it never reaches past an earlier `[REDACTED]`, and the word
 * is delimited by non-letters rather than `\b`, so a digit before it counts the same as the
 * `]` that replaces it.
 */
const DIGITS_AFTER_SECRET_WORD =
  /((?<![A-Za-z_])(?:pins?|otps?|passcode|password|code)(?![A-Za-z_])|验证码|动态密码|密码)([^\d\n[\]]{0,16}?)(?<!\d)\d{6}(?!\d)/gi;

/** The same, with the number before the word: `keyed 482915 as the PIN`. */
const DIGITS_BEFORE_SECRET_WORD =
  /(?<!\d)\d{6}(?!\d)([^\d\n[\]]{0,12}?(?:(?<![A-Za-z_])(?:pins?|otps?)(?![A-Za-z_])|验证码|动态密码|密码))/gi;

/**
 * Redacts secrets that appear inside a piece of free text. Idempotent: the passes are repeated
 * until nothing changes, since one replacement can make another pattern match.
 */
export function redactString(text: string): string {
  let current = text;
  for (let pass = 0; pass < 4; pass += 1) {
    const next = redactOnce(current);
    if (next === current) return next;
    current = next;
  }
  return current;
}

function redactOnce(text: string): string {
  return text
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(URL_PASSWORD, `$1${REDACTED}$3`)
    .replace(AUTH_HEADER, `$1 ${REDACTED}`)
    .replace(NAMED_VALUE, (match, quote: string, name: string, separator: string, raw: string) => {
      if (!isSecretKey(name)) return match;
      let replacement = REDACTED;
      if (raw.startsWith('\\"')) replacement = `\\"${REDACTED}\\"`;
      else if (raw.startsWith('"') || raw.startsWith('{')) replacement = `"${REDACTED}"`;
      return `${quote}${name}${quote}${separator}${replacement}`;
    })
    .replace(DIGITS_AFTER_SECRET_WORD, `$1$2${REDACTED}`)
    .replace(DIGITS_BEFORE_SECRET_WORD, `${REDACTED}$1`);
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
  if (looksLikePinBlock(value)) return REDACTED;
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
