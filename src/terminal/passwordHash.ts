import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PosError } from '../core/PosError.js';
import type { Secret } from '../core/Secret.js';
import { decodeBase64Url, encodeBase64Url } from '../protocol/base64url.js';

/**
 * Password hashes in the terminal config: `scrypt$N$r$p$salt$hash` (salt and hash base64url,
 * 32-byte key). The supervisor password (voids, refunds) and the technician password (the
 * serial console) are both stored this way, never in clear.
 */
export interface ParsedPasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

const KEY_BYTES = 32;
const PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;
const COST = { N: 32768, r: 8, p: 1 };

function derive(
  password: string,
  salt: Uint8Array,
  cost: Pick<ParsedPasswordHash, 'N' | 'r' | 'p'>,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/**
 * Reads a stored hash. Throws `CONFIG_INVALID` naming what is wrong (`what` says which hash),
 * never echoing the value.
 */
export function parsePasswordHash(text: string, what: string): ParsedPasswordHash {
  const match = PATTERN.exec(text);
  if (!match) {
    throw new PosError('CONFIG_INVALID', `${what} is not scrypt$N$r$p$salt$hash`);
  }
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = decodeBase64Url(match[4] ?? '');
  const hash = decodeBase64Url(match[5] ?? '');
  if (N < 1024 || (N & (N - 1)) !== 0 || r < 1 || p < 1 || r * p > 64) {
    throw new PosError('CONFIG_INVALID', `${what} has unusable scrypt costs`);
  }
  if (!salt || salt.length < 16 || hash?.length !== KEY_BYTES) {
    throw new PosError('CONFIG_INVALID', `${what} has a bad salt or hash`);
  }
  return { N, r, p, salt, hash };
}

/**
 * A config or state field holding such a hash: a string that {@link parsePasswordHash}
 * accepts, with its problem (never the value) as the issue.
 */
export function passwordHashField(what: string) {
  return z.string().superRefine((text, ctx) => {
    try {
      parsePasswordHash(text, what);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
}

/** Hashes `password` (scrypt, N=2^15, r=8, p=1, 16-byte random salt) for the config. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${encodeBase64Url(salt)}$${encodeBase64Url(hash)}`;
}

/** True when `password` matches `stored`. Takes the same time whatever the input. */
export async function passwordMatches(
  stored: ParsedPasswordHash,
  password: Secret,
): Promise<boolean> {
  const key = await derive(password.reveal(), stored.salt, stored);
  return timingSafeEqual(key, stored.hash);
}
