import {
  pino,
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Level,
  type LogFn,
  type Logger,
} from 'pino';
import { format } from 'node:util';
import { redactSecrets, redactString } from './redact.js';

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
          Reflect.apply(method, this, redactedArguments(args));
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
 * A log call's arguments with every secret removed: the merge object (or error) deep-redacted,
 * and the message built from its format arguments first (`'PIN entered: %s', pin`), then
 * redacted as a whole, since no single argument shows it is a secret.
 */
function redactedArguments(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  const hasObject = typeof first === 'object' && first !== null;
  const messageArgs = hasObject ? rest : args;
  const object =
    first instanceof Error
      ? { err: redactSecrets(first) }
      : hasObject
        ? redactSecrets(first)
        : undefined;
  let message =
    messageArgs.length === 0 ? undefined : redactString(format(...messageArgs.map(redactSecrets)));
  if (message === undefined && first instanceof Error) message = redactString(first.message);
  const out: unknown[] = [];
  if (object !== undefined) out.push(object);
  if (message !== undefined) out.push(message);
  return out;
}

/**
 * pino's `formatters.bindings` sees only the root logger's bindings, so children are wrapped:
 * their bindings and message prefix are redacted before pino stores them, and so are bindings
 * added later with `setBindings`. A child inherits its parent's own properties, so the wrapper
 * always calls pino's original methods on the logger at hand.
 */
function redactChildBindings(
  logger: Logger,
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-applied with its `this` below
  pinoChild: Logger['child'] = logger.child,
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-applied with its `this` below
  pinoSetBindings: Logger['setBindings'] = logger.setBindings,
): Logger {
  const child = (bindings: Bindings, childOptions?: ChildLoggerOptions): Logger => {
    const options =
      childOptions?.msgPrefix === undefined
        ? childOptions
        : { ...childOptions, msgPrefix: redactString(childOptions.msgPrefix) };
    const made = Reflect.apply(pinoChild, logger, [redactSecrets(bindings), options]) as Logger;
    return redactChildBindings(made, pinoChild, pinoSetBindings);
  };
  logger.child = child as unknown as Logger['child'];
  logger.setBindings = (bindings: Bindings) => {
    Reflect.apply(pinoSetBindings, logger, [redactSecrets(bindings)]);
  };
  return logger;
}
