import type { ConsolePort } from './ConsolePort.js';
import { KeyDecoder, type Key } from './KeyDecoder.js';
import { LineEditor, type LineEditorOptions, type LineResult } from './LineEditor.js';

/** How a {@link ConsoleTerminal.readLine} ended. */
export type ReadResult =
  | LineResult
  /** No key for `idleMs`. */
  | { kind: 'idle' }
  /** The input ended (stdin closed, the serial port went away). */
  | { kind: 'end' }
  /** {@link ConsoleTerminal.wake} was called: something else needs the session's attention. */
  | { kind: 'wake' };

/** What reading one line needs beyond the editor's options. */
export interface ReadLineOptions extends LineEditorOptions {
  /** Gives up with `idle` after this long without a key; no limit when absent. */
  idleMs?: number | undefined;
}

type Item = Key | { name: 'endOfInput' };
type Waited = Item | 'timeout' | 'wake';

/**
 * The technician's screen and keyboard on a {@link ConsolePort}: keys are decoded as they
 * arrive and queued until the session reads them (so bytes piped ahead are not lost), except
 * while a command runs ({@link busy}): then every key but Ctrl-C is dropped, and Ctrl-C calls
 * the command's handler. Output line ends are CRLF.
 */
export class ConsoleTerminal {
  private readonly decoder = new KeyDecoder();
  private readonly queue: Item[] = [];
  private waiter: ((item: Waited) => void) | undefined;
  private onInterrupt: (() => void) | undefined;
  private busyDepth = 0;
  private inputEnded = false;
  private editing: LineEditor | undefined;
  /** Why the input ended, once it did. */
  endReason: string | undefined;

  constructor(private readonly port: ConsolePort) {
    port.onData((bytes) => {
      for (const key of this.decoder.feed(bytes)) this.onKey(key);
    });
    port.onEnd((reason) => {
      this.endReason = reason;
      this.push({ name: 'endOfInput' });
    });
  }

  /** Writes `text` as is. */
  write(text: string): void {
    this.port.write(text);
  }

  /** Writes lines (a `\n` inside one starts a new line), each ended with CRLF. */
  println(...lines: string[]): void {
    const text = lines.length === 0 ? '' : lines.join('\n');
    this.port.write(`${text.replace(/\r?\n/g, '\r\n')}\r\n`);
  }

  /**
   * Prints lines while a line may be in editing (a message that arrives on its own): the
   * prompt line is cleared first. The caller ends the editing (wake) if it must.
   */
  announce(...lines: string[]): void {
    if (this.editing) this.write('\r\x1b[K');
    this.println(...lines);
  }

  /** Reads one line with the editor. */
  async readLine(options: ReadLineOptions): Promise<ReadResult> {
    const editor = new LineEditor(options);
    this.editing = editor;
    try {
      this.write(editor.start());
      for (;;) {
        const item = await this.next(options.idleMs);
        if (item === 'timeout') {
          this.write('\r\n');
          return { kind: 'idle' };
        }
        if (item === 'wake') return { kind: 'wake' };
        if (item.name === 'endOfInput') {
          this.write('\r\n');
          return { kind: 'end' };
        }
        const step = editor.handle(item);
        this.write(step.output);
        if (step.result) return step.result;
      }
    } finally {
      this.editing = undefined;
    }
  }

  /** Waits for Enter (other keys are ignored), at most `timeoutMs`. */
  async waitForEnter(timeoutMs?: number): Promise<'enter' | 'timeout' | 'end' | 'wake'> {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    for (;;) {
      const left = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
      const item = await this.next(left);
      if (item === 'timeout' || item === 'wake') return item;
      if (item.name === 'endOfInput') return 'end';
      if (item.name === 'enter') return 'enter';
    }
  }

  /**
   * Runs `work` as a command: keys typed meanwhile are dropped, Ctrl-C calls `onInterrupt`
   * (when given).
   */
  async busy<T>(work: () => Promise<T>, onInterrupt?: () => void): Promise<T> {
    const previous = this.onInterrupt;
    this.busyDepth += 1;
    this.onInterrupt = onInterrupt;
    try {
      return await work();
    } finally {
      this.busyDepth -= 1;
      this.onInterrupt = previous;
    }
  }

  /** Ends the current wait (readLine, waitForEnter) with `wake`; nothing when none waits. */
  wake(): void {
    this.settle('wake');
  }

  private onKey(key: Key): void {
    if (this.busyDepth > 0) {
      if (key.name === 'interrupt') this.onInterrupt?.();
      return;
    }
    this.push(key);
  }

  private push(item: Item): void {
    if (item.name === 'endOfInput') this.inputEnded = true;
    if (this.waiter) this.settle(item);
    else this.queue.push(item);
  }

  private settle(item: Waited): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(item);
  }

  private next(timeoutMs?: number): Promise<Waited> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.inputEnded) return Promise.resolve({ name: 'endOfInput' });
    return new Promise((resolve) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.settle('timeout');
            }, timeoutMs);
      this.waiter = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
    });
  }
}
