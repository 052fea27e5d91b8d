import { systemClock, type Clock } from '../../src/core/clock.js';
import { PosError } from '../../src/core/PosError.js';
import { commandLabel, errorDetails, type AtResponse } from './AtChannel.js';
import { hasControlCharacter, parseFinal } from './atParser.js';
import { signalBars } from './atResponses.js';
import { Listeners } from '../Listeners.js';
import {
  isRegistered,
  type Modem,
  type ModemStatus,
  type Registration,
  type SimState,
} from './Modem.js';

export interface FakeModemOptions {
  /** Runs command timeouts and the command delay (default the system clock). */
  readonly clock?: Clock;
  /** CSQ rssi while the network is there (0–31, default 20: four bars). */
  readonly rssi?: number;
  /** Default `ComboNet`. */
  readonly operator?: string;
  /** Default `ready`. */
  readonly sim?: SimState;
  /** Registration while the network is there: `home` (default) or `roaming`. */
  readonly registration?: 'home' | 'roaming';
  /** How long a command takes, ms on the clock (default 0: answered on a microtask). */
  readonly commandDelayMs?: number;
}

const SIM_ERRORS: Readonly<Record<Exclude<SimState, 'ready'>, string>> = {
  missing: 'SIM not inserted',
  locked: 'SIM PIN required',
  failed: 'SIM failure',
  unknown: 'SIM busy',
};

/**
 * A simulated cellular modem that keeps the {@link Modem} contract, driven by test hooks:
 * {@link setSignal}, {@link loseSignal} / {@link restoreSignal} (the network), {@link setSim},
 * {@link drop} / {@link restore} (the AT port disappears and returns), {@link mute} (commands
 * that get no answer) and {@link respond} (scripted replies for the console).
 *
 * Changes are reported at once (the real driver notices them at its next health check or URC).
 * A restored port is reconnected at once; no radio resets are simulated: a lost network stays
 * lost until {@link restoreSignal}. Built-in replies: AT, ATI, AT+CSQ, AT+CPIN?, AT+CREG?,
 * AT+CEREG?, AT+COPS?; anything else answers ERROR unless scripted.
 */
export class FakeModem implements Modem {
  readonly #clock: Clock;
  readonly #listeners = new Listeners<ModemStatus>();
  readonly #replies = new Map<string, readonly string[]>();
  readonly #muted = new Set<string>();
  readonly #homeRegistration: 'home' | 'roaming';
  #commandDelayMs: number;
  #open = false;
  #plugged = true;
  #rssi: number;
  #signalLost = false;
  #sim: SimState;
  #operator: string;
  #status: ModemStatus;
  /** Every command line sent through {@link command}, in order. */
  readonly commands: string[] = [];

