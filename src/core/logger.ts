import {
  pino,
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Level,
  type LogFn,
  type Logger,
} from 'pino';
import { redactSecrets } from './redact.js';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  /** Component name put on every line (`terminal`, `host`, `console`…). */
  name: string;
  /** Lowest level written; default `info`. */
  level?: LogLevel;
  /**
   * Where JSON lines go; default stdout (journald on the board), written synchronously so the
   * lines before a crash are not lost (a terminal logs little; the cost does not matter).
   */
  destination?: DestinationStream;
}

/**
 * Creates the process logger: pino, one JSON object per line, ISO times.
 *
 * Every argument of every log call, every child binding and every serialized error passes
 * through {@link redactSecrets}, so a PIN, code, PIN block, key, password or token never
 * reaches the output, whatever the call site passes. Do not add a second logger that skips this.
 */
export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        logMethod(args: unknown[], method: LogFn) {
          const [first, ...rest] = args;
          if (first instanceof Error) {
            const err = redactSecrets(first) as { message: string };
            const tail = rest.length > 0 ? rest.map(redactSecrets) : [err.message];
            Reflect.apply(method, this, [{ err }, ...tail]);
            return;
          }
          Reflect.apply(method, this, args.map(redactSecrets));
        },
      },
      // pino's own error serializer would rebuild an already redacted error; keep ours.
      serializers: { err: redactSecrets },
      formatters: {
        log: (object) => redactSecrets(object) as Record<string, unknown>,
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return redactChildBindings(logger);
}

/**
 * pino's `formatters.bindings` sees only the root logger's bindings, so children are wrapped:
 * their bindings are redacted before pino stores them. A child inherits its parent's own
 * properties, so the wrapper always calls pino's original `child` on the logger at hand.
 */
function redactChildBindings(
  logger: Logger,
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-applied with its `this` below
  pinoChild: Logger['child'] = logger.child,
): Logger {
  const child = (bindings: Bindings, childOptions?: ChildLoggerOptions): Logger =>
    redactChildBindings(
      Reflect.apply(pinoChild, logger, [redactSecrets(bindings), childOptions]) as Logger,
      pinoChild,
    );
  logger.child = child as unknown as Logger['child'];
  return logger;
}
