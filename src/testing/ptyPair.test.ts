import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openPtyPair } from './ptyPair.js';

describe('openPtyPair', () => {
  it('connects two pseudo-terminals and removes them on close', async () => {
    const pair = await openPtyPair();
    const a = await open(pair.a, 'r+');
    const b = await open(pair.b, 'r+');
    try {
      await a.write(Buffer.from('ping\r'));
      const buffer = Buffer.alloc(16);
      const { bytesRead } = await b.read(buffer, 0, 16);
      expect(buffer.subarray(0, bytesRead).toString()).toBe('ping\r');
    } finally {
      await a.close();
      await b.close();
    }
    expect(pair.running).toBe(true);
    await pair.close();
    expect(pair.running).toBe(false);
    expect(existsSync(pair.a)).toBe(false);
    expect(existsSync(pair.b)).toBe(false);
  });
});
