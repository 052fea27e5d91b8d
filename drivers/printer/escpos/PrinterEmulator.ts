import { statusAnswer } from './realTimeStatus.js';

/**
 * The byte-level behaviour of an ESC/POS receipt printer, for tests and simulators: it keeps
 * what it prints, answers real-time status requests (`DLE EOT n`, at once, whatever its state)
 * and `GS r 1` (in turn, once what came before it printed: the driver's "printed" marker).
 *
 * Faults: with no paper or the cover open it prints nothing and drops what it receives (as
 * if its buffer were cleared) and does not answer `GS r`. {@link runOutOfPaperAfter} makes the
 * paper end part-way through the next data. Feed it with {@link receive}; it answers through
 * the function given to {@link attach} (answers are dropped while none is attached).
 */
export class PrinterEmulator {
  #send: (bytes: Uint8Array) => void = () => undefined;
  #paperOut = false;
  #coverOpen = false;
  #paperLeft: number | undefined;
  #printed: number[] = [];
  #carry: number[] = [];
  #listeners: (() => void)[] = [];

  /** Where answers go from now on: the link the printer is plugged into. */
  attach(send: (bytes: Uint8Array) => void): void {
    this.#send = send;
  }

  /** Everything printed so far (real-time requests and `GS r` removed). */
  get printed(): Buffer {
    return Buffer.from(this.#printed);
  }

  get paperOut(): boolean {
    return this.#paperOut;
  }

  /** Forgets what was printed. */
  clear(): void {
    this.#printed = [];
  }

  setPaper(paper: 'ok' | 'out'): void {
    this.#paperOut = paper === 'out';
    if (!this.#paperOut) this.#paperLeft = undefined;
  }

  openCover(): void {
    this.#coverOpen = true;
  }

  closeCover(): void {
    this.#coverOpen = false;
  }

  /** The paper ends after printing `bytes` more bytes of data. */
  runOutOfPaperAfter(bytes: number): void {
    this.#paperLeft = bytes;
  }

  /** Calls `listener` after each chunk received. Returns a function that unsubscribes. */
  onReceive(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((other) => other !== listener);
    };
  }

  receive(chunk: Uint8Array): void {
    const bytes = [...this.#carry, ...chunk];
    this.#carry = [];
    let i = 0;
    while (i < bytes.length) {
      const byte = bytes[i] ?? 0;
      const isPrefix = byte === 0x10 || byte === 0x1d;
      if (isPrefix && i + 2 >= bytes.length) {
        // A command may be split across chunks: wait for the rest.
        this.#carry = bytes.slice(i);
        break;
      }
      if (byte === 0x10 && bytes[i + 1] === 0x04) {
        this.#send(Uint8Array.of(statusAnswer(bytes[i + 2] ?? 0, this.#state())));
        i += 3;
        continue;
      }
      if (byte === 0x1d && bytes[i + 1] === 0x72) {
        if (!this.#stopped()) this.#send(Uint8Array.of(this.#paperOut ? 0x0c : 0x00));
        i += 3;
        continue;
      }
      this.#print(byte);
      i += 1;
    }
    for (const listener of [...this.#listeners]) listener();
  }

  #print(byte: number): void {
    if (this.#stopped()) return;
    if (this.#paperLeft !== undefined) {
      if (this.#paperLeft === 0) {
        this.#paperOut = true;
        this.#paperLeft = undefined;
        return;
      }
      this.#paperLeft -= 1;
    }
    this.#printed.push(byte);
  }

  #stopped(): boolean {
    return this.#paperOut || this.#coverOpen;
  }

  #state(): { coverOpen: boolean; paperOut: boolean } {
    return { coverOpen: this.#coverOpen, paperOut: this.#paperOut };
  }
}
