/**
 * A request the terminal refused or failed: its final reply was `ok: false`. `code` is the
 * terminal's error code (`CONSOLE_PASSWORD_WRONG`, `TERMINAL_BUSY`…), `message` is safe to
 * show, `details` carries the code's extra fields (`triesLeft`, `lockedUntil`).
 */
export class ControlError extends Error {
  override readonly name = 'ControlError';

  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** A field of `details`, when `details` is an object that has it. */
  detail(key: string): unknown {
    if (typeof this.details !== 'object' || this.details === null) return undefined;
    return (this.details as Record<string, unknown>)[key];
  }
}
