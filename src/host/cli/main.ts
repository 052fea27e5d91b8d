#!/usr/bin/env node
import { runCli } from './runCli.js';

// The `pos-host` executable: wires the process (argv, output, signals) to runCli.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    controller.abort();
  });
}
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stop: controller.signal,
});
