/**
 * Listeners called synchronously in registration order; each registration removed once. A
 * listener that throws breaks the contract (listeners must not throw), but never the driver:
 * the error goes to `onListenerError` and the other listeners still run.
 */
export class Listeners<T> {
  #entries: { readonly listener: (value: T) => void }[] = [];
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => undefined) {
    this.#onListenerError = onListenerError;
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
        this.#onListenerError(error);
      }
    }
  }
}
