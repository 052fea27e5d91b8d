import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Currency } from '../../core/currencies.js';
import { ERROR_CODE_GROUPS, type ErrorCode } from '../../core/errorCodes.js';
import type { Logger } from '../../core/logger.js';
import { formatMoney, type Money } from '../../core/money.js';
import { PosError, isPosError } from '../../core/PosError.js';
import type { Keypad } from '../../../drivers/keypad/Keypad.js';
import type { Modem } from '../../../drivers/modem/Modem.js';
import type { CardReader, PresentedCard } from '../../../drivers/nfc/CardReader.js';
import type { Printer } from '../../../drivers/printer/Printer.js';
import { stateName, type FlowSnapshot, type Terminal } from '../createTerminal.js';
import type { JournalTxn } from '../journal/journalTypes.js';
import { setConfigValue, showConfig } from './configEditing.js';
import type {
  ConfigSetResult,
  ConfigShowResult,
  FiguresView,
  JournalEntryView,
  JournalListResult,
  JournalShowResult,
  ModemAtResult,
  PrinterTestResult,
  ReaderTestResult,
  SettlePreviewResult,
  SettleResult,
  SignInResult,
  StatusResult,
} from './controlProtocol.js';
import type { LogRing } from './LogRing.js';

/** What the console's operations work on: the running terminal and its devices. */
export interface ControlServiceDeps {
  terminal: Terminal;
  reader: CardReader;
  keypad: Keypad;
  printer: Printer;
  /** Absent on a terminal without a modem. */
  modem?: Modem | undefined;
  logs: LogRing;
  terminalId: string;
  hostUrl: string;
  currency: Currency;
  language: 'zh-CN' | 'en';
  version: string;
  /** The config file `config show` and `config set` read and change, and the environment. */
  configFile: string;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  logger: Logger;
  /** Asks the process to stop and exit with the restart status (runPosTerminal). */
  requestRestart: () => void;
  /** How long sign-in and settlement may take before the console is told to look later. */
  flowTimeoutMs?: number | undefined;
}

/** Ends a waiting operation early: the console's `cancel` or its connection closing. */
export type Cancel = AbortSignal;

const DEFAULT_READER_TIMEOUT_MS = 30_000;
const DEFAULT_KEYPAD_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_FLOW_TIMEOUT_MS = 3 * 60_000;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

function figuresView(figures: {
  counts: { sale: number; void: number; refund: number };
  totals: { sale: Money; refund: Money };
}): FiguresView {
  return {
    counts: { ...figures.counts },
    totals: {
      sale: formatMoney(figures.totals.sale, { style: 'code' }),
      refund: formatMoney(figures.totals.refund, { style: 'code' }),
    },
  };
}

/** A journal entry for the console: every field, amounts as text. */
export function journalEntryView(entry: JournalTxn): JournalEntryView {
  return {
    id: entry.id,
    type: entry.type,
    batch: entry.batch,
    trace: entry.trace,
    state: entry.state,
    amount: entry.amount && formatMoney(entry.amount, { style: 'code' }),
    account: entry.account,
    reference: entry.reference,
    authCode: entry.authCode,
    originalReference: entry.originalReference,
    originalTrace: entry.originalTrace,
    errorCode: entry.errorCode,
    reversalReason: entry.reversalReason,
    voided: entry.voided,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    approvedAt: entry.approvedAt,
  };
}

/** The flow's failure as an error for the console: its own code where it is one of ours. */
function flowFailure(code: string | undefined, what: string): PosError {
  const known = code !== undefined && code in ERROR_CODE_GROUPS ? (code as ErrorCode) : 'INTERNAL';
  return new PosError(known, `${what} failed (${code ?? 'unknown'})`, {
    details: { reason: code },
  });
}

function cancelled(): PosError {
  return new PosError('CONSOLE_TIMEOUT', 'stopped by the technician');
}

/**
 * Waits for `predicate` to hold of a new flow snapshot, at most `timeoutMs`, or until `cancel`.
 * Rejects with `CONSOLE_TIMEOUT`.
 */
function waitForFlow<T>(
  terminal: Terminal,
  clock: Clock,
  timeoutMs: number,
  what: string,
  decide: (snapshot: FlowSnapshot) => { done: true; value: T } | { done: false },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const finish = (action: () => void): void => {
      unsubscribe();
      clock.clearTimeout(timer);
      action();
    };
    const unsubscribe = terminal.onScreen((_screen, snapshot) => {
      let verdict: ReturnType<typeof decide>;
      try {
        verdict = decide(snapshot);
      } catch (error) {
        finish(() => reject(error instanceof Error ? error : new Error(String(error))));
        return;
      }
      if (verdict.done) finish(() => resolve(verdict.value));
    });
    const timer = clock.setTimeout(() => {
      finish(() =>
        reject(new PosError('CONSOLE_TIMEOUT', `${what} did not finish in time; see status`)),
      );
    }, timeoutMs);
  });
}

