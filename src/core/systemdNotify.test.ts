import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseNotifySocket,
  SystemdNotifier,
  watchdogIntervalMs,
  type NotifyLogger,
} from './systemdNotify.js';

/**
 * A fake systemd notify socket: `socat -x` receives on a real AF_UNIX datagram socket and
 * hex-dumps each datagram (one `recv`) under its own `> … length=N` header on stderr, so the
 * datagram boundaries are visible.
 */
class FakeNotifySocket {
  readonly datagrams: string[] = [];
  readonly #process: ChildProcess;
  #stderr = '';

  private constructor(address: string) {
    this.#process = spawn('socat', ['-u', '-x', address, '/dev/null'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#process.stderr?.setEncoding('utf8');
    this.#process.stderr?.on('data', (chunk: string) => {
      this.#stderr += chunk;
      this.#parse();
    });
  }

  static async atPath(path: string): Promise<FakeNotifySocket> {
    const fake = new FakeNotifySocket(`UNIX-RECV:${path}`);
    await waitFor(() => existsSync(path));
    return fake;
  }

  static async abstract(name: string): Promise<FakeNotifySocket> {
    const fake = new FakeNotifySocket(`ABSTRACT-RECV:${name}`);
    await waitFor(() => readFileSync('/proc/net/unix', 'utf8').includes(`@${name}\n`));
    return fake;
  }

  /** The assignments received, in order, whatever datagrams they came in. */
  assignments(): string[] {
    return this.datagrams.flatMap((datagram) => datagram.split('\n').filter((line) => line));
  }

  async waitForDatagrams(count: number): Promise<string[]> {
    await waitFor(() => this.datagrams.length >= count);
    return this.datagrams;
  }

  stop(): void {
    this.#process.kill();
  }

  #parse(): void {
    const datagrams: string[] = [];
    let bytes: number[] | undefined;
    for (const line of this.#stderr.split('\n')) {
      if (line.startsWith('>')) {
        if (bytes !== undefined) datagrams.push(Buffer.from(bytes).toString('utf8'));
        bytes = [];
      } else if (bytes !== undefined && /^[\s0-9a-f]+$/.test(line) && line.trim() !== '') {
        bytes.push(
          ...line
            .trim()
            .split(/\s+/)
            .map((hex) => parseInt(hex, 16)),
        );
      }
    }
    // The last block is complete only once the line after it has started.
    if (bytes !== undefined && this.#stderr.endsWith('\n')) {
      datagrams.push(Buffer.from(bytes).toString('utf8'));
    }
    this.datagrams.splice(0, this.datagrams.length, ...datagrams);
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A logger that keeps the messages of its `warn` and `error` calls. */
function fakeLogger(): NotifyLogger & { warns: string[]; errors: string[] } {
  const warns: string[] = [];
  const errors: string[] = [];
  return {
    warns,
    errors,
    warn: (_object, message) => warns.push(message),
    error: (_object, message) => errors.push(message),
  };
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempSocketPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'notify-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return join(dir, 'notify.sock');
}

function track<T extends FakeNotifySocket | SystemdNotifier>(value: T): T {
  cleanups.push(() => (value instanceof FakeNotifySocket ? value.stop() : value.close()));
  return value;
}

describe('SystemdNotifier over a real notify socket', () => {
  it('sends READY=1, STATUS, WATCHDOG=1 and STOPPING=1 as datagrams to a path', async () => {
    const path = tempSocketPath();
    const socket = track(await FakeNotifySocket.atPath(path));
    const logger = fakeLogger();
    const notifier = track(new SystemdNotifier({ env: { NOTIFY_SOCKET: path }, logger }));
    expect(notifier.enabled).toBe(true);

    notifier.ready();
    await socket.waitForDatagrams(1);
    notifier.status('signed in');
    await socket.waitForDatagrams(2);
    notifier.watchdog();
    await socket.waitForDatagrams(3);
    notifier.stopping();
    await notifier.close();
    await socket.waitForDatagrams(4);

    expect(socket.datagrams).toEqual([
      'READY=1\n',
      'STATUS=signed in\n',
      'WATCHDOG=1\n',
      'STOPPING=1\n',
    ]);
    expect(socket.assignments()).toEqual([
      'READY=1',
      'STATUS=signed in',
      'WATCHDOG=1',
      'STOPPING=1',
    ]);
    expect(logger.warns).toEqual([]);
    expect(logger.errors).toEqual([]);
  });

  it('sends to an abstract socket named with @', async () => {
    const name = `combopay-notify-test-${String(process.pid)}-${String(Date.now())}`;
    const socket = track(await FakeNotifySocket.abstract(name));
    const logger = fakeLogger();
    const notifier = track(new SystemdNotifier({ env: { NOTIFY_SOCKET: `@${name}` }, logger }));
    expect(notifier.address).toEqual({ kind: 'abstract', name });

    notifier.ready('devices up');
    notifier.watchdog();
    notifier.stopping();
    await notifier.close();
    await waitFor(() => socket.assignments().length >= 4);

    expect(socket.assignments()).toEqual([
      'READY=1',
      'STATUS=devices up',
      'WATCHDOG=1',
      'STOPPING=1',
    ]);
    expect(logger.warns).toEqual([]);
  });

  it('keeps order and message boundaries when sends come in a burst', async () => {
    const path = tempSocketPath();
    const socket = track(await FakeNotifySocket.atPath(path));
    const notifier = track(
      new SystemdNotifier({ env: { NOTIFY_SOCKET: path }, logger: fakeLogger() }),
    );

    notifier.ready();
    for (let i = 0; i < 20; i += 1) notifier.watchdog();
    notifier.status('line one\nline two');
    notifier.stopping('bye');
    await notifier.close();
    await waitFor(() => socket.assignments().length >= 24);

    expect(socket.assignments()).toEqual([
      'READY=1',
      ...Array<string>(20).fill('WATCHDOG=1'),
      'STATUS=line one line two',
      'STOPPING=1',
      'STATUS=bye',
    ]);
    // Every datagram is whole assignments, each ending in a newline.
    for (const datagram of socket.datagrams) expect(datagram).toMatch(/^([A-Z_]+=[^\n]*\n)+$/);
  });

  it('logs when the socket is missing, and delivers once it appears', async () => {
    const path = tempSocketPath();
    const logger = fakeLogger();
    const notifier = track(new SystemdNotifier({ env: { NOTIFY_SOCKET: path }, logger }));

    expect(() => {
      notifier.ready();
    }).not.toThrow();
    await waitFor(() => logger.warns.length > 0);
    expect(logger.warns[0]).toMatch(/helper exited/);

    const socket = track(await FakeNotifySocket.atPath(path));
    notifier.watchdog();
    await socket.waitForDatagrams(1);
    expect(socket.datagrams).toEqual(['WATCHDOG=1\n']);
  });
});

