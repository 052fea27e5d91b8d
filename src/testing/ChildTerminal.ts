import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildConfig } from './terminalChild.fixture.js';

const FIXTURE = fileURLToPath(new URL('./terminalChild.fixture.ts', import.meta.url));

/** One line the child printed: a state change, a journal write, or the crash itself. */
export interface ChildEvent {
  state?: string;
  /** The outcome or notice code shown in that state, if any. */
  outcome?: string;
  write?: string;
  phase?: 'before' | 'after';
  crash?: string;
}

/**
 * Drives a terminal running in a child process (`terminalChild.fixture.ts`): sends taps and
 * keys, waits for states, and notices when it dies (a planned SIGKILL at a journal write).
 */
export class ChildTerminal {
  readonly events: ChildEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters = new Set<() => void>();
  #dead = false;
  readonly #child: ChildProcess;
  #stderr = '';

  constructor(config: ChildConfig) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: { ...process.env, POS_CHILD: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString('utf8');
    });
    const lines = createInterface({ input: this.#child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      this.events.push(JSON.parse(line) as ChildEvent);
      this.#wake();
    });
    this.exited = new Promise((resolve) => {
      this.#child.on('exit', (code, signal) => {
        this.#dead = true;
        this.#wake();
        resolve({ code, signal });
      });
    });
  }

  get dead(): boolean {
    return this.#dead;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** The state the child last reported. */
  get state(): string | undefined {
    return this.events.findLast((event) => event.state !== undefined)?.state;
  }

  send(command: { tap?: { uid: string; token: string }; keys?: string }): void {
    if (!this.#dead) this.#child.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  /**
   * Waits until the child reports one of `states` (true), or dies first (false). Fails after
   * `timeoutMs` of real time.
   */
  async waitForState(states: string | string[], timeoutMs = 20_000): Promise<boolean> {
    const wanted = Array.isArray(states) ? states : [states];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = this.state;
      if (state !== undefined && wanted.includes(state)) return true;
      if (this.#dead) return false;
      if (Date.now() > deadline) {
        throw new Error(
          `child never reached ${wanted.join('|')}; states: ${JSON.stringify(this.events.filter((e) => e.state))}; ${this.#stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.#waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Ends the child cleanly (closing stdin stops the terminal) and waits for it. */
  async stop(): Promise<void> {
    this.#child.stdin?.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}
