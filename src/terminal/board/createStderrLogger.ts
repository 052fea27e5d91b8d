import { pino } from 'pino';
import { createLogger, type Logger, type LogLevel } from '../../core/logger.js';

/**
 * The terminal's logger on the board: JSON lines on stderr, which systemd's journal keeps.
 * Never stdout: that is the console the display draws on. Written synchronously, so the lines
 * just before a crash are not lost.
 */
export function createStderrLogger(level: LogLevel): Logger {
  return createLogger({
    name: 'terminal',
    level,
    destination: pino.destination({ dest: 2, sync: true }),
  });
}
