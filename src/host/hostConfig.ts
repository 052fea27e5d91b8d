import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { loadConfig, type EnvBinding } from '../core/config.js';
import { LOG_LEVELS } from '../core/logger.js';
import { CURRENCY_CODES } from '../core/currencies.js';
import { DEFAULT_POLICY } from './HostPolicy.js';
import { gsmModemConfigSchema } from './sms/gsm/gsmModemConfig.js';
import { httpTransportConfigSchema } from './sms/http/httpTransportConfig.js';
import { smppConfigSchema } from './sms/smpp/smppConfigSchema.js';

/** The SMS transports a host can be configured with. */
export const SMS_TRANSPORT_NAMES = ['outbox', 'gsm-modem', 'smpp', 'http'] as const;
export type SmsTransportName = (typeof SMS_TRANSPORT_NAMES)[number];

/** Each link transport's settings section under `sms`. */
const SECTION_OF = { http: 'http', smpp: 'smpp', 'gsm-modem': 'gsmModem' } as const;

const listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+|[0-9a-fA-F:]+):\d{1,5}$/, 'must be host:port')
  .refine((text) => {
    const port = Number(text.slice(text.lastIndexOf(':') + 1));
    return port <= 65535;
  }, 'port must be 0 (any free port) to 65535');

/**
 * The host's configuration: the environment variables of protocol.md ("Configuration"),
 * optionally a JSON file (`POS_HOST_CONFIG`) under them. Every field has a default, so an
 * empty environment runs a development host on 127.0.0.1:8443 with data in ./var/host.
 */
export const hostConfigSchema = z
  .strictObject({
    dataDir: z.string().min(1).default('./var/host'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    listen: listen.default('127.0.0.1:8443'),
    /** `auto`, `off`, or `cert.pem,key.pem`. */
    tls: z
      .string()
      .regex(/^(auto|off|[^,]+,[^,]+)$/, 'must be auto, off or cert.pem,key.pem')
      .default('auto'),
    /** Extra names for the auto server certificate (the names terminals connect to). */
    tlsHostnames: z.array(z.string().min(1)).default([]),
    /**
     * One transport, or several in failover order separated by commas (`smpp,gsm-modem`).
     * `smsTransports` (a list; what `POS_HOST_SMS_TRANSPORT` sets) wins when both are given.
     */
    smsTransport: z.string().min(1).default('outbox'),
    smsTransports: z.array(z.enum(SMS_TRANSPORT_NAMES)).min(1).optional(),
    /** Each link transport's settings, needed when it is in the list. */
    sms: z
      .strictObject({
        http: httpTransportConfigSchema.optional(),
        smpp: smppConfigSchema.optional(),
        gsmModem: gsmModemConfigSchema.optional(),
      })
      .default({}),
    /** Texts one number may receive per window (0: no limit); see `HostPolicy`. */
    smsPerNumberMax: z.int().min(0).max(1000).default(DEFAULT_POLICY.smsPerNumberMax),
    smsPerNumberWindowSeconds: z
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(DEFAULT_POLICY.smsPerNumberWindowSeconds),
    smsLanguage: z.enum(['zh-CN', 'en']).default(DEFAULT_POLICY.smsLanguage),
    smsTimeZone: z.string().min(1).default(DEFAULT_POLICY.smsTimeZone),
    otpTtlSeconds: z.int().min(30).max(3600).default(DEFAULT_POLICY.otpTtlSeconds),
    maxAttempts: z.int().min(1).max(10).default(DEFAULT_POLICY.maxAttempts),
    lockSeconds: z
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(DEFAULT_POLICY.lockSeconds),
    resendCooldownSeconds: z.int().min(0).max(600).default(DEFAULT_POLICY.resendCooldownSeconds),
    maxResends: z.int().min(0).max(10).default(DEFAULT_POLICY.maxResends),
    smsBudgetMs: z.int().min(100).max(60_000).default(DEFAULT_POLICY.smsBudgetMs),
    currency: z.enum(CURRENCY_CODES).default(DEFAULT_POLICY.defaultCurrency),
    /** The master key file; default `<dataDir>/keys/master.key`. */
    secretFile: z.string().min(1).optional(),
    logLevel: z.enum(LOG_LEVELS).default('info'),
  })
  .superRefine((config, ctx) => {
    const listed = config.smsTransports ?? config.smsTransport.split(',').map((n) => n.trim());
    const field = config.smsTransports ? 'smsTransports' : 'smsTransport';
    for (const name of listed) {
      if (!(SMS_TRANSPORT_NAMES as readonly string[]).includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `unknown SMS transport "${name}": use ${SMS_TRANSPORT_NAMES.join(', ')}`,
        });
      }
    }
    if (new Set(listed).size !== listed.length) {
      ctx.addIssue({ code: 'custom', path: [field], message: 'names a transport twice' });
    }
    // The outbox always "accepts": behind a real link it would swallow every code the link
    // refused, and the sale would wait for a text that never leaves the database.
    if (listed.includes('outbox') && listed.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: 'outbox keeps texts in the database: it cannot be combined with other transports',
      });
    }
    for (const name of listed) {
      if (!Object.hasOwn(SECTION_OF, name)) continue;
      const section = SECTION_OF[name as keyof typeof SECTION_OF];
      if (config.sms[section] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['sms', section],
          message: `the ${name} transport is configured, so its settings are required`,
        });
      }
    }
  });