/**
 * The technician console's operations on the running terminal (see controlProtocol.ts for the
 * contract of each). Device tests hold the keypad and reader away from the flow
 * (`Terminal.holdDevices`), so the flow and the console never use a device at the same time;
 * sign-in and settlement go through the flow itself (`SIGN_IN_NOW`, `SETTLE_NOW`), so the
 * journal, the screen and the printed report are exactly as when the cashier does them.
 */
export class ControlService {
  readonly #deps: ControlServiceDeps;
  readonly #startedAt: number;

  constructor(deps: ControlServiceDeps) {
    this.#deps = deps;
    this.#startedAt = deps.clock.now();
  }

  get terminalId(): string {
    return this.#deps.terminalId;
  }

  get version(): string {
    return this.#deps.version;
  }

  get logs(): LogRing {
    return this.#deps.logs;
  }

  async status(): Promise<StatusResult> {
    const { terminal, modem, printer, reader, clock } = this.#deps;
    const snapshot = terminal.actor.getSnapshot();
    const session = snapshot.context.session;
    const [host, printerStatus] = await Promise.all([
      terminal.hostHealth().then(
        ({ latencyMs }) => ({ url: this.#deps.hostUrl, reachable: true as const, latencyMs }),
        (error: unknown) => ({
          url: this.#deps.hostUrl,
          reachable: false as const,
          error: isPosError(error) ? error.code : 'INTERNAL',
        }),
      ),
      printer.status().then(
        (status) => ({ ...status }),
        (error: unknown) => ({ error: isPosError(error) ? error.code : 'INTERNAL' }),
      ),
    ]);
    const modemStatus = modem?.status();
    return {
      version: this.#deps.version,
      terminalId: this.#deps.terminalId,
      merchant: session && { ...session.merchant },
      flow: { state: stateName(snapshot), batch: session?.batch },
      host,
      modem: modemStatus && {
        available: modemStatus.available,
        signalBars: modemStatus.signalBars,
        rssi: modemStatus.rssiDbm,
        registration: modemStatus.registration,
        operator: modemStatus.operator,
      },
      reader: { present: reader.available },
      printer: printerStatus,
      journal: terminal.journal.counts(),
      uptimeSeconds: Math.floor((clock.now() - this.#startedAt) / 1000),
    };
  }

  /** `testReader`: `onEvent` hears `waiting`, then `card`. */
  async testReader(
    options: { timeoutMs?: number | undefined },
    onEvent: (event: Record<string, unknown> & { type: string }) => void,
    cancel: Cancel,
  ): Promise<ReaderTestResult> {
    const { terminal, reader, clock } = this.#deps;
    const hold = terminal.holdDevices('reader');
    try {
      onEvent({ type: 'waiting' });
      const card = await new Promise<PresentedCard>((resolve, reject) => {
        const finish = (action: () => void): void => {
          unsubscribe();
          clock.clearTimeout(timer);
          cancel.removeEventListener('abort', onAbort);
          action();
        };
        const onAbort = (): void => finish(() => reject(cancelled()));
        const unsubscribe = reader.onCard((presented) => finish(() => resolve(presented)));
        const timer = clock.setTimeout(() => {
          finish(() => reject(new PosError('CONSOLE_TIMEOUT', 'no phone was tapped in time')));
        }, options.timeoutMs ?? DEFAULT_READER_TIMEOUT_MS);
        if (cancel.aborted) onAbort();
        else cancel.addEventListener('abort', onAbort, { once: true });
      });
      const atr = hex(card.atr);
      onEvent({ type: 'card', uid: card.uid, atr });
      const applet = await reader.readAccount(card).then(
        (account) => ({
          ok: true as const,
          tokenLength: account.token.length,
          tokenFingerprint: createHash('sha256').update(account.token).digest('hex').slice(0, 8),
        }),
        (error: unknown) => {
          if (!isPosError(error)) throw error;
          return { ok: false as const, code: error.code, message: error.message };
        },
      );
      this.#deps.logger.info({ uid: card.uid, applet: applet.ok }, 'console reader test');
      return { uid: card.uid, atr, applet };
    } finally {
      hold.release();
    }
  }

  async testPrinter(): Promise<PrinterTestResult> {
    const { terminal, printer, clock } = this.#deps;
    const hold = terminal.holdDevices('printer');
    try {
      await printer.print({
        kind: 'test-page',
        language: this.#deps.language,
        terminalId: this.#deps.terminalId,
        version: this.#deps.version,
        time: new Date(clock.now()).toISOString(),
      });
      this.#deps.logger.info('console printer test page printed');
      return { printed: true, status: { ...(await printer.status()) } };
    } finally {
      hold.release();
    }
  }

  /** `testKeypad`: every key to `onEvent` until `cancel` or the time is up. */
  async testKeypad(
    options: { timeoutMs?: number | undefined },
    onEvent: (event: Record<string, unknown> & { type: string }) => void,
    cancel: Cancel,
  ): Promise<{ keys: number }> {
    const { terminal, keypad, clock } = this.#deps;
    const hold = terminal.holdDevices('keypad');
    let keys = 0;
    try {
      await new Promise<void>((resolve) => {
        const finish = (): void => {
          unsubscribe();
          clock.clearTimeout(timer);
          cancel.removeEventListener('abort', finish);
          resolve();
        };
        const unsubscribe = keypad.onKey((key) => {
          keys += 1;
          onEvent({ type: 'key', key });
        });
        const timer = clock.setTimeout(finish, options.timeoutMs ?? DEFAULT_KEYPAD_TIMEOUT_MS);
        if (cancel.aborted) finish();
        else cancel.addEventListener('abort', finish, { once: true });
      });
      return { keys };
    } finally {
      hold.release();
    }
  }

  async modemAt(command: string): Promise<ModemAtResult> {
    const { modem } = this.#deps;
    if (!modem)
      throw new PosError('MODEM_UNAVAILABLE', 'this terminal has no modem (devices.modem)');
    const reply = await modem.command(command);
    return { lines: [...reply.lines, reply.final.text] };
  }

  configShow(): ConfigShowResult {
    return showConfig(this.#deps.configFile, this.#deps.env);
  }

  configSet(path: string, value: unknown): ConfigSetResult {
    const result = setConfigValue(this.#deps.configFile, this.#deps.env, path, value);
    this.#deps.logger.info({ field: path }, 'config changed from the console; restart to apply');
    return result;
  }

  journalList(options: {
    limit?: number | undefined;
    batch?: string | undefined;
  }): JournalListResult {
    const entries = this.#deps.terminal.journal.list({
      limit: options.limit ?? 20,
      ...(options.batch === undefined ? {} : { batch: options.batch }),
    });
    return { entries: entries.map(journalEntryView) };
  }

  journalShow(id: number): JournalShowResult {
    const entry = this.#deps.terminal.journal.get(id);
    if (!entry) {
      throw new PosError('TRANSACTION_NOT_FOUND', `no journal entry ${id}`, { details: { id } });
    }
    return { entry: journalEntryView(entry) };
  }

  #requireIdle(what: string): void {
    const state = stateName(this.#deps.terminal.actor.getSnapshot());
    if (state !== 'idle') {
      throw new PosError('TERMINAL_BUSY', `cannot ${what} now: the terminal is in ${state}`, {
        details: { state },
      });
    }
  }

  async signIn(): Promise<SignInResult> {
    const { terminal, clock } = this.#deps;
    this.#requireIdle('sign in');
    const done = waitForFlow<SignInResult>(
      terminal,
      clock,
      this.#deps.flowTimeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS,
      'sign-in',
      (snapshot) => {
        const state = stateName(snapshot);
        const session = snapshot.context.session;
        if (state === 'signInWait') {
          throw flowFailure(snapshot.context.outcome?.code, 'sign-in (the terminal retries)');
        }
        if ((state === 'idle' || state === 'recoveryReport') && session) {
          return { done: true, value: { batch: session.batch, merchant: { ...session.merchant } } };
        }
        return { done: false };
      },
    );
    terminal.actor.send({ type: 'SIGN_IN_NOW' });
    return done;
  }

  settlePreview(): SettlePreviewResult {
    const { terminal } = this.#deps;
    const batch =
      terminal.actor.getSnapshot().context.session?.batch ?? terminal.journal.currentBatch();
    if (batch === undefined) {
      throw new PosError('PENDING_WORK', 'the terminal has not signed in yet: no open batch');
    }
    return {
      batch,
      figures: figuresView(terminal.journal.batchFigures(batch, this.#deps.currency)),
      reversalsPending: terminal.journal.counts().reversalsPending,
    };
  }

  async settle(): Promise<SettleResult> {
    const { terminal, clock } = this.#deps;
    this.#requireIdle('settle');
    const done = waitForFlow<SettleResult>(
      terminal,
      clock,
      this.#deps.flowTimeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS,
      'settlement',
      (snapshot) => {
        const state = stateName(snapshot);
        const { settlement, outcome } = snapshot.context;
        if (state === 'settlementResult' && settlement) {
          return {
            done: true,
            value: {
              batch: settlement.batch,
              result: settlement.result,
              terminal: figuresView(settlement.terminal),
              host: figuresView(settlement.host),
              nextBatch: settlement.nextBatch,
            },
          };
        }
        if (state === 'declined') {
          throw flowFailure(outcome?.code, 'settlement');
        }
        return { done: false };
      },
    );
    this.#deps.logger.info('settlement started from the console');
    terminal.actor.send({ type: 'SETTLE_NOW' });
    return done;
  }

  restart(): void {
    this.#requireIdle('restart');
    this.#deps.logger.info('restart requested from the console');
    this.#deps.requestRestart();
  }
}
