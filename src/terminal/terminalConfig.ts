import { z } from 'zod';
import { loadConfig, type EnvBinding } from '../core/config.js';
import { CURRENCY_CODES } from '../core/currencies.js';
import { LOG_LEVELS } from '../core/logger.js';
import { MAX_MINOR_UNITS } from '../core/money.js';
import { terminalId } from '../protocol/fields.js';
import { deviceConfigSchema } from './deviceConfig.js';
import { parseBaseUrl } from './hostClient/HostClient.js';
import { DEFAULT_CONTROL_SOCKET } from './control/controlProtocol.js';
import { DEFAULT_FLOW_SETTINGS } from './flow/flowTypes.js';
import { passwordHashField } from './passwordHash.js';

const ms = (min: number, max: number) => z.int().min(min).max(max);

const flowSettings = z.strictObject({
  maxAmount: z.int().min(1).max(MAX_MINOR_UNITS).default(DEFAULT_FLOW_SETTINGS.maxAmount),
  inactivityMs: ms(5_000, 600_000).default(DEFAULT_FLOW_SETTINGS.inactivityMs),
  resultMs: ms(1_000, 120_000).default(DEFAULT_FLOW_SETTINGS.resultMs),
  noticeMs: ms(1_000, 60_000).default(DEFAULT_FLOW_SETTINGS.noticeMs),
  signInRetryBaseMs: ms(500, 60_000).default(DEFAULT_FLOW_SETTINGS.signInRetryBaseMs),
  signInRetryMaxMs: ms(1_000, 3_600_000).default(DEFAULT_FLOW_SETTINGS.signInRetryMaxMs),
  resignInMs: ms(60_000, 7 * 24 * 3_600_000).default(DEFAULT_FLOW_SETTINGS.resignInMs),
  pendingRetryMs: ms(5_000, 3_600_000).default(DEFAULT_FLOW_SETTINGS.pendingRetryMs),
  supervisorMaxTries: z.int().min(1).max(10).default(DEFAULT_FLOW_SETTINGS.supervisorMaxTries),
});

/** The technician console (`pos-console`) and the terminal's control socket it talks to. */
const consoleSettings = z.strictObject({
  /**
   * scrypt hash of the technician password (`npm run -s terminal:hash-password -- --technician`).
   * Absent: the console refuses every login (the socket still answers, saying so).
   */
  passwordHash: passwordHashField('technician password hash').optional(),
  /** The control socket (a unix socket, mode 0600) that `pos-console` connects to. */
  socketPath: z
    .string()
    .regex(/^\/./, 'an absolute path')
    .max(100, 'at most 100 characters (a unix socket path is limited to 108 bytes)')
    .default(DEFAULT_CONTROL_SOCKET),
  /** Wrong passwords in a row before the console locks. */
  maxTries: z.int().min(1).max(10).default(3),
  /** How long the console stays locked after `maxTries` wrong passwords. */
  lockoutMs: ms(60_000, 24 * 3_600_000).default(15 * 60_000),
  /** A signed-in console that hears nothing for this long signs out. */
  idleLogoutMs: ms(60_000, 4 * 3_600_000).default(10 * 60_000),
});

/**
 * The terminal's configuration: one JSON file (`/etc/pos-terminal/config.json` on the board)
 * with environment overrides. Durations in ms, amounts in minor units. Secrets are not in it:
 * the terminal key is read from `terminalKeyFile` (mode 0600), and the supervisor password is
 * held only as its scrypt hash (`npm run -s terminal:hash-password` makes one).
 *
 * `devices` says which drivers `pos-terminal` runs on (see {@link deviceConfigSchema}); a file
 * without it gets a typical board's real devices. Tests and the simulator pass their own
 * devices to `openTerminal` and leave it out.
 */
export const terminalConfigSchema = z.strictObject({
  terminalId,
  /** File holding the terminal key as `pos-host terminals add` printed it (base64url). */
  terminalKeyFile: z.string().min(1),
  host: z
    .strictObject({
      /** `https://host:8443`; plain http only to a loopback address. */
      url: z.url({ protocol: /^https?$/ }),
      /** PEM of the host's CA (`<host data dir>/tls/ca.pem`): the only CA trusted. */
      caFile: z.string().min(1).optional(),
      connectTimeoutMs: ms(1_000, 120_000).default(15_000),
      replyTimeoutMs: ms(1_000, 300_000).default(30_000),
      retries: z.int().min(0).max(5).default(2),
      retryDelayMs: ms(0, 60_000).default(1_000),
    })
    .superRefine((host, ctx) => {
      // What the host client would refuse at start-up, found by `pos-terminal --check` too.
      try {
        parseBaseUrl(host.url);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: (error as Error).message });
      }
    }),
  journalPath: z.string().min(1).default('./var/terminal/journal.db'),
  currency: z.enum(CURRENCY_CODES).default('CNY'),
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  /** The cashier's operator id printed on slips. */
  operator: z
    .string()
    .regex(/^[A-Za-z0-9]{1,8}$/, '1 to 8 letters or digits')
    .default('01'),
  supervisorPasswordHash: passwordHashField('supervisor password hash'),
  flow: flowSettings.prefault({}),
  console: consoleSettings.prefault({}),
  devices: deviceConfigSchema.prefault({}),
  /** Lowest level logged (JSON lines on stderr, the journal under systemd). Default `info`. */
  logLevel: z.enum(LOG_LEVELS).default('info'),
});

export type TerminalConfig = z.output<typeof terminalConfigSchema>;

const ENV: Record<string, EnvBinding> = {
  POS_TERMINAL_ID: { path: 'terminalId', type: 'string' },
  POS_TERMINAL_KEY_FILE: { path: 'terminalKeyFile', type: 'string' },
  POS_TERMINAL_HOST_URL: { path: 'host.url', type: 'string' },
  POS_TERMINAL_HOST_CA: { path: 'host.caFile', type: 'string' },
  POS_TERMINAL_JOURNAL: { path: 'journalPath', type: 'string' },
  POS_TERMINAL_LANGUAGE: { path: 'language', type: 'string' },
  POS_TERMINAL_OPERATOR: { path: 'operator', type: 'string' },
  POS_TERMINAL_SIMULATOR: { path: 'devices.simulator', type: 'boolean' },
  POS_TERMINAL_LOG_LEVEL: { path: 'logLevel', type: 'string' },
  POS_TERMINAL_CONSOLE_SOCKET: { path: 'console.socketPath', type: 'string' },
};

/** Environment variables that override the file, and the field each sets. */
export const TERMINAL_ENV_BINDINGS: Readonly<Record<string, EnvBinding>> = ENV;

/**
 * Reads and validates the terminal's configuration: `file` (required when given), then the
 * `POS_TERMINAL_*` variables of `env`. Throws `CONFIG_INVALID` naming every bad field and
 * where its value came from, never the value.
 */
export function loadTerminalConfig(options: {
  file?: string | undefined;
  /** The file's content instead of reading it (a change checked before it is written). */
  content?: Readonly<Record<string, unknown>> | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}): TerminalConfig {
  return loadConfig({
    schema: terminalConfigSchema,
    what: 'terminal config',
    file: options.file,
    content: options.content,
    fileRequired: options.file !== undefined,
    env: options.env ?? {},
    envBindings: ENV,
  });
}
