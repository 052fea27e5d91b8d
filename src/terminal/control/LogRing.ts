/** Where log lines go on: pino's destination stream, or anything with `write`. */
export interface LineSink {
  write(text: string): unknown;
}

/**
 * A pino destination that keeps the last `capacity` log lines in memory for the technician
 * console's `logs tail`, and passes every line on to `forward` (stderr, the system journal).
 * The lines are the logger's output, so they are already redacted (src/core/logger.ts).
 */
export class LogRing implements LineSink {
  readonly #capacity: number;
  readonly #forward: LineSink | undefined;
  readonly #lines: string[] = [];
  readonly #followers = new Set<(line: string) => void>();

  constructor(options: { capacity: number; forward?: LineSink | undefined }) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError('LogRing capacity must be a positive integer');
    }
    this.#capacity = options.capacity;
    this.#forward = options.forward;
  }

  /** Takes one or more `\n`-ended lines (pino writes one record per call). */
  write(text: string): boolean {
    this.#forward?.write(text);
    for (const line of text.split('\n')) {
      if (line === '') continue;
      this.#lines.push(line);
      if (this.#lines.length > this.#capacity) this.#lines.shift();
      for (const follower of this.#followers) {
        try {
          follower(line);
        } catch {
          // A follower (a console connection) that fails must not break logging.
        }
      }
    }
    return true;
  }

  /** The last `count` lines, oldest first. */
  tail(count: number): string[] {
    return this.#lines.slice(Math.max(0, this.#lines.length - count));
  }

  /** Calls `listener` with every new line. Returns a function that unsubscribes. */
  follow(listener: (line: string) => void): () => void {
    this.#followers.add(listener);
    return () => this.#followers.delete(listener);
  }
}
