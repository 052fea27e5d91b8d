import { writeTerminalConfig } from '../../testing/terminalConfigFile.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveHost } from '../../testing/LiveHost.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/**
 * A fake systemd notify socket: `socat -x` receives on a real AF_UNIX datagram socket and
 * hex-dumps each datagram on stderr under a `> … length=N` header (as in systemdNotify.test.ts).
 */
class FakeNotifySocket {
  readonly #process: ChildProcess;
  #stderr = '';

  constructor(readonly socketPath: string) {
    this.#process = spawn('socat', ['-u', '-x', `UNIX-RECV:${socketPath}`, '/dev/null'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#process.stderr?.setEncoding('utf8');
    this.#process.stderr?.on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
  }

  /** The assignments received so far, in order, whatever datagrams they came in. */
  assignments(): string[] {
    const bytes: number[] = [];
    for (const line of this.#stderr.split('\n')) {
      if (!line.startsWith('>') && /^[\s0-9a-f]+$/.test(line) && line.trim() !== '') {
        bytes.push(
          ...line
            .trim()
            .split(/\s+/)
            .map((hex) => parseInt(hex, 16)),
        );
      }
    }
    return Buffer.from(bytes)
      .toString('utf8')
      .split('\n')
      .filter((assignment) => assignment !== '');
  }

  stop(): void {
    this.#process.kill();
  }
}

describe('pos-terminal under systemd (Type=notify)', () => {
  const database = useTestDatabase('pglite');
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('sends READY once idle, WATCHDOG from its loop, STOPPING on SIGTERM, and exits 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'combopay-notify-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const host = await LiveHost.start(database.db);
    cleanups.push(() => host.close());
    const { terminalId, key } = await host.addTerminal('T0000089');
    const configFile = await writeTerminalConfig(dir, {
      terminalId,
      key,
      hostUrl: host.url,
      simulatorDevices: true,
    });

    const socketPath = path.join(dir, 'notify.sock');
    const notify = new FakeNotifySocket(socketPath);
    cleanups.push(() => {
      notify.stop();
    });
    await vi.waitFor(() => {
      expect(existsSync(socketPath)).toBe(true);
    });

    // Not the caller's own POS_TERMINAL_* settings; logs as JSON on stderr, as under systemd.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('POS_TERMINAL_')),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--config', configFile], {
      env: { ...env, NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '400000', TERM: 'linux' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    // READY=1 (with a status) once the devices are open and the first sign-in succeeded.
    await vi.waitFor(
      () => {
        expect(notify.assignments(), stderr).toContain('READY=1');
      },
      { timeout: 20_000, interval: 50 },
    );
    const atReady = notify.assignments();
    expect(atReady).toContainEqual(expect.stringMatching(/^STATUS=ready: terminal T0000089/));
    // Then WATCHDOG=1 every 200 ms (half of WATCHDOG_USEC): several of them after READY.
    await vi.waitFor(
      () => {
        const after = notify.assignments().slice(atReady.length);
        expect(after.filter((line) => line === 'WATCHDOG=1').length).toBeGreaterThanOrEqual(3);
      },
      { timeout: 5_000, interval: 50 },
    );

    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    const all = notify.assignments();
    expect(all).toContain('STOPPING=1');
    expect(all.indexOf('STOPPING=1')).toBeGreaterThan(all.indexOf('READY=1'));
    // Nothing after STOPPING but its status line: the watchdog stopped with the service.
    expect(all.slice(all.indexOf('STOPPING=1') + 1)).not.toContain('WATCHDOG=1');
    expect(all.filter((line) => line === 'READY=1')).toHaveLength(1);
    expect(stderr).toContain('terminal stopped');
  }, 60_000);
});
