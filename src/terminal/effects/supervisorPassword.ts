import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PosError } from '../../core/PosError.js';
import type { Secret } from '../../core/Secret.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { decodeBase64Url, encodeBase64Url } from '../../protocol/base64url.js';

/** Checks the supervisor password that guards voids and refunds. */
export interface SupervisorCheck {
  /**
   * True when `password` is the supervisor's. Takes the same time whatever the input. After
   * too many wrong passwords in a row it refuses every attempt for a while with
   * `SUPERVISOR_LOCKED` (`details.lockedUntil`), so the password cannot be guessed by trying.
   */
  verify(password: Secret): Promise<boolean>;
}

/** How many wrong passwords in a row lock voids and refunds, and for how long. */
export interface SupervisorLockout {
  clock: Clock;
  /** Default 5 (across transactions: the flow's own limit of 3 ends one attempt). */
  maxFailures?: number;
  /** Default 15 minutes. */
  lockMs?: number;
}

const KEY_BYTES = 32;
const PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

function derive(password: string, salt: Uint8Array, cost: Omit<ParsedHash, 'salt' | 'hash'>) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { ...cost, maxmem: 256 * cost.N * cost.r }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/**
 * Reads a stored hash `scrypt$N$r$p$salt$hash` (salt and hash base64url). Throws
 * `CONFIG_INVALID` naming what is wrong, never echoing the value.
 */
export function parseSupervisorHash(text: string): ParsedHash {
  const match = PATTERN.exec(text);
  if (!match) {
    throw new PosError('CONFIG_INVALID', 'supervisor password hash is not scrypt$N$r$p$salt$hash');
  }
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = decodeBase64Url(match[4] ?? '');
  const hash = decodeBase64Url(match[5] ?? '');
  if (N < 1024 || (N & (N - 1)) !== 0 || r < 1 || p < 1 || r * p > 64) {
    throw new PosError('CONFIG_INVALID', 'supervisor password hash has unusable scrypt costs');
  }
  if (!salt || salt.length < 16 || hash?.length !== KEY_BYTES) {
    throw new PosError('CONFIG_INVALID', 'supervisor password hash has a bad salt or hash');
  }
  return { N, r, p, salt, hash };
}

/** Hashes a new supervisor password for the terminal config (scrypt, N=2^15, r=8, p=1). */
export async function hashSupervisorPassword(password: string): Promise<string> {
  if (!/^\d{4,12}$/.test(password)) {
    throw new PosError('CONFIG_INVALID', 'a supervisor password is 4 to 12 digits');
  }
  const cost = { N: 32768, r: 8, p: 1 };
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${encodeBase64Url(salt)}$${encodeBase64Url(hash)}`;
}

/**
 * A {@link SupervisorCheck} against a stored hash (validated now, so a bad config fails at
 * start). The count of wrong passwords lives in memory: a restart clears it.
 */
export function createSupervisorCheck(
  storedHash: string,
  lockout: SupervisorLockout = { clock: systemClock },
): SupervisorCheck {
  const stored = parseSupervisorHash(storedHash);
  const maxFailures = lockout.maxFailures ?? 5;
  const lockMs = lockout.lockMs ?? 15 * 60 * 1000;
  let failures = 0;
  let lockedUntil = 0;
  return {
    async verify(password) {
      const now = lockout.clock.now();
      if (now < lockedUntil) {
        throw new PosError('SUPERVISOR_LOCKED', 'too many wrong supervisor passwords', {
          details: { lockedUntil: new Date(lockedUntil).toISOString() },
        });
      }
      const key = await derive(password.reveal(), stored.salt, stored);
      if (timingSafeEqual(key, stored.hash)) {
        failures = 0;
        return true;
      }
      failures += 1;
      if (failures >= maxFailures) {
        failures = 0;
        lockedUntil = lockout.clock.now() + lockMs;
      }
      return false;
    },
  };
}
