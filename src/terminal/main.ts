#!/usr/bin/env node
import { createStderrLogger } from './board/createStderrLogger.js';
import { runPosTerminal } from './board/runPosTerminal.js';

// The `pos-terminal` executable: wires the process (argv, output, signals, crashes) to
// runPosTerminal, which does the rest.
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // A second signal while stopping: a device that hangs must not keep the terminal up.
    if (controller.signal.aborted) process.exit(1);
    controller.abort();
  });
}
const crash = (error: unknown): void => {
  createStderrLogger('fatal').fatal({ err: error }, 'pos-terminal crashed');
  process.exit(1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const code = await runPosTerminal(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stop: controller.signal,
});
// Exit now rather than when the event loop drains: a native handle (PC/SC threads, serial
// ports) that outlives its close must not keep a stopped terminal's process alive.
process.exit(code);
