import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ManualClock.js';
import { Secret } from '../../core/Secret.js';
import {
  createSupervisorCheck,
  hashSupervisorPassword,
  parseSupervisorHash,
} from './supervisorPassword.js';

describe('supervisor password', () => {
  it('accepts the password it was hashed from and nothing else', async () => {
    const stored = await hashSupervisorPassword('2468');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('2468');
    const check = createSupervisorCheck(stored);
    expect(await check.verify(new Secret('2468'))).toBe(true);
    for (const wrong of ['2469', '246', '24680', '', '8642']) {
      expect(await check.verify(new Secret(wrong))).toBe(false);
    }
  });

  it('salts each hash, so the same password never hashes the same', async () => {
    expect(await hashSupervisorPassword('1357')).not.toBe(await hashSupervisorPassword('1357'));
  });

  it('refuses passwords that are not 4 to 12 digits', async () => {
    for (const bad of ['123', '1234567890123', '12a4', '']) {
      await expect(hashSupervisorPassword(bad)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });

  it('refuses a malformed or weak stored hash at start-up, without echoing it', async () => {
    const good = await hashSupervisorPassword('2468');
    const [, , , , salt, hash] = good.split('$');
    const bad = [
      'plain-text-2468',
      `scrypt$1000$8$1$${salt}$${hash}`, // N not a power of two
      `scrypt$512$8$1$${salt}$${hash}`, // N too small
      `scrypt$32768$8$1$AAAA$${hash}`, // salt too short
      `scrypt$32768$8$1$${salt}$AAAA`, // hash of the wrong length
      `scrypt$32768$0$1$${salt}$${hash}`,
    ];
    for (const text of bad) {
      let message = '';
      try {
        parseSupervisorHash(text);
      } catch (error) {
        message = String(error);
        expect((error as { code?: string }).code).toBe('CONFIG_INVALID');
      }
      expect(message, text).not.toBe('');
      expect(message).not.toContain(text);
    }
  });
});

describe('supervisor lockout', () => {
  it('refuses every attempt for a while after too many wrong passwords in a row', async () => {
    const clock = new ManualClock();
    const check = createSupervisorCheck(await hashSupervisorPassword('2468'), {
      clock,
      maxFailures: 3,
      lockMs: 60_000,
    });
    expect(await check.verify(new Secret('1111'))).toBe(false);
    expect(await check.verify(new Secret('2468'))).toBe(true); // a right one resets the count
    for (let i = 0; i < 3; i += 1) expect(await check.verify(new Secret('1111'))).toBe(false);
    const locked = check.verify(new Secret('2468'));
    await expect(locked).rejects.toMatchObject({
      code: 'SUPERVISOR_LOCKED',
      details: { lockedUntil: new Date(clock.now() + 60_000).toISOString() },
    });
    clock.advance(59_999);
    await expect(check.verify(new Secret('2468'))).rejects.toMatchObject({
      code: 'SUPERVISOR_LOCKED',
    });
    clock.advance(1);
    expect(await check.verify(new Secret('2468'))).toBe(true);
  });
});
