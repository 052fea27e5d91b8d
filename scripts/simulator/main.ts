/**
 * `npm start`: the whole system on one laptop, no hardware. The embedded host, the terminal on
 * simulated devices, and the customer's phone, on one screen. `npm start -- --help` for options.
 */
import { systemClock } from '../../src/core/clock.js';
import { FakeModem } from '../../drivers/modem/FakeModem.js';
import { chooseDisplayLanguage } from '../../ui/consoleLanguage.js';
import { readConsoleFacts } from '../../ui/readConsoleFacts.js';
import { StatusMonitor } from '../../ui/StatusMonitor.js';
import { relative } from 'node:path';
import { SIMULATOR_SUPERVISOR_PASSWORD, SIMULATOR_TECHNICIAN_PASSWORD } from './demoData.js';
import { SimulatorError } from './SimulatorError.js';
import { parseSimulatorOptions, SIMULATOR_USAGE } from './simulatorOptions.js';
import { SimulatorScreen, type PhonePanelSource } from './SimulatorScreen.js';
import { startSimulator, type Simulator } from './startSimulator.js';

function phonePanel(sim: Simulator): PhonePanelSource {
  return {
    msisdn: sim.state.customer.msisdn,
    messages: () => sim.inbox.messages,
    onMessage: (listener) => sim.inbox.onMessage(listener),
    slips: () => sim.slips.slips.map((slip) => slip.lines),
    onSlip: (listener) => sim.slips.onSlip(() => listener()),
    onReader: () => sim.phone.onReader,
    onPhoneMove: (listener) => sim.phone.onChange(() => listener()),
    tapPhone: () => sim.phone.tap(),
    pullPhone: () => sim.phone.pull(),
  };
}

/** `path` relative to the working directory when it lies below it (shorter to type). */
function shownPath(path: string): string {
  const below = relative(process.cwd(), path);
  return below === '' || below.startsWith('..') ? path : below;
}

/** How to open the technician console on this simulator, or why it cannot be. */
function consoleHintOf(sim: Simulator): string {
  if (!sim.console) {
    return `the technician console's socket could not be opened (see ${shownPath(sim.paths.terminalLog)})`;
  }
  return (
    `technician console: npm run pos-console -- --socket ${shownPath(sim.config.console.socketPath)}` +
    ` (password ${SIMULATOR_TECHNICIAN_PASSWORD})`
  );
}

// Frames drawn with Unicode line characters rather than the terminal's alternate character set
// (ncurses' own switch, which blessed honours): they read the same, and survive copy and paste
// and tmux's capture-pane as the characters they are.
process.env.NCURSES_NO_UTF8_ACS ??= '1';

async function main(): Promise<number> {
  const options = parseSimulatorOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${SIMULATOR_USAGE}\n`);
    return 0;
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new SimulatorError('the simulator draws a screen: run it in a terminal', {
      exitCode: 2,
    });
  }
  const choice = chooseDisplayLanguage(options.lang, readConsoleFacts());
  if (choice.fallbackReason) process.stderr.write(`ComboPay simulator: ${choice.fallbackReason}\n`);
  process.stderr.write(`ComboPay simulator: starting (data in ${options.dataDir}) …\n`);
  const sim = await startSimulator(options);
  // Under the screen while it runs; there again once it has stopped.
  process.stderr.write(`ComboPay simulator: ${consoleHintOf(sim)}\n`);
  // The simulated cellular modem: signal bars for the status bar (the host is on loopback).
  const modem = new FakeModem({ clock: systemClock });
  await modem.open();
  const status = new StatusMonitor({
    terminalId: sim.config.terminalId,
    clock: systemClock,
    printer: sim.printer,
    modem,
    pingHost: () => sim.terminal.hostHealth(),
  });
  const unsubscribeLink = sim.onHostLink((link) => status.hostLink(link));
  status.start();

  return await new Promise<number>((resolve) => {
    let quitting = false;
    /** Stops everything; `why` replaces the usual farewell (the data is kept either way). */
    const quit = (ttyGone = false, why?: string) => {
      if (quitting) return;
      quitting = true;
      screen.close({ ttyGone });
      unsubscribeLink();
      unsubscribeRestart();
      status.stop();
      void Promise.allSettled([sim.stop(), modem.close()]).then((results) => {
        const failed = results.find((result) => result.status === 'rejected');
        if (failed)
          process.stderr.write(
            `ComboPay simulator: stopped with an error: ${String(failed.reason)}\n`,
          );
        else if (why !== undefined) process.stderr.write(`ComboPay simulator: ${why}\n`);
        else
          process.stderr.write(
            'ComboPay simulator: stopped; its data is kept for the next start.\n',
          );
        if (ttyGone) {
          // Node 20 aborts on exit when it cannot restore the modes of a tty that hung up
          // (node::ResetStdio, EIO). Everything is stopped and saved by now, and nobody is left
          // to read an exit status: end without that exit path.
          process.kill(process.pid, 'SIGKILL');
        }
        resolve(failed ? 1 : 0);
      });
    };
    const screen = new SimulatorScreen({
      screens: sim.terminal,
      status,
      phone: phonePanel(sim),
      language: choice.language,
      clock: systemClock,
      press: (key) => sim.keypad.press(key),
      quit: () => quit(),
      supervisorPassword: SIMULATOR_SUPERVISOR_PASSWORD,
      technicianPassword: SIMULATOR_TECHNICIAN_PASSWORD,
      terminalId: sim.config.terminalId,
    });
    // The console's `restart`: no systemd here to start the simulator again.
    const unsubscribeRestart = sim.onRestartAsked(() =>
      quit(false, 'restart asked at the console: run npm start again'),
    );
    sim.onBeep(() => screen.beep());
    process.once('SIGTERM', () => quit());
    process.once('SIGINT', () => quit());
    // The terminal window was closed: stop just as cleanly, without drawing on a tty that is
    // gone (writes to it fail with EIO; they must not become uncaught errors).
    process.once('SIGHUP', () => quit(true));
    for (const stream of [process.stdout, process.stdin]) stream.on('error', () => undefined);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof SimulatorError) {
      process.stderr.write(`ComboPay simulator: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(
      `ComboPay simulator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
