import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { PosError } from '../../core/PosError.js';
import { writeFileAtomicSync } from '../../core/writeFileAtomic.js';
import type { Secret } from '../../core/Secret.js';
import { parsePasswordHash, passwordMatches, type ParsedPasswordHash } from '../passwordHash.js';

export interface ConsoleLoginOptions {
  /** `console.passwordHash`; absent: every login is refused with `CONSOLE_LOCKED`. */
  passwordHash?: string | undefined;
  /** Wrong passwords in a row before the lock. */
  maxTries: number;
  lockoutMs: number;
  /**
   * Where the count of wrong passwords is kept (a small JSON file, mode 0600), so neither a
   * new console session nor a restart of the terminal resets it.
   */
  stateFile: string;
  clock: Clock;
  logger: Logger;
}

const stateSchema = z.object({
  failures: z.int().min(0),
  lockedUntil: z.int().min(0),
});
type LoginState = z.output<typeof stateSchema>;

/**
 * The technician password of the serial console. `verify` resolves when the password is right
 * and rejects otherwise:
 * - `CONSOLE_PASSWORD_WRONG` with `details.triesLeft`;
 * - `CONSOLE_LOCKED` with `details.lockedUntil` (ISO) after `maxTries` wrong in a row, for
 *   `lockoutMs`, whatever is typed meanwhile; also when no password is configured.
 *
 * Checks run one at a time (a second waits for the first), so parallel connections cannot get
 * more tries than `maxTries`. The state survives restarts; an unreadable state file counts as
 * locked-free but is logged (it is the terminal's own file under its state directory).
 */
export class ConsoleLogin {
  readonly #options: ConsoleLoginOptions;
  readonly #hash: ParsedPasswordHash | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ConsoleLoginOptions) {
    this.#options = options;
    this.#hash =
      options.passwordHash === undefined
        ? undefined
        : parsePasswordHash(options.passwordHash, 'technician password hash');
  }

  verify(password: Secret): Promise<void> {
    const run = this.#queue.then(() => this.#verify(password));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #verify(password: Secret): Promise<void> {
    const { clock, logger, maxTries, lockoutMs } = this.#options;
    if (this.#hash === undefined) {
      throw new PosError(
        'CONSOLE_LOCKED',
        'no technician password is configured (console.passwordHash in the terminal config)',
      );
    }
    const state = this.#read();
    const now = clock.now();
    if (now < state.lockedUntil) {
      throw locked(state.lockedUntil);
    }
    if (await passwordMatches(this.#hash, password)) {
      if (state.failures > 0 || state.lockedUntil > 0) this.#write({ failures: 0, lockedUntil: 0 });
      logger.info('technician signed in to the console');
      return;
    }
    const failures = state.failures + 1;
    if (failures >= maxTries) {
      const lockedUntil = clock.now() + lockoutMs;
      this.#write({ failures: 0, lockedUntil });
      logger.warn(
        { lockedUntil: new Date(lockedUntil).toISOString() },
        'console locked after too many wrong technician passwords',
      );
      throw locked(lockedUntil);
    }
    this.#write({ failures, lockedUntil: 0 });
    logger.warn({ failures }, 'wrong technician password at the console');
    throw new PosError('CONSOLE_PASSWORD_WRONG', 'wrong password', {
      details: { triesLeft: maxTries - failures },
    });
  }

  #read(): LoginState {
    let text: string;
    try {
      text = readFileSync(this.#options.stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { failures: 0, lockedUntil: 0 };
      throw error;
    }
    try {
      return stateSchema.parse(JSON.parse(text));
    } catch {
      this.#options.logger.error(
        { file: this.#options.stateFile },
        'the console login state file is damaged; starting the count again',
      );
      return { failures: 0, lockedUntil: 0 };
    }
  }

  #write(state: LoginState): void {
    const file = this.#options.stateFile;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Durable before it counts: pulling the power between tries must not reset the count.
    writeFileAtomicSync(file, `${JSON.stringify(state)}\n`, 0o600);
  }
}

function locked(until: number): PosError {
  return new PosError('CONSOLE_LOCKED', 'too many wrong passwords: the console is locked', {
    details: { lockedUntil: new Date(until).toISOString() },
  });
}
