/**
 * A window of outstanding requests: at most `size` held at once, further callers wait in
 * order. SMSCs allow a fixed number of unanswered PDUs per bind and throttle or drop a client
 * that sends more.
 */
export class RequestWindow {
  readonly #size: number;
  #held = 0;
  readonly #waiting: { grant: () => void; fail: (error: Error) => void }[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`invalid window size ${size}`);
    this.#size = size;
  }

  /** Requests held now. */
  get held(): number {
    return this.#held;
  }

  /**
   * Waits for a free place; resolves with its release function (calling it more than once
   * is harmless). Rejects with `signal.reason` if `signal` aborts first.
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (this.#held < this.#size) {
      this.#held += 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.#releaser());
        },
        fail: (error: Error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(entry), 1);
        entry.fail(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The place passes straight to the next caller, so the count stays.
      if (next) next.grant();
      else this.#held -= 1;
    };
  }
}