export type HostConfig = z.output<typeof hostConfigSchema>;

const ENV: Readonly<Record<string, EnvBinding>> = {
  POS_HOST_DATA_DIR: { path: 'dataDir', type: 'string' },
  POS_HOST_DATABASE_URL: { path: 'databaseUrl', type: 'string' },
  POS_HOST_LISTEN: { path: 'listen', type: 'string' },
  POS_HOST_TLS: { path: 'tls', type: 'string' },
  POS_HOST_TLS_HOSTNAMES: { path: 'tlsHostnames', type: 'list' },
  // A list: `smpp,gsm-modem` tries SMPP first and the modem when SMPP refuses.
  POS_HOST_SMS_TRANSPORT: { path: 'smsTransports', type: 'list' },
  POS_HOST_SMS_PER_NUMBER_MAX: { path: 'smsPerNumberMax', type: 'integer' },
  POS_HOST_SMS_PER_NUMBER_WINDOW_SECONDS: { path: 'smsPerNumberWindowSeconds', type: 'integer' },
  POS_HOST_SMS_LANGUAGE: { path: 'smsLanguage', type: 'string' },
  POS_HOST_SMS_TIME_ZONE: { path: 'smsTimeZone', type: 'string' },
  POS_HOST_OTP_TTL_SECONDS: { path: 'otpTtlSeconds', type: 'integer' },
  POS_HOST_MAX_ATTEMPTS: { path: 'maxAttempts', type: 'integer' },
  POS_HOST_LOCK_SECONDS: { path: 'lockSeconds', type: 'integer' },
  POS_HOST_RESEND_COOLDOWN_SECONDS: { path: 'resendCooldownSeconds', type: 'integer' },
  POS_HOST_MAX_RESENDS: { path: 'maxResends', type: 'integer' },
  POS_HOST_SMS_BUDGET_MS: { path: 'smsBudgetMs', type: 'integer' },
  POS_HOST_CURRENCY: { path: 'currency', type: 'string' },
  POS_HOST_SECRET_FILE: { path: 'secretFile', type: 'string' },
  POS_HOST_LOG_LEVEL: { path: 'logLevel', type: 'string' },
};

/** The environment variables the host reads, for `--help` and the README. */
export const HOST_ENV_VARIABLES = ['POS_HOST_CONFIG', ...Object.keys(ENV)];

/** Reads the host's configuration; `CONFIG_INVALID` names each bad field and its source. */
export function loadHostConfig(env: Readonly<Record<string, string | undefined>>): HostConfig {
  const file = env.POS_HOST_CONFIG;
  return loadConfig({
    schema: hostConfigSchema,
    what: 'host config',
    file: file === '' ? undefined : file,
    fileRequired: file !== undefined && file !== '',
    env,
    envBindings: ENV,
  });
}

/** Splits `host:port` (IPv6 in brackets). */
export function parseListen(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(':');
  return { host: text.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(text.slice(at + 1)) };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** The SMS transports the config names, in failover order. */
export function smsTransportsOf(config: HostConfig): SmsTransportName[] {
  const listed = config.smsTransports ?? config.smsTransport.split(',').map((n) => n.trim());
  return listed as SmsTransportName[];
}

/** The master key file the config names. */
export function secretFileOf(config: HostConfig): string {
  return resolve(config.secretFile ?? join(config.dataDir, 'keys', 'master.key'));
}
