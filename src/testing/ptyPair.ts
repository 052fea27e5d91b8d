import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A connected pair of pseudo-terminals made by socat: what is written to one is read on the other. */
export interface PtyPair {
  /** Path of the first end (a symlink to its /dev/pts/N). */
  readonly a: string;
  /** Path of the second end. */
  readonly b: string;
  /** True while socat runs. */
  readonly running: boolean;
  /** Stops socat (both ends disappear, like a USB device pulled) and waits for it to exit. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /**
   * Where the two links go: `[a, b]`. Default: `a` and `b` in a new temporary directory, which
   * `close` removes. Give the same paths again to bring a "device" back after `close`.
   */
  readonly paths?: readonly [string, string];
  /** How long to wait for socat to create both links, in ms (default 5000). */
  readonly timeoutMs?: number;
}

/**
 * Starts `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and resolves once both
 * links exist. Needs socat on the PATH (Debian: `apt-get install socat`).
 */
/** Every socat still running, killed when this process exits (a test worker that dies early). */
const liveSocats = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveSocats) child.kill('SIGKILL');
});

export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const ownDir = options.paths ? undefined : await mkdtemp(path.join(tmpdir(), 'pty-pair-'));
  const [a, b] = options.paths ?? [path.join(ownDir ?? '', 'a'), path.join(ownDir ?? '', 'b')];
  const child = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  liveSocats.add(child);
  child.once('exit', () => liveSocats.delete(child));
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.once('error', () => {
      resolve();
    });
  });
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    if (ownDir) await rm(ownDir, { recursive: true, force: true });
  };
  try {
    await waitForLinks(child, [a, b], options.timeoutMs ?? 5000);
  } catch (error) {
    await close();
    throw new Error(`socat did not make the PTY pair: ${String(error)}\n${log}`, { cause: error });
  }
  return {
    a,
    b,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    close,
  };
}

async function waitForLinks(
  child: ChildProcess,
  links: string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (links.every((link) => existsSync(link))) return;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('socat exited');
    if (Date.now() > deadline) throw new Error(`no ${links.join(' and ')} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
