import { createHash } from 'node:crypto';
import type { ErrorCode } from '../../core/errorCodes.js';
import { PosError } from '../../core/PosError.js';
import { toWireError } from '../../protocol/errorReply.js';
import type { StoredReply } from '../store/schema.js';

/** A success reply. */
export function reply(status: number, body: Record<string, unknown>): StoredReply {
  return { status, body };
}

/**
 * An error reply that is an outcome to keep, not a rollback: a decline (wrong PIN, lock,
 * funds) is committed with the payment and replayed as-is when the terminal retries.
 */
export function declineReply(
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): StoredReply {
  const wire = toWireError(new PosError(code, message, { details: extra }));
  return { status: wire.status, body: wire.body };
}

/**
 * A fingerprint of a request's content, independent of key order and spacing, to tell a
 * retry (same key, same content) from a conflict (same key, other content).
 */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
