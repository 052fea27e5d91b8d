import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `data` so that a reader (or the next start after a crash) sees either
 * the old content or all of the new, never part of it: the data goes to a new temporary file
 * in the same directory, is flushed to disk, and is then renamed over `path`.
 *
 * `mode` applies to the new file (less the process umask, which can only narrow it). On
 * failure the temporary file is removed and the error is thrown.
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const directory = dirname(path);
  const temporary = temporaryBeside(path);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(data);
      // Without the flush a crash soon after the rename can leave an empty file behind it.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

/**
 * {@link writeFileAtomic} for callers that cannot wait: the same steps, blocking. For small
 * files only (a state counter, a config), since it holds the event loop while the disk flushes.
 */
export function writeFileAtomicSync(path: string, data: string, mode: number): void {
  const temporary = temporaryBeside(path);
  try {
    const fd = openSync(temporary, 'wx', mode);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // As syncDirectory: only the rename's durability is at stake.
  }
}

/** A new, unguessable name in `path`'s directory, so no leftover file is ever reused. */
function temporaryBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Makes the rename itself durable. Best effort: some platforms cannot open a directory. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The file is complete either way; only the rename's durability is at stake.
  }
}