describe('SystemdNotifier without a usable socket', () => {
  it('does nothing when NOTIFY_SOCKET is unset', async () => {
    const logger = fakeLogger();
    const notifier = new SystemdNotifier({
      env: { WATCHDOG_USEC: '30000000' },
      logger,
      socatCommand: '/nonexistent/socat',
    });

    expect(notifier.enabled).toBe(false);
    expect(notifier.watchdogIntervalMs()).toBeUndefined();
    notifier.ready('x');
    notifier.status('x');
    notifier.watchdog();
    notifier.stopping();
    notifier.notify(['MAINPID=1']);
    await notifier.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logger.warns).toEqual([]);
    expect(logger.errors).toEqual([]);
  });

  it('logs once and carries on when socat is missing', async () => {
    const path = tempSocketPath();
    const socket = track(await FakeNotifySocket.atPath(path));
    const logger = fakeLogger();
    const notifier = track(
      new SystemdNotifier({
        env: { NOTIFY_SOCKET: path },
        logger,
        socatCommand: '/nonexistent/socat',
      }),
    );

    notifier.ready();
    await waitFor(() => logger.errors.length > 0);
    notifier.watchdog();
    notifier.stopping();
    await notifier.close();
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toMatch(/socat not found/);
    expect(socket.datagrams).toEqual([]);
  });

  it('is disabled, with a warning, for an address it cannot use', () => {
    for (const value of ['relative/notify', 'vsock:2:1234', '/run/a,b', '@']) {
      const logger = fakeLogger();
      const notifier = new SystemdNotifier({ env: { NOTIFY_SOCKET: value }, logger });
      expect(notifier.enabled).toBe(false);
      expect(logger.warns).toHaveLength(1);
    }
  });

  it('refuses malformed assignments without throwing', async () => {
    const path = tempSocketPath();
    const logger = fakeLogger();
    const notifier = track(new SystemdNotifier({ env: { NOTIFY_SOCKET: path }, logger }));
    notifier.notify(['READY=1\nSTOPPING=1']);
    notifier.notify(['READY']);
    expect(logger.warns).toHaveLength(2);
    await notifier.close();
  });
});

describe('parseNotifySocket', () => {
  it('reads paths and abstract names', () => {
    expect(parseNotifySocket(undefined)).toBeUndefined();
    expect(parseNotifySocket('')).toBeUndefined();
    expect(parseNotifySocket('/run/systemd/notify')).toEqual({
      kind: 'path',
      path: '/run/systemd/notify',
    });
    expect(parseNotifySocket('@/org/freedesktop/systemd1/notify/123')).toEqual({
      kind: 'abstract',
      name: '/org/freedesktop/systemd1/notify/123',
    });
    expect(() => parseNotifySocket('notify')).toThrow(TypeError);
    expect(() => parseNotifySocket('vsock:2:99')).toThrow(TypeError);
  });
});

describe('watchdogIntervalMs', () => {
  it('is half of WATCHDOG_USEC, in milliseconds', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '1000000' }, 42)).toBe(500);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '3001' }, 42)).toBe(1);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '1' }, 42)).toBe(1);
  });

  it('applies only to the process named by WATCHDOG_PID, when set', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '42' }, 42)).toBe(10_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '43' }, 42)).toBe(
      undefined,
    );
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: 'x' }, 42)).toBe(
      undefined,
    );
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '' }, 42)).toBe(10_000);
    expect(
      watchdogIntervalMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: String(process.pid) }),
    ).toBe(10_000);
  });

  it('is off when WATCHDOG_USEC is unset, zero or not a number', () => {
    expect(watchdogIntervalMs({}, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '0' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '-5' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '1.5e6' }, 42)).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '99999999999999999999' }, 42)).toBeUndefined();
  });

  it('is reported by an enabled notifier for its own pid', () => {
    const notifier = new SystemdNotifier({
      env: { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '8000000', WATCHDOG_PID: '7' },
      logger: fakeLogger(),
      pid: 7,
    });
    expect(notifier.watchdogIntervalMs()).toBe(4_000);
  });
});
