/**
 * A failure the simulator explains to the person who started it: the message is a whole
 * sentence meant for the screen (it says what to do, e.g. "start with --reset"), and
 * `exitCode` is what `npm start` should exit with: 2 when the command line was wrong, 1 when
 * starting failed for another reason.
 */
export class SimulatorError extends Error {
  override readonly name = 'SimulatorError';
  readonly exitCode: 1 | 2;

  constructor(message: string, options: { exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}
