import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import type { Clock } from '../core/clock.js';
import type { Currency } from '../core/currencies.js';
import type { Logger } from '../core/logger.js';
import type { Keypad } from '../../drivers/keypad/Keypad.js';
import type { CardReader } from '../../drivers/nfc/CardReader.js';
import type { Printer } from '../../drivers/printer/Printer.js';
import { createFlowActors } from './effects/createFlowActors.js';
import type { SupervisorCheck } from './effects/supervisorPassword.js';
import { TerminalSession } from './effects/TerminalSession.js';
import type { FlowSettings } from './flow/flowTypes.js';
import { paymentFlow, type PaymentFlow } from './flow/paymentFlow.js';
import { screenOf, type Screen } from './flow/screenOf.js';
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
      const screen = screenOf(snapshot);
      for (const listener of listeners) listener(screen, snapshot);
    },
    error: (error) => {
      deps.logger.fatal({ error }, 'the flow stopped on an error');
    },
  });

  return {
    actor,
    screen: () => screenOf(actor.getSnapshot()),
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
        deps.keypad.onKey((key) => actor.send({ type: 'KEY', key })),
        deps.reader.onCard((card) => actor.send({ type: 'CARD_TAPPED', card })),
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
