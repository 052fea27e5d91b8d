import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './writeFileAtomic.js';

describe.each([
  ['writeFileAtomic', writeFileAtomic],
  [
    'writeFileAtomicSync',
    (path: string, data: string, mode: number) =>
      new Promise<void>((resolve) => {
        writeFileAtomicSync(path, data, mode);
        resolve();
      }),
  ],
] as const)('%s', (_name, writeFileAtomic) => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'combopay-atomic-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a new file with the given mode and leaves no temporary file', async () => {
    const path = join(dir, 'key.pem');
    await writeFileAtomic(path, 'secret', 0o600);
    expect(await readFile(path, 'utf8')).toBe('secret');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['key.pem']);
  });

  it('replaces an existing file whole', async () => {
    const path = join(dir, 'cert.pem');
    await writeFile(path, 'old content that is longer than the new one', { mode: 0o644 });
    await writeFileAtomic(path, 'new', 0o600);
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['cert.pem']);
  });

  it('removes its temporary file when the rename fails', async () => {
    const path = join(dir, 'taken');
    await mkdir(join(path, 'inside'), { recursive: true });
    await expect(writeFileAtomic(path, 'data', 0o600)).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });
});
