import { parseArgs } from 'node:util';
import { isPosError, PosError } from '../../core/PosError.js';
import type { HostContext } from '../HostContext.js';
import type { AdminResponse } from './adminSocket.js';
import { findCommand, parseCommandValues, type AdminCommand } from './commands.js';

/**
 * Parses an admin command's words and options (`--json` is the caller's business and is
 * ignored here); `VALIDATION_FAILED` for an unknown command or option, or a bad value.
 */
export function parseAdminArgv(argv: readonly string[]): {
  command: AdminCommand;
  values: unknown;
} {
  const command = findCommand(argv);
  if (!command) {
    throw new PosError('VALIDATION_FAILED', `unknown command: ${argv.slice(0, 2).join(' ')}`);
  }
  let values: Record<string, unknown>;
  try {
    const options = Object.fromEntries(
      Object.keys(command.options).map((name) => [name, { type: 'string' as const }]),
    );
    values = parseArgs({
      args: argv.slice(2).filter((word) => word !== '--json'),
      options,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new PosError(
      'VALIDATION_FAILED',
      (error as Error).message.split('\n')[0] ?? 'bad options',
    );
  }
  return { command, values: parseCommandValues(command, values) };
}

/** Runs one admin command against `ctx`, as an {@link AdminResponse} (never throws). */
export async function runAdminCommand(
  ctx: HostContext,
  argv: readonly string[],
  actor: string,
): Promise<AdminResponse> {
  try {
    const { command, values } = parseAdminArgv(argv);
    return { ok: true, result: await command.run(ctx, values as never, actor) };
  } catch (error) {
    if (isPosError(error) && error.code !== 'INTERNAL') {
      return {
        ok: false,
        error: { code: error.code, message: error.message, details: error.details },
      };
    }
    ctx.logger.error({ err: error, command: argv.slice(0, 2).join(' ') }, 'admin command failed');
    return { ok: false, error: { code: 'INTERNAL', message: 'internal error (see the host log)' } };
  }
}
