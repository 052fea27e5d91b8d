import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { parseTerminalKey } from '../../protocol/signing.js';
import { httpSender } from '../../testing/signedRequest.js';
import { TestTerminal } from '../../testing/TestTerminal.js';
import { runCli } from './runCli.js';

const MAIN = new URL('./main.ts', import.meta.url).pathname;

async function cli(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: () => undefined,
    env,
    stop: new AbortController().signal,
  });
  return { code, stdout };
}

describe('pos-host serve as a process', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let child: ChildProcess;
  let lines: Record<string, unknown>[];
  let address = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pos-host-serve-'));
    env = { POS_HOST_DATA_DIR: dataDir, POS_HOST_LISTEN: '127.0.0.1:0' };
    child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    lines = [];
    const reader = createInterface({ input: child.stdout ?? process.stdin });
    address = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => {
        reject(new Error(`serve exited early with ${String(code)}`));
      });
      reader.on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.msg === 'host listening') resolve(String(entry.address));
      });
    });
  }, 60_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves HTTPS with its own CA; admin commands reach it through its socket', async () => {
    expect(address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(dataDir, 'tls', 'ca.pem'), 'utf8');
    const added = await cli(
      env,
      'terminals',
      'add',
      '--id',
      'T0000009',
      '--merchant-id',
      'M0009',
      '--merchant-name',
      'Test shop',
      '--json',
    );
    expect(added.code).toBe(0);
    const { key } = JSON.parse(added.stdout) as { key: string };

    const health = await httpSender(
      address,
      ca,
    )({ method: 'GET', path: '/v1/health', headers: {}, body: '' });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok' });
    const terminal = new TestTerminal(
      httpSender(address, ca),
      { terminalId: 'T0000009', key: parseTerminalKey(key) },
      systemClock,
    );
    const signIn = await terminal.signIn();
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatchObject({
      terminalId: 'T0000009',
      merchant: { id: 'M0009', name: 'Test shop' },
      batch: '000001',
    });
    await expect(
      httpSender(address)({ method: 'GET', path: '/v1/health', headers: {}, body: '' }),
    ).rejects.toThrow();
  });

  it('stops on SIGTERM: logs the shutdown, removes its socket and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const messages = lines.map((line) => line.msg);
    expect(messages).toContain('stopping: finishing requests in flight');
    expect(messages).toContain('host stopped');
    expect(() => readFileSync(join(dataDir, 'admin.sock'))).toThrow();
  });
});
