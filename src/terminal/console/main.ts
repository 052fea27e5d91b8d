#!/usr/bin/env node
import { runPosConsole } from './runPosConsole.js';

// The `pos-console` executable: wires the process (argv, stdin/stdout, signals) to
// runPosConsole, which does the rest.
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(1);
    controller.abort();
  });
}
// A bug must not leave a stack on the technician's screen (or the tty in raw mode: exiting
// restores it).
const crash = (error: unknown): void => {
  process.stderr.write(
    `pos-console: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const code = await runPosConsole(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stop: controller.signal,
});
// Exit now: the serial port's native handle must not keep the process alive.
process.exit(code);
