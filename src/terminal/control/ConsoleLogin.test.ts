import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { ManualClock } from '../../core/ManualClock.js';
import { isPosError, type PosError } from '../../core/PosError.js';
import { Secret } from '../../core/Secret.js';
import { hashPassword } from '../passwordHash.js';
import { ConsoleLogin } from './ConsoleLogin.js';
import { LogRing } from './LogRing.js';

const PASSWORD = 'right-horse-9';
const LOCKOUT_MS = 15 * 60_000;

let hash: string;
let dir: string;
let stateFile: string;
let clock: ManualClock;
let logs: LogRing;

beforeAll(async () => {
  hash = await hashPassword(PASSWORD);
});

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'console-login-'));
  stateFile = path.join(dir, 'state', 'console-login.json');
  clock = new ManualClock();
  logs = new LogRing({ capacity: 1000 });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function makeLogin(options: { passwordHash?: string | undefined; maxTries?: number } = {}) {
  return new ConsoleLogin({
    passwordHash: 'passwordHash' in options ? options.passwordHash : hash,
    maxTries: options.maxTries ?? 3,
    lockoutMs: LOCKOUT_MS,
    stateFile,
    clock,
    logger: createLogger({ name: 'test', level: 'debug', destination: logs }),
  });
}

/** The PosError `verify` rejects with, or 'ok'. */
async function attempt(login: ConsoleLogin, password: string): Promise<PosError | 'ok'> {
  try {
    await login.verify(new Secret(password));
    return 'ok';
  } catch (error) {
    if (isPosError(error)) return error;
    throw error;
  }
}

function codeOf(outcome: PosError | 'ok'): string {
  return outcome === 'ok' ? 'ok' : outcome.code;
}

describe('ConsoleLogin', () => {
  it('accepts the right password', async () => {
    expect(await attempt(makeLogin(), PASSWORD)).toBe('ok');
  });

  it('counts wrong passwords down in triesLeft, then locks; even the right one is refused until then', async () => {
    const login = makeLogin();
    const first = await attempt(login, 'nope-1');
    const second = await attempt(login, 'nope-2');
    expect(first).toMatchObject({ code: 'CONSOLE_PASSWORD_WRONG', details: { triesLeft: 2 } });
    expect(second).toMatchObject({ code: 'CONSOLE_PASSWORD_WRONG', details: { triesLeft: 1 } });
    const lockedUntil = new Date(clock.now() + LOCKOUT_MS).toISOString();
    expect(await attempt(login, 'nope-3')).toMatchObject({
      code: 'CONSOLE_LOCKED',
      details: { lockedUntil },
    });
    expect(await attempt(login, PASSWORD)).toMatchObject({
      code: 'CONSOLE_LOCKED',
      details: { lockedUntil },
    });
    clock.advance(LOCKOUT_MS - 1);
    expect(codeOf(await attempt(login, PASSWORD))).toBe('CONSOLE_LOCKED');
    clock.advance(1);
    expect(await attempt(login, PASSWORD)).toBe('ok');
  });

  it('after a lock has run out, a wrong password starts a fresh count', async () => {
    const login = makeLogin({ maxTries: 2 });
    await attempt(login, 'a');
    expect(codeOf(await attempt(login, 'b'))).toBe('CONSOLE_LOCKED');
    clock.advance(LOCKOUT_MS);
    expect(await attempt(login, 'c')).toMatchObject({ details: { triesLeft: 1 } });
  });

  it('the count and the lock survive a restart (a new ConsoleLogin on the same state file)', async () => {
    await attempt(makeLogin(), 'nope');
    expect(await attempt(makeLogin(), 'nope')).toMatchObject({ details: { triesLeft: 1 } });
    expect(codeOf(await attempt(makeLogin(), 'nope'))).toBe('CONSOLE_LOCKED');
    expect(codeOf(await attempt(makeLogin(), PASSWORD))).toBe('CONSOLE_LOCKED');
  });

  it('a success resets the count', async () => {
    const login = makeLogin();
    await attempt(login, 'nope');
    await attempt(login, 'nope');
    expect(await attempt(login, PASSWORD)).toBe('ok');
    expect(await attempt(login, 'nope')).toMatchObject({ details: { triesLeft: 2 } });
  });

  it('parallel tries never get more than maxTries checks before the lock', async () => {
    const login = makeLogin();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, n) => attempt(login, `wrong-${n}`)),
    );
    const codes = outcomes.map(codeOf);
    expect(codes.filter((code) => code === 'CONSOLE_PASSWORD_WRONG')).toHaveLength(2);
    expect(codes.filter((code) => code === 'CONSOLE_LOCKED')).toHaveLength(8);
    expect(codes.slice(0, 2)).toEqual(['CONSOLE_PASSWORD_WRONG', 'CONSOLE_PASSWORD_WRONG']);
    // Two logins on the same file (two connections) do not get a try each beyond the lock.
    expect(codeOf(await attempt(makeLogin(), PASSWORD))).toBe('CONSOLE_LOCKED');
  });

  it('with no password hash configured every login is CONSOLE_LOCKED', async () => {
    const login = makeLogin({ passwordHash: undefined });
    expect(codeOf(await attempt(login, PASSWORD))).toBe('CONSOLE_LOCKED');
    expect(codeOf(await attempt(login, 'anything'))).toBe('CONSOLE_LOCKED');
  });

  it('a damaged state file is logged and the count starts again', async () => {
    const login = makeLogin();
    await attempt(login, 'nope');
    writeFileSync(stateFile, '{"failures": "many"');
    expect(await attempt(login, 'nope')).toMatchObject({ details: { triesLeft: 2 } });
    expect(logs.tail(100).join('\n')).toContain('damaged');
    writeFileSync(stateFile, '{"failures": -1, "lockedUntil": 0}');
    expect(await attempt(login, PASSWORD)).toBe('ok');
  });

  it('keeps the state file at mode 0600, without the password, and logs no password', async () => {
    const login = makeLogin();
    await attempt(login, 'typed-wrong-secret');
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(stateFile, 'utf8')).not.toContain('typed-wrong-secret');
    await attempt(login, PASSWORD);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    const state = readFileSync(stateFile, 'utf8');
    expect(state).not.toContain(PASSWORD);
    expect(JSON.parse(state)).toEqual({ failures: 0, lockedUntil: 0 });
    const logged = logs.tail(100).join('\n');
    expect(logged).not.toContain('typed-wrong-secret');
    expect(logged).not.toContain(PASSWORD);
  });

  it('keeps the state file at mode 0600 even when a leftover temporary file was not', async () => {
    const login = makeLogin();
    await attempt(login, 'nope');
    // A crash between open and rename left the temporary file behind, readable by all.
    writeFileSync(`${stateFile}.tmp`, 'x', { mode: 0o644 });
    await attempt(login, 'nope');
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  });
});
