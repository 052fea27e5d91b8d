/**
 * Listeners called synchronously in registration order; each registration is removed once.
 * A listener that throws is reported to `onError` (default: ignored) and does not stop the
 * others: a bug in one subscriber must not stop a driver's loop.
 */
export class Listeners<T> {
  #entries: { readonly listener: (value: T) => void }[] = [];
  readonly #onError: ((error: unknown) => void) | undefined;

  constructor(onError?: (error: unknown) => void) {
    this.#onError = onError;
  }

  add(listener: (value: T) => void): () => void {
    const entry = { listener };
    this.#entries.push(entry);
    return () => {
      this.#entries = this.#entries.filter((other) => other !== entry);
    };
  }

  emit(value: T): void {
    for (const { listener } of [...this.#entries]) {
      try {
        listener(value);
      } catch (error) {
        this.#onError?.(error);
      }
    }
  }

  clear(): void {
    this.#entries = [];
  }
}
