import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** What `waitFor` saw when it gave up, for the failure message. */
export class ScreenTimeout extends Error {}

export interface TmuxSessionOptions {
  /** The program and its arguments, run in the session's only pane. */
  command: readonly string[];
  cwd: string;
  columns: number;
  rows: number;
  /** Extra environment for the program (TERM is tmux's own). */
  env?: Readonly<Record<string, string>>;
}

/** Every session still open, killed when this process exits (a worker that dies early). */
const liveSessions = new Set<string>();
process.once('exit', () => {
  for (const name of liveSessions) spawnSync('tmux', [...SOCKET, 'kill-session', '-t', name]);
});

/** A tmux server of the tests' own, so a person's tmux sessions are never touched. */
const SOCKET = ['-L', 'combopay-tests'];

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * A program running in a real terminal: a detached tmux session of a fixed size. The test types
 * with `send` (tmux key names: `Enter`, `Escape`, `BSpace`, `DC`, `F1`) and reads the screen as
 * text with `capture`, as a person at that terminal would. Needs tmux (Debian: `tmux`).
 */
export class TmuxSession {
  private constructor(readonly name: string) {}

  static start(options: TmuxSessionOptions): TmuxSession {
    const name = `combopay-${randomBytes(4).toString('hex')}`;
    const env = Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${quote(value)}`);
    const shellCommand = ['exec', 'env', ...env, ...options.command.map(quote)].join(' ');
    execFileSync('tmux', [
      ...SOCKET,
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(options.columns),
      '-y',
      String(options.rows),
      '-c',
      options.cwd,
      shellCommand,
      // In the same command, so it holds before the program can exit: the pane (and what the
      // program printed last) stays after it exits, for exitStatus and the failure message.
      ';',
      'set-option',
      '-t',
      name,
      'remain-on-exit',
      'on',
    ]);
    liveSessions.add(name);
    return new TmuxSession(name);
  }

  /** Presses keys: each argument one tmux key name (`Enter`, `F1`, `Escape`, `BSpace`, `t`). */
  send(...keys: string[]): void {
    execFileSync('tmux', [...SOCKET, 'send-keys', '-t', this.name, ...keys]);
  }

  /** Types `text` character by character, as literal keys. */
  type(text: string): void {
    execFileSync('tmux', [...SOCKET, 'send-keys', '-t', this.name, '-l', text]);
  }

  /** The screen as text lines, trailing spaces trimmed. */
  capture(): string {
    return execFileSync('tmux', [...SOCKET, 'capture-pane', '-p', '-t', this.name], {
      encoding: 'utf8',
    })
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n');
  }

  /**
   * How the program ended, once it has: `{ status }` for an exit, `{ signal }` when a signal
   * killed it; `undefined` while it runs (or tmux has not yet reaped it). Throws when the session itself is gone.
   */
  exit(): { status?: number; signal?: number } | undefined {
    const out = spawnSync(
      'tmux',
      [
        ...SOCKET,
        'display-message',
        '-p',
        '-t',
        this.name,
        '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}',
      ],
      { encoding: 'utf8' },
    );
    if (out.status !== 0)
      throw new Error(`tmux session ${this.name} is gone: ${out.stderr.trim()}`);
    const [dead, status, signal] = out.stdout.trim().split('|');
    // tmux marks the pane dead when its terminal closes, which can be a moment before it
    // reaps the process and learns the status: until then, it has not ended as far as we know.
    if (dead !== '1' || (!status && !signal)) return undefined;
    return {
      ...(status ? { status: Number(status) } : {}),
      ...(signal ? { signal: Number(signal) } : {}),
    };
  }

  /** What tmux and the kernel say of the pane's process, for failure messages. */
  #processState(): string {
    const out = spawnSync(
      'tmux',
      [...SOCKET, 'display-message', '-p', '-t', this.name, '#{pane_pid} #{pane_dead}'],
      { encoding: 'utf8' },
    );
    const [pid, dead] = out.stdout.trim().split(' ');
    let state = 'gone';
    try {
      state =
        /^State:\s*(.*)$/m.exec(readFileSync(`/proc/${pid ?? ''}/status`, 'utf8'))?.[1] ?? '?';
    } catch {
      // the process was reaped
    }
    return `pid ${pid ?? '?'}, pane_dead ${dead ?? '?'}, process ${state}`;
  }

  /** Waits (at most `timeoutMs`, default 20 s) until the program has ended; how it ended. */
  async waitForExit(timeoutMs = 20_000): Promise<{ status?: number; signal?: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ended = this.exit();
      if (ended) return ended;
      if (Date.now() > deadline) {
        throw new ScreenTimeout(
          `the program has not ended (${this.#processState()}); the screen:\n${this.capture()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Polls the screen until `test` passes on its text (a regex or a predicate), then returns
   * the screen. Throws `ScreenTimeout` with the last screen after `timeoutMs` (default 20 s).
   */
  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const passes = typeof test === 'function' ? test : (screen: string) => test.test(screen);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.capture();
      if (passes(screen)) return screen;
      if (Date.now() > deadline) {
        throw new ScreenTimeout(`screen never showed ${String(test)}; it shows:\n${screen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Kills the session (and the program, if it still runs). Idempotent. */
  kill(): void {
    spawnSync('tmux', [...SOCKET, 'kill-session', '-t', this.name]);
    liveSessions.delete(this.name);
  }
}
