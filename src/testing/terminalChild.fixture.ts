/**
 * A terminal in a child process, for crash tests (not a test itself): the real flow, effects,
 * host client and journal on fake devices, driven through stdin and reporting on stdout, so
 * that the parent can kill it with SIGKILL at any journal write and start it again.
 *
 *   node --import tsx terminalChild.fixture.ts   (POS_CHILD: ChildConfig as JSON)
 *
 * The terminal is built from a terminal config file by `openTerminal`, as on the board.
 *
 * stdin, one JSON command per line: `{ "tap": { "uid", "token" } }` or `{ "keys": "1250{OK}" }`.
 * stdout, one JSON event per line: `{ "state": "code.entering" }` on every state change,
 * `{ "write": "update:approved", "phase": "before" }` on every journal write. With `crashAt`
 * the process kills itself (SIGKILL, no cleanup, as a power cut) at that write. Every slip
 * printed is appended to `slipsPath` as a JSON line before the print counts as done.
 */
import { appendFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/logger.js';
import { FakeKeypad } from '../../drivers/keypad/FakeKeypad.js';
import { FakeCardReader } from '../../drivers/nfc/FakeCardReader.js';
import { FakePrinter } from '../../drivers/printer/FakePrinter.js';
import { stateName } from '../terminal/createTerminal.js';
import type { JournalOptions } from '../terminal/journal/Journal.js';
import { openTerminal } from '../terminal/openTerminal.js';
import { loadTerminalConfig } from '../terminal/terminalConfig.js';

export interface ChildConfig {
  /** The terminal config file (see terminalConfig.ts). */
  configFile: string;
  slipsPath: string;
  /** Kill at the n-th (1-based) write of this point in this phase. */
  crashAt?: { point: string; phase: 'before' | 'after'; occurrence: number };
}

function emit(event: Record<string, unknown>): void {
  // Synchronous, so the line is out before a SIGKILL that follows it.
  writeSync(1, `${JSON.stringify(event)}\n`);
}

const config = JSON.parse(process.env.POS_CHILD ?? '{}') as ChildConfig;
const seen = new Map<string, number>();
// Warnings and errors go to stderr, which the parent shows when a run fails.
const logger = createLogger({ name: 'terminal', level: 'warn', destination: pino.destination(2) });
const reader = new FakeCardReader();
const keypad = new FakeKeypad();
const printer = new FakePrinter();
printer.onPrinted((document) => {
  appendFileSync(config.slipsPath, `${JSON.stringify(document)}\n`);
});
const onJournalWrite: JournalOptions['onWrite'] = (point, phase) => {
  emit({ write: point, phase });
  const key = `${point}:${phase}`;
  const count = (seen.get(key) ?? 0) + 1;
  seen.set(key, count);
  const crash = config.crashAt;
  if (crash?.point === point && crash.phase === phase && crash.occurrence === count) {
    emit({ crash: key });
    process.kill(process.pid, 'SIGKILL');
  }
};
const terminal = openTerminal(
  loadTerminalConfig({ file: config.configFile }),
  { reader, keypad, printer },
  { clock: systemClock, logger, onJournalWrite },
);
let last = '';
terminal.onScreen((_screen, snapshot) => {
  const state = stateName(snapshot);
  if (state !== last) {
    last = state;
    const outcome = snapshot.context.outcome?.code ?? snapshot.context.notice?.code;
    emit(outcome === undefined ? { state } : { state, outcome });
  }
});
await terminal.start();

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as { tap?: { uid: string; token: string }; keys?: string };
  if (command.tap) reader.tap(command.tap);
  if (command.keys !== undefined) keypad.type(command.keys);
});
lines.on('close', () => {
  void terminal.stop().then(() => process.exit(0));
});
