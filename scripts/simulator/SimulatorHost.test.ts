import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { sendAdminRequest } from '../../src/host/cli/adminSocket.js';
import { SimulatorHost } from './SimulatorHost.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'combopay-simhost-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const logger = createLogger({ name: 'host', level: 'silent' });

describe('SimulatorHost', () => {
  it('serves HTTP on loopback and the admin socket, keeps its data, and refuses a second opener', async () => {
    const host = await SimulatorHost.start({ dataDir, language: 'en', logger });
    const socket = path.join(dataDir, 'admin.sock');
    try {
      const health = await fetch(`${host.url}/v1/health`);
      expect(health.status).toBe(200);
      expect(existsSync(path.join(dataDir, 'keys', 'master.key'))).toBe(true);

      // `pos-host accounts enroll` from another shell reaches the running host.
      const enrolled = await sendAdminRequest(socket, {
        argv: ['accounts', 'enroll', '--msisdn', '13900139000', '--card-uid', '04AABBCCDDEEFF'],
        actor: 'test',
      });
      expect(enrolled).toMatchObject({ ok: true });

      // The database belongs to this host: another one on the directory is refused.
      await expect(SimulatorHost.start({ dataDir, language: 'en', logger })).rejects.toThrow(
        /pos-host serve\) is running/,
      );
    } finally {
      await host.close();
      await host.close();
    }
    expect(existsSync(socket)).toBe(false);

    const again = await SimulatorHost.start({ dataDir, language: 'en', logger });
    try {
      expect(await again.account('13900139000')).toMatchObject({ cardUid: '04AABBCCDDEEFF' });
    } finally {
      await again.close();
    }
  });
});
