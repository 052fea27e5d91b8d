import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';

/** vpcd's first virtual reader listens here (`/etc/reader.conf.d/vpcd`). */
export const VPCD_PORT = 35963;
/** The PC/SC name of that reader. */
export const VPCD_READER = 'Virtual PCD 00 00';

const SOCKET = process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';

/** Held while a test uses pcscd and vpcd's port: test runs on one machine take turns. */
const LOCK = '/tmp/combopay-pcscd-test.lock';

/**
 * The PC/SC daemon for integration tests: the one already running (left alone), or one the
 * test starts (`pcscd --foreground --auto-exit`, so an orphan left by a crashed run exits after
 * a minute without clients) and stops. Only a daemon the test started can be restarted.
 *
 * vpcd's port takes one card, and a test may restart the daemon: {@link Pcscd.use} first
 * takes a machine-wide lock file (waiting for another run to finish, up to `lockWaitMs`) that
 * {@link Pcscd.release} gives back.
 */
export class Pcscd {
  #child: ChildProcess | undefined;
  #output = '';

  private constructor(readonly owned: boolean) {}

  /** Uses the running pcscd, or starts one; resolves when vpcd's reader listens. */
  static async use(lockWaitMs = 120_000): Promise<Pcscd> {
    await waitFor(takeLock, lockWaitMs, `the lock ${LOCK} (another test run uses pcscd)`);
    try {
      const running = await pcscdRunning();
      const pcscd = new Pcscd(!running);
      if (!running) await pcscd.start();
      else await waitFor(vpcdListening, 10_000, 'vpcd to listen on its port');
      return pcscd;
    } catch (error) {
      await unlink(LOCK).catch(() => undefined);
      throw error;
    }
  }

  /** Stops the daemon if this test started it, and gives the lock back. */
  async release(): Promise<void> {
    try {
      if (this.owned) await this.stop();
    } finally {
      await unlink(LOCK).catch(() => undefined);
    }
  }

  /** What the daemon the test started has written (for a failing test's message). */
  get output(): string {
    return this.#output;
  }

  async start(): Promise<void> {
    if (!this.owned) throw new Error('pcscd was not started by this test');
    if (this.#child) return;
    const child = spawn('pcscd', ['--foreground', '--auto-exit'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    await waitFor(
      async () => this.#child === child && (await socketAnswers()) && (await vpcdListening()),
      10_000,
      'pcscd to start',
      () => this.#output,
    );
  }

  /** Stops the daemon this test started; resolves when it has exited. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/** Creates the lock file with this process's id; removes one left by a dead process. */
async function takeLock(): Promise<boolean> {
  try {
    await writeFile(LOCK, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    const holder = Number(await readFile(LOCK, 'utf8').catch(() => ''));
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      await unlink(LOCK).catch(() => undefined);
    }
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when a live (not zombie) pcscd process exists; read from /proc (procps may be absent). */
async function pcscdRunning(): Promise<boolean> {
  const entries = await readdir('/proc').catch(() => []);
  for (const pid of entries.filter((name) => /^\d+$/.test(name))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // "<pid> (<comm>) <state> ...": the name is in parentheses, the state just after.
    const match = /^\d+ \((.*)\) (\S)/.exec(stat);
    if (match?.[1] === 'pcscd' && match[2] !== 'Z') return true;
  }
  return false;
}

function socketAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: SOCKET });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * True when something listens on vpcd's TCP port. Read from /proc rather than by connecting:
 * to vpcd a connection is a card.
 */
export async function vpcdListening(port = VPCD_PORT): Promise<boolean> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') return true;
    }
  }
  return false;
}

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
