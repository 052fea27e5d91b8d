import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SimulatorError } from './SimulatorError.js';

/**
 * Keeps a second simulator off a data directory in use. The embedded database (PGlite) belongs
 * to one process: two opening the same files corrupt them. The lock is a file holding the
 * holder's pid, created exclusively; one left by a process that died (Ctrl-C during a crash,
 * SIGKILL) is taken over, since nothing can still be writing through it.
 */
export class DataDirLock {
  readonly #path: string;
  #held = true;

  private constructor(path: string) {
    this.#path = path;
  }

  /**
   * Takes the lock at `path`. Throws a {@link SimulatorError} naming the holder when a live
   * process (this one included: a second start in one process is as harmful) holds it.
   */
  static acquire(path: string): DataDirLock {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(path);
      if (holder !== undefined && isAlive(holder)) {
        throw new SimulatorError(
          `another simulator (pid ${holder}) is using this data directory; stop it first, ` +
            `or start this one with another --data-dir`,
        );
      }
      // A stale lock: its process is gone.
      rmSync(path, { force: true });
    }
    throw new SimulatorError(`cannot take the lock ${path}: another simulator keeps taking it`);
  }

  /** Gives the lock back (only if the file is still ours). Idempotent. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (readHolder(this.#path) === process.pid) rmSync(this.#path, { force: true });
  }
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
