import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';
import { createLogger, type Logger, type LogLevel } from '../../src/core/logger.js';

/** A logger writing JSON lines to a file, and how to close that file. */
export interface FileLogger {
  readonly logger: Logger;
  /** Flushes and closes the file. Idempotent. */
  close(): void;
}

/**
 * The project's redacting logger (`createLogger`), writing to `path` (appended, created with
 * its directory) instead of stdout: the simulator's screen belongs to its UI, and a log line
 * on it would tear the layout. Written synchronously, like the board's logger, so the lines
 * before a crash are kept. Mode 0600: lines are redacted, but still name phone numbers.
 */
export function openFileLogger(path: string, name: string, level: LogLevel = 'info'): FileLogger {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const destination = pino.destination({ dest: path, sync: true, append: true, mode: 0o600 });
  let closed = false;
  // Lines logged after close (a late timer of a driver) are dropped: writing to an ended
  // stream would throw into the event loop.
  const gate = {
    write(line: string): void {
      if (!closed) destination.write(line);
    },
  };
  return {
    logger: createLogger({ name, level, destination: gate }),
    close() {
      if (closed) return;
      closed = true;
      destination.flushSync();
      destination.end();
    },
  };
}
