import { userInfo } from 'node:os';
import { createLogger } from '../../core/logger.js';
import { isPosError } from '../../core/PosError.js';
import { HOST_ENV_VARIABLES, loadHostConfig } from '../hostConfig.js';
import { openConfiguredDatabase, openHost } from '../openHost.js';
import { adminSocketPath, sendAdminRequest, type AdminResponse } from './adminSocket.js';
import { ADMIN_COMMANDS } from './commands.js';
import { formatResult } from './formatResult.js';
import { parseAdminArgv, runAdminCommand } from './runAdminCommand.js';
import { serveHost } from './serveHost.js';

/** Where the command line writes, and what it reads: injectable for tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGTERM/SIGINT; ends `serve`. */
  stop: AbortSignal;
}

/** Exit statuses: 0 done, 1 the operation failed, 2 the command line was wrong. */
export type ExitCode = 0 | 1 | 2;

/**
 * `pos-host`: the host's admin command line (protocol.md). Runs one command and returns its
 * exit status. While `serve` runs on the embedded database, the other commands are carried
 * out by the server (through its admin socket), since only one process may open PGlite.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const json = argv.includes('--json');
  const words = argv.filter((word) => word !== '--json');
  if (
    words.length === 0 ||
    words[0] === 'help' ||
    words.includes('--help') ||
    words.includes('-h')
  ) {
    io.stdout(usage());
    return words.length === 0 ? 2 : 0;
  }
  try {
    const config = loadHostConfig(io.env);
    const logger = createLogger({
      name: 'host',
      level: words[0] === 'serve' ? config.logLevel : 'warn',
    });
    if (words[0] === 'serve') {
      await serveHost(config, logger, io.stop);
      return 0;
    }
    if (words[0] === 'migrate') {
      const { db, migration } = await openConfiguredDatabase(config);
      await db.destroy();
      io.stdout(formatResult('migrate', migration, json));
      return 0;
    }
    const { command } = parseAdminArgv(words);
    const actor = io.env.SUDO_USER ?? io.env.USER ?? userInfo().username;
    const request = { argv: words, actor };
    let response: AdminResponse | undefined =
      config.databaseUrl === undefined
        ? await sendAdminRequest(adminSocketPath(config), request)
        : undefined;
    if (!response) {
      // A serving host owns the SMS links; this command's texts wait in the queue for it.
      const { app } = await openHost(config, logger, { sendSms: false, env: io.env });
      try {
        response = await runAdminCommand(app.context, words, actor);
      } finally {
        await app.close();
      }
    }
    if (!response.ok) return fail(io, json, response.error);
    io.stdout(formatResult(command.name, response.result, json));
    return 0;
  } catch (error) {
    if (isPosError(error)) {
      return fail(io, json, { code: error.code, message: error.message, details: error.details });
    }
    io.stderr(`pos-host: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function fail(
  io: CliIo,
  json: boolean,
  error: { code: string; message: string; details?: unknown },
): ExitCode {
  if (json) {
    io.stderr(`${JSON.stringify({ error })}\n`);
  } else {
    io.stderr(`pos-host: ${error.code}: ${error.message}\n`);
    const details = error.details as
      | {
          details?: { field: string; problem: string }[];
          issues?: { field: string; source: string; problem: string }[];
        }
      | undefined;
    for (const item of details?.details ?? []) io.stderr(`  --${item.field}: ${item.problem}\n`);
    for (const item of details?.issues ?? [])
      io.stderr(`  ${item.field} (${item.source}): ${item.problem}\n`);
  }
  return error.code === 'VALIDATION_FAILED' || error.code === 'CONFIG_INVALID' ? 2 : 1;
}

function usage(): string {
  const lines = [
    'usage: pos-host <command> [options] [--json]',
    '',
    'commands:',
    '  serve\n      run the host (HTTPS on POS_HOST_LISTEN) until SIGTERM or Ctrl-C',
    '  migrate\n      create or upgrade the database schema',
    ...ADMIN_COMMANDS.map((command) => {
      const options = Object.keys(command.options)
        .map((name) => `--${name}`)
        .join(' ');
      return `  ${command.name} ${options}\n      ${command.summary}`;
    }),
    '',
    '--json prints machine-readable output. Configuration comes from the environment:',
    `  ${HOST_ENV_VARIABLES.join(' ')}`,
    'See the README for each variable and its default.',
  ];
  return `${lines.join('\n')}\n`;
}
