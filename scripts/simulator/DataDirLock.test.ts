import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLock } from './DataDirLock.js';
import { SimulatorError } from './SimulatorError.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function lockPath(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'combopay-lock-'));
  dirs.push(dir);
  return path.join(dir, 'simulator.lock');
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('DataDirLock', () => {
  it('is held by one at a time, and free again once released', () => {
    const file = lockPath();
    const lock = DataDirLock.acquire(file);
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    expect(() => DataDirLock.acquire(file)).toThrow(SimulatorError);
    expect(() => DataDirLock.acquire(file)).toThrow(/another simulator \(pid \d+\)/);
    lock.release();
    lock.release();
    expect(existsSync(file)).toBe(false);
    DataDirLock.acquire(file).release();
  });

  it('takes over a lock left by a process that died', () => {
    const file = lockPath();
    writeFileSync(file, `${deadPid()}\n`);
    const lock = DataDirLock.acquire(file);
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('leaves alone a lock file that another simulator has taken since', () => {
    const file = lockPath();
    const lock = DataDirLock.acquire(file);
    writeFileSync(file, '1\n');
    lock.release();
    expect(readFileSync(file, 'utf8')).toBe('1\n');
  });
});