  constructor(options: FakeModemOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#rssi = options.rssi ?? 20;
    this.#operator = options.operator ?? 'ComboNet';
    this.#sim = options.sim ?? 'ready';
    this.#homeRegistration = options.registration ?? 'home';
    this.#commandDelayMs = options.commandDelayMs ?? 0;
    this.#status = this.#compute();
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(): Promise<void> {
    if (this.#open) return Promise.resolve();
    this.#open = true;
    this.#refresh();
    if (!this.#plugged) {
      return Promise.reject(new PosError('MODEM_UNAVAILABLE', 'no modem is connected'));
    }
    if (this.#sim !== 'ready') return Promise.reject(this.#simError());
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#open = false;
    this.#status = this.#compute();
    return Promise.resolve();
  }

  status(): ModemStatus {
    return this.#status;
  }

  onStatus(listener: (status: ModemStatus) => void): () => void {
    return this.#listeners.add(listener);
  }

  command(at: string, options: { readonly timeoutMs?: number } = {}): Promise<AtResponse> {
    const label = commandLabel(at);
    if (!/^AT/i.test(at) || hasControlCharacter(at)) {
      return Promise.reject(
        new PosError('VALIDATION_FAILED', 'an AT command is one line starting with AT', {
          details: { command: label },
        }),
      );
    }
    if (!this.#open || !this.#plugged) {
      return Promise.reject(
        new PosError('MODEM_UNAVAILABLE', 'the modem is not connected', {
          details: { command: label },
        }),
      );
    }
    this.commands.push(at);
    const upper = at.trim().toUpperCase();
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<AtResponse>((resolve, reject) => {
      if ([...this.#muted].some((prefix) => upper.startsWith(prefix))) {
        this.#clock.setTimeout(() => {
          reject(
            new PosError('MODEM_TIMEOUT', `no final result for ${label} in ${timeoutMs} ms`, {
              details: { command: label, timeoutMs },
            }),
          );
        }, timeoutMs);
        return;
      }
      const answer = (): void => {
        if (!this.#open || !this.#plugged) {
          reject(
            new PosError('MODEM_UNAVAILABLE', 'the modem was disconnected', {
              details: { command: label },
            }),
          );
          return;
        }
        const outcome = this.#answer(upper, label);
        if (outcome instanceof PosError) reject(outcome);
        else resolve(outcome);
      };
      if (this.#commandDelayMs > 0) this.#clock.setTimeout(answer, this.#commandDelayMs);
      else queueMicrotask(answer);
    });
  }

  /** Test hook: the signal (CSQ rssi 0–31) while the network is there. */
  setSignal(rssi: number): void {
    if (!Number.isInteger(rssi) || rssi < 0 || rssi > 31) throw new RangeError(`rssi ${rssi}`);
    this.#rssi = rssi;
    this.#refresh();
  }

  /** Test hook: the network is lost (no signal, registration `searching`). */
  loseSignal(): void {
    this.#signalLost = true;
    this.#refresh();
  }

  /** Test hook: the network is back. */
  restoreSignal(): void {
    this.#signalLost = false;
    this.#refresh();
  }

  /** Test hook: the SIM is pulled (`missing`), locked, failed, or back (`ready`). */
  setSim(sim: SimState): void {
    this.#sim = sim;
    this.#refresh();
  }

  /** Test hook: the AT port disappears (USB modem reset); commands fail `MODEM_UNAVAILABLE`. */
  drop(): void {
    this.#plugged = false;
    this.#refresh();
  }

  /** Test hook: the port is back; the fake reconnects at once. */
  restore(): void {
    this.#plugged = true;
    this.#refresh();
  }

  /** Test hook: commands starting with `prefix` get no answer and time out. */
  mute(prefix: string, muted = true): void {
    if (muted) this.#muted.add(prefix.toUpperCase());
    else this.#muted.delete(prefix.toUpperCase());
  }

  /**
   * Test hook: the reply to `command` (exact, case-insensitive): information lines, then a
   * final (`OK`, `ERROR`, `+CME ERROR: …`) as the last line.
   */
  respond(command: string, lines: readonly string[]): void {
    const last = lines.at(-1);
    if (last === undefined || !parseFinal(last)) {
      throw new TypeError('a scripted reply ends with a final result code');
    }
    this.#replies.set(command.trim().toUpperCase(), [...lines]);
  }

  /** Test hook: how long a command takes, ms on the clock. */
  setCommandDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a command delay of ${ms} ms`);
    this.#commandDelayMs = ms;
  }

  #answer(upper: string, label: string): AtResponse | PosError {
    const scripted = this.#replies.get(upper);
    const lines = scripted ?? this.#builtIn(upper);
    const info = lines.slice(0, -1);
    const final = parseFinal(lines.at(-1) ?? 'ERROR') ?? { kind: 'error', text: 'ERROR' };
    if (final.kind === 'error' || final.kind === 'cme-error' || final.kind === 'cms-error') {
      return new PosError('MODEM_ERROR', `${label} failed: ${final.text}`, {
        details: errorDetails(label, final),
      });
    }
    return { lines: info, final };
  }

  #builtIn(upper: string): readonly string[] {
    const status = this.#status;
    const stat = STAT[status.registration];
    switch (upper) {
      case 'AT':
        return ['OK'];
      case 'ATI':
        return ['ComboPay FakeModem', 'OK'];
      case 'AT+CSQ':
        return [`+CSQ: ${this.#currentRssi() ?? 99},99`, 'OK'];
      case 'AT+CPIN?':
        return this.#sim === 'ready'
          ? ['+CPIN: READY', 'OK']
          : this.#sim === 'locked'
            ? ['+CPIN: SIM PIN', 'OK']
            : [`+CME ERROR: ${SIM_ERRORS[this.#sim]}`];
      case 'AT+CREG?':
        return [`+CREG: 1,${stat}`, 'OK'];
      case 'AT+CEREG?':
        return [`+CEREG: 1,${stat}`, 'OK'];
      case 'AT+COPS?':
        return status.operator === undefined
          ? ['+COPS: 0', 'OK']
          : [`+COPS: 0,0,"${status.operator}",7`, 'OK'];
      default:
        return ['ERROR'];
    }
  }

  #currentRssi(): number | undefined {
    return this.#signalLost ? undefined : this.#rssi;
  }

  #simError(): PosError {
    const reason = this.#sim === 'ready' ? '' : SIM_ERRORS[this.#sim];
    return new PosError('SIM_ERROR', `the SIM is not ready: ${reason}`, {
      details: { sim: this.#sim, reason },
    });
  }

  /** Recomputes the status; emits it when it changed and the modem is open. */
  #refresh(): void {
    const next = this.#compute();
    const changed = JSON.stringify(withoutTime(this.#status)) !== JSON.stringify(withoutTime(next));
    this.#status = next;
    if (this.#open && changed) {
      this.#listeners.emit(next);
    }
  }

  #compute(): ModemStatus {
    const now = this.#clock.now();
    if (!this.#open || !this.#plugged) {
      return Object.freeze({
        available: false,
        sim: 'unknown',
        signalBars: 0,
        rssiDbm: undefined,
        registration: 'unknown',
        operator: undefined,
        error: this.#open
          ? Object.freeze({ code: 'MODEM_UNAVAILABLE', message: 'no modem is connected' })
          : undefined,
        updatedAt: now,
      });
    }
    const simReady = this.#sim === 'ready';
    const registration: Registration = !simReady
      ? 'none'
      : this.#signalLost
        ? 'searching'
        : this.#homeRegistration;
    const rssi = simReady ? this.#currentRssi() : undefined;
    return Object.freeze({
      available: true,
      sim: this.#sim,
      signalBars: signalBars(rssi),
      rssiDbm: rssi === undefined ? undefined : -113 + 2 * rssi,
      registration,
      operator: isRegistered(registration) ? this.#operator : undefined,
      error: simReady
        ? undefined
        : Object.freeze({ code: 'SIM_ERROR', message: this.#simError().message }),
      updatedAt: now,
    });
  }
}

function withoutTime(status: ModemStatus): Omit<ModemStatus, 'updatedAt'> {
  const { available, sim, signalBars, rssiDbm, registration, operator, error } = status;
  return { available, sim, signalBars, rssiDbm, registration, operator, error };
}

const STAT: Readonly<Record<Registration, number>> = {
  none: 0,
  home: 1,
  searching: 2,
  denied: 3,
  unknown: 4,
  roaming: 5,
};
