import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import type { Clock } from '../core/clock.js';
import type { Currency } from '../core/currencies.js';
import type { Logger } from '../core/logger.js';
import { PosError } from '../core/PosError.js';
import type { Keypad } from '../../drivers/keypad/Keypad.js';
import type { CardReader } from '../../drivers/nfc/CardReader.js';
import type { Printer } from '../../drivers/printer/Printer.js';
import { createFlowActors } from './effects/createFlowActors.js';
import type { SupervisorCheck } from './effects/supervisorPassword.js';
import { TerminalSession } from './effects/TerminalSession.js';
import type { FlowSettings } from './flow/flowTypes.js';
import { paymentFlow, type PaymentFlow } from './flow/paymentFlow.js';
import { screenOf, type Screen, type ServiceTask } from './flow/screenOf.js';
import type { HostClient } from './hostClient/HostClient.js';
import type { Journal } from './journal/Journal.js';

/** A buzzer tone the flow asks for. */
export type BeepTone = 'key' | 'error' | 'success';

/**
 * What a terminal is made of. The caller picks the implementations: real drivers on the
 * board (`main.ts`), fakes in the simulator and tests. `createTerminal` takes ownership:
 * `stop()` closes every one of them.
 */
export interface TerminalDeps {
  host: HostClient;
  journal: Journal;
  reader: CardReader;
  keypad: Keypad;
  printer: Printer;
  clock: Clock;
  logger: Logger;
  supervisor: SupervisorCheck;
  currency: Currency;
  /** Slip and screen language. */
  language: 'zh-CN' | 'en';
  /** Operator (cashier) id printed on slips. */
  operator: string;
  /** Timings and limits; defaults from `DEFAULT_FLOW_SETTINGS`. */
  flow?: Partial<FlowSettings> | undefined;
  /** The buzzer; silent when absent. */
  beep?: ((tone: BeepTone) => void) | undefined;
}

export type FlowSnapshot = SnapshotFrom<PaymentFlow>;

/**
 * A technician's hold on the keypad and card reader (see {@link Terminal.holdDevices}): while
 * it lasts the flow hears no key and no tap, and the display shows the service screen.
 */
export interface DeviceHold {
  readonly task: ServiceTask;
  /** Gives the devices back to the flow and its screen back to the display. Idempotent. */
  release(): void;
}

/** A running terminal: the flow wired to its host, journal and devices. */
export interface Terminal {
  /** Opens the devices and starts the flow (which signs in, then recovers the journal). */
  start(): Promise<void>;
  /** Stops the flow and closes devices, host connections and the journal. Idempotent. */
  stop(): Promise<void>;
  /** The flow's actor (tests and the console send events and read snapshots through it). */
  readonly actor: Actor<PaymentFlow>;
  /** What the display shows now. */
  screen(): Screen;
  /** Called with every new screen (after each state change). Returns an unsubscribe. */
  onScreen(listener: (screen: Screen, snapshot: FlowSnapshot) => void): () => void;
  /**
   * Asks the host whether it answers (`GET /v1/health`, unsigned, retried like any idempotent
   * request) and resolves with the round trip in ms: the status bar's ping and the technician
   * console's link test. Rejects as the host client does (`HOST_UNREACHABLE`, `HOST_TIMEOUT`…).
   */
  hostHealth(): Promise<{ latencyMs: number }>;
  /**
   * Takes the keypad and reader away from the flow for a technician's device test. Only while
   * the flow is idle (no customer is in the middle of anything), and one hold at a time;
   * otherwise throws `TERMINAL_BUSY`. The caller listens to the devices itself and must
   * release the hold when done.
   */
  holdDevices(task: ServiceTask): DeviceHold;
  /** The journal, for the technician console's reads. Every write goes through the flow. */
  readonly journal: Journal;
}

/** A dotted name of a snapshot's state (`code.entering`), for logs. */
export function stateName(snapshot: FlowSnapshot): string {
  const flatten = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Object.entries(value as Record<string, unknown>)
          .map(([key, inner]) => `${key}.${flatten(inner)}`)
          .join(',');
  return flatten(snapshot.value);
}

/**
 * Wires the flow machine to real effects. Tests, the simulator and the board all start the
 * terminal through here, so they run the same code; only the devices differ.
 */
export function createTerminal(deps: TerminalDeps): Terminal {
  const session = new TerminalSession();
  const actors = createFlowActors({
    host: deps.host,
    journal: deps.journal,
    reader: deps.reader,
    printer: deps.printer,
    clock: deps.clock,
    logger: deps.logger,
    session,
    supervisor: deps.supervisor,
    currency: deps.currency,
    language: deps.language,
    operator: deps.operator,
  });
  const machine = paymentFlow.provide({
    actors,
    actions: {
      beep: (_args, params) => deps.beep?.(params.tone),
    },
  });
  const actor = createActor(machine, {
    input: { clock: deps.clock, settings: { currency: deps.currency, ...deps.flow } },
    clock: deps.clock,
  });
  const listeners = new Set<(screen: Screen, snapshot: FlowSnapshot) => void>();
  const unsubscribers: (() => void)[] = [];
  let hold: DeviceHold | undefined;
  const currentScreen = (): Screen =>
    hold ? { id: 'service', task: hold.task } : screenOf(actor.getSnapshot());
  const announce = (snapshot: FlowSnapshot): void => {
    const screen = currentScreen();
    for (const listener of listeners) listener(screen, snapshot);
  };
  let lastState = '';
  let started = false;
  let stopped = false;

  actor.subscribe({
    next: (snapshot) => {
      const name = stateName(snapshot);
      if (name !== lastState) {
        lastState = name;
        deps.logger.debug({ state: name }, 'flow state');
      }
      announce(snapshot);
    },
    error: (error) => {
      deps.logger.fatal({ error }, 'the flow stopped on an error');
    },
  });

  return {
    actor,
    journal: deps.journal,
    screen: currentScreen,
    holdDevices(task) {
      if (hold) {
        throw new PosError('TERMINAL_BUSY', `a technician is already testing the ${hold.task}`);
      }
      const state = stateName(actor.getSnapshot());
      if (state !== 'idle') {
        throw new PosError('TERMINAL_BUSY', `the terminal is in use (${state}); try when idle`, {
          details: { state },
        });
      }
      const mine: DeviceHold = {
        task,
        release() {
          if (hold !== mine) return;
          hold = undefined;
          deps.logger.info({ task }, 'technician released the devices');
          announce(actor.getSnapshot());
        },
      };
      hold = mine;
      deps.logger.info({ task }, 'technician holds the devices for a test');
      announce(actor.getSnapshot());
      return mine;
    },
    onScreen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async hostHealth() {
      const { latencyMs } = await deps.host.health();
      return { latencyMs };
    },
    async start() {
      if (started) return;
      started = true;
      await Promise.all([deps.reader.open(), deps.keypad.open(), deps.printer.open()]);
      unsubscribers.push(
        deps.keypad.onKey((key) => {
          if (!hold) actor.send({ type: 'KEY', key });
        }),
        deps.reader.onCard((card) => {
          if (!hold) actor.send({ type: 'CARD_TAPPED', card });
        }),
      );
      actor.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const unsubscribe of unsubscribers) unsubscribe();
      actor.stop();
      deps.host.close();
      await Promise.allSettled([deps.reader.close(), deps.keypad.close(), deps.printer.close()]);
      deps.journal.close();
    },
  };
}
