import { writeTerminalConfig } from '../testing/terminalConfigFile.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/logger.js';
import { isPosError } from '../core/PosError.js';
import { FakeKeypad } from '../../drivers/keypad/FakeKeypad.js';
import { FakeCardReader } from '../../drivers/nfc/FakeCardReader.js';
import { FakePrinter } from '../../drivers/printer/FakePrinter.js';
import { LiveHost } from '../testing/LiveHost.js';
import { useTestDatabase } from '../testing/useTestDatabase.js';
import { stateName, type Terminal } from './createTerminal.js';
import type { HostLink } from './hostClient/HostClient.js';
import { openTerminal } from './openTerminal.js';
import { loadTerminalConfig } from './terminalConfig.js';

describe('openTerminal against a live host', () => {
  const database = useTestDatabase('pglite');
  let host: LiveHost | undefined;
  let terminal: Terminal | undefined;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'combopay-open-'));
  });
  afterEach(async () => {
    await terminal?.stop();
    await host?.close();
    terminal = undefined;
    host = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(links: HostLink[]): Promise<Terminal> {
    host = await LiveHost.start(database.db);
    const { terminalId, key } = await host.addTerminal('T0000077');
    const configFile = await writeTerminalConfig(dir, { terminalId, key, hostUrl: host.url });
    const opened = openTerminal(
      loadTerminalConfig({ file: configFile }),
      { reader: new FakeCardReader(), keypad: new FakeKeypad(), printer: new FakePrinter() },
      {
        clock: systemClock,
        logger: createLogger({ name: 'terminal', level: 'silent' }),
        onHostLink: (link) => links.push(link),
      },
    );
    terminal = opened;
    await opened.start();
    await waitFor(opened.actor, (snapshot) => stateName(snapshot) === 'idle', { timeout: 10_000 });
    return opened;
  }

  it('tells onHostLink what each exchange showed, and pings the host with hostHealth', async () => {
    const links: HostLink[] = [];
    const opened = await start(links);
    // Signing in and recovering took exchanges, each one answered.
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link).toEqual({ reachable: true, latencyMs: expect.any(Number) as unknown });
    }

    const before = links.length;
    const health = await opened.hostHealth();
    expect(health).toEqual({ latencyMs: expect.any(Number) as unknown });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(links.slice(before)).toEqual([{ reachable: true, latencyMs: health.latencyMs }]);

    await host?.close();
    host = undefined;
    const failed = await opened.hostHealth().then(
      () => undefined,
      (error: unknown) => error,
    );
    // A kept-alive connection that the host's close cut counts as "sent, no reply".
    expect(isPosError(failed) && ['HOST_UNREACHABLE', 'HOST_TIMEOUT'].includes(failed.code)).toBe(
      true,
    );
    expect(links.at(-1)).toEqual({ reachable: false });
  });
});
