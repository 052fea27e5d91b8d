import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';
import { createLogger, type Logger, type LogLevel } from '../../src/core/logger.js';

/** A log file that lines are written to, and how to close it. */
export interface LogFile {
  /** Writes log lines; lines written after `close` (a late timer of a driver) are dropped. */
  write(text: string): void;
  /** Flushes and closes the file. Idempotent. */
  close(): void;
}

/**
 * Opens `path` for log lines (appended, created with its directory): written synchronously,
 * like the board's logger, so the lines before a crash are kept. Mode 0600: lines are
 * redacted, but still name phone numbers.
 */
export function openLogFile(path: string): LogFile {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const destination = pino.destination({ dest: path, sync: true, append: true, mode: 0o600 });
  let closed = false;
  return {
    write(text) {
      // Writing to an ended stream would throw into the event loop.
      if (!closed) destination.write(text);
    },
    close() {
      if (closed) return;
      closed = true;
      destination.flushSync();
      destination.end();
    },
  };
}

/** A logger writing JSON lines to a file, and how to close that file. */
export interface FileLogger {
  readonly logger: Logger;
  /** Flushes and closes the file. Idempotent. */
  close(): void;
}

/**
 * The project's redacting logger (`createLogger`), writing to `path` (see {@link openLogFile})
 * instead of stdout: the simulator's screen belongs to its UI, and a log line on it would tear
 * the layout.
 */
export function openFileLogger(path: string, name: string, level: LogLevel = 'info'): FileLogger {
  const file = openLogFile(path);
  return { logger: createLogger({ name, level, destination: file }), close: () => file.close() };
}
