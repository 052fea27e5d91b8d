import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/Secret.js';
import { thrownCode } from '../../testing/thrownCode.js';
import { hashesEqual, HostCrypto } from './HostCrypto.js';
import { loadOrCreateMasterKey } from './masterKey.js';

describe('HostCrypto', () => {
  const crypto = new HostCrypto(randomBytes(32));

  it('hashes a PIN with its salt and a key from outside the database', () => {
    const hash = crypto.hashPin('salt-a', new Secret('739146'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashesEqual(hash, crypto.hashPin('salt-a', new Secret('739146')))).toBe(true);
    expect(hashesEqual(hash, crypto.hashPin('salt-b', new Secret('739146')))).toBe(false);
    expect(
      hashesEqual(hash, new HostCrypto(randomBytes(32)).hashPin('salt-a', new Secret('739146'))),
    ).toBe(false);
  });

  it('binds a code to its payment and to the code generation', () => {
    const code = new Secret('582037');
    const a = crypto.hashOtp('PA', 0, code);
    expect(hashesEqual(a, crypto.hashOtp('PB', 0, code))).toBe(false);
    expect(hashesEqual(a, crypto.hashOtp('PA', 1, code))).toBe(false);
    expect(hashesEqual(a, crypto.hashOtp('PA', 0, code))).toBe(true);
  });

  it('seals and opens text, and refuses a changed box or another key', () => {
    const box = crypto.seal('您的支付密码是739146');
    expect(box).not.toContain('739146');
    expect(crypto.open(box)).toBe('您的支付密码是739146');
    // Change the second-to-last character (always a whole 6 bits of data) to another one.
    const flipped = `${box.slice(0, -2)}${box.at(-2) === 'A' ? 'B' : 'A'}${box.slice(-1)}`;
    expect(flipped).not.toBe(box);
    expect(thrownCode(() => crypto.open(flipped))).toBe('INTERNAL');
    expect(thrownCode(() => new HostCrypto(randomBytes(32)).open(box))).toBe('INTERNAL');
  });

  it('refuses a master key of the wrong length', () => {
    expect(thrownCode(() => new HostCrypto(randomBytes(16)))).toBe('CONFIG_INVALID');
  });
});

describe('the master key file', () => {
  it('is created once with mode 0600, then read back the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'master-key-'));
    try {
      const path = join(dir, 'keys', 'master.key');
      const first = loadOrCreateMasterKey(path);
      expect(first).toHaveLength(32);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(loadOrCreateMasterKey(path)).toEqual(first);
      writeFileSync(path, 'not a key\n');
      expect(thrownCode(() => loadOrCreateMasterKey(path))).toBe('CONFIG_INVALID');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
