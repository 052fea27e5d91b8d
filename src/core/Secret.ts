import { inspect } from 'node:util';

export const REDACTED = '[REDACTED]';

/**
 * Holds a secret (a PIN, a one-time code, a key) so that it cannot leak by accident: string
 * conversion, JSON, `util.inspect` and the logger all see `[REDACTED]`. Only {@link reveal}
 * gives the value, and only the code that must use it (the PIN block encryptor, the hash
 * check) should call it.
 */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The secret value itself. Do not log, store or display what this returns. */
  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
