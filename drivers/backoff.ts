/** Retry delays of a device that went away: first `initialMs`, doubling up to `maxMs`. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms; default 250. */
  readonly initialMs?: number;
  /** Longest delay between retries, in ms; default 5000. */
  readonly maxMs?: number;
}

/** Successive retry delays; {@link reset} once the device is back. */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 250;
    this.#maxMs = options.maxMs ?? 5000;
    if (!(this.#initialMs > 0) || !(this.#maxMs >= this.#initialMs)) {
      throw new RangeError(`invalid backoff ${this.#initialMs}..${this.#maxMs} ms`);
    }
  }

  /** The delay before the next retry, in ms. */
  next(): number {
    const delay = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
