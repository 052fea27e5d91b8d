import type { ConsolePort } from './ConsolePort.js';

/** This process's stdin, with what a tty adds (raw mode) when it is one. */
export interface ConsoleStdin extends NodeJS.ReadableStream {
  isTTY?: boolean | undefined;
  setRawMode?: ((mode: boolean) => unknown) | undefined;
}

/** Where the console writes on stdout. */
export interface ConsoleStdout {
  write(text: string): unknown;
}

/**
 * The console on stdin and stdout. A tty is put in raw mode (no echo, no line editing, Ctrl-C
 * as a byte, not a signal) until `close`; a pipe is read as the same bytes a terminal sends.
 */
export function createStdioPort(stdin: ConsoleStdin, stdout: ConsoleStdout): ConsolePort {
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) stdin.setRawMode?.(true);
  const dataListeners: ((bytes: Uint8Array) => void)[] = [];
  const endListeners: ((reason: string) => void)[] = [];
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (const listener of dataListeners) listener(bytes);
  };
  const onEnd = (): void => {
    for (const listener of endListeners) listener('end of input');
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.resume();
  return {
    write: (text) => {
      stdout.write(text);
    },
    onData: (listener) => {
      dataListeners.push(listener);
    },
    onEnd: (listener) => {
      endListeners.push(listener);
    },
    close: () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (raw) stdin.setRawMode?.(false);
      stdin.pause();
      return Promise.resolve();
    },
  };
}
