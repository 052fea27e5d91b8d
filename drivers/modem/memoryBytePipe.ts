import type { ByteStream } from './AtChannel.js';
import { Listeners } from '../Listeners.js';

/** One end of a {@link createBytePipe} pair: a {@link ByteStream} that can also be closed. */
export interface PipeEnd extends ByteStream {
  /** Ends both sides: each end's `onClose` listeners run once (with `error` when given). */
  close(error?: Error): void;
  readonly closed: boolean;
}

/**
 * Two connected in-memory byte streams, like a null-modem cable or a PTY pair: what one end
 * writes, the other reads, on a later microtask (as real I/O arrives later), in order. Writes to
 * a closed pipe reject. For tests and for running the modem emulator in-process.
 */
export function createBytePipe(): [PipeEnd, PipeEnd] {
  const data: [Listeners<Uint8Array>, Listeners<Uint8Array>] = [new Listeners(), new Listeners()];
  const closes: [Listeners<Error | undefined>, Listeners<Error | undefined>] = [
    new Listeners(),
    new Listeners(),
  ];
  let closed = false;
  const close = (error?: Error): void => {
    if (closed) return;
    closed = true;
    for (const listeners of closes) listeners.emit(error);
  };
  const end = (self: 0 | 1): PipeEnd => {
    const peer = self === 0 ? 1 : 0;
    return {
      write(bytes) {
        if (closed) return Promise.reject(new Error('the pipe is closed'));
        const copy = Uint8Array.from(bytes);
        queueMicrotask(() => {
          if (!closed) data[peer].emit(copy);
        });
        return Promise.resolve();
      },
      onData: (listener) => data[self].add(listener),
      onClose: (listener) => closes[self].add(listener),
      close,
      get closed() {
        return closed;
      },
    };
  };
  return [end(0), end(1)];
}
