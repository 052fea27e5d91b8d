import { PosError } from '../../core/PosError.js';
import type { Secret } from '../../core/Secret.js';
import { systemClock, type Clock } from '../../core/clock.js';
import {
  hashPassword,
  parsePasswordHash,
  passwordMatches,
  type ParsedPasswordHash,
} from '../passwordHash.js';

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

/**
 * Reads a stored supervisor hash `scrypt$N$r$p$salt$hash` (see passwordHash.ts). Throws
 * `CONFIG_INVALID` naming what is wrong, never echoing the value.
 */
export function parseSupervisorHash(text: string): ParsedPasswordHash {
  return parsePasswordHash(text, 'supervisor password hash');
}

/** Hashes a new supervisor password for the terminal config (scrypt, N=2^15, r=8, p=1). */
export async function hashSupervisorPassword(password: string): Promise<string> {
  if (!/^\d{4,12}$/.test(password)) {
    throw new PosError('CONFIG_INVALID', 'a supervisor password is 4 to 12 digits');
  }
  return hashPassword(password);
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
      if (await passwordMatches(stored, password)) {
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
