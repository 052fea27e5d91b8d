import { randomUUID } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { createLogger, type Logger } from '../core/logger.js';
import { MAX_BODY_BYTES } from '../protocol/index.js';
import type { HostCrypto } from './crypto/HostCrypto.js';
import { secureRandom, type HostRandom } from './crypto/generators.js';
import type { HostContext } from './HostContext.js';
import { DEFAULT_POLICY, type HostPolicy } from './HostPolicy.js';
import { handleErrors } from './http/handleErrors.js';
import { registerRoutes } from './http/registerRoutes.js';
import { runMaintenance } from './runMaintenance.js';
import { OutboxTransport } from './sms/OutboxTransport.js';
import { SmsQueue } from './sms/SmsQueue.js';
import type { SmsTransport } from './sms/SmsTransport.js';
import type { HostDb } from './store/openDatabase.js';
import { PinKeyring } from './terminals/PinKeyring.js';
import { HOST_VERSION } from './version.js';

export interface BuildHostOptions {
  /** An open, migrated database. */
  db: HostDb;
  crypto: HostCrypto;
  clock?: Clock;
  random?: HostRandom;
  policy?: Partial<HostPolicy>;
  /** Default: the outbox transport over `db`. Same as `smsTransports: [smsTransport]`. */
  smsTransport?: SmsTransport;
  /** The SMS transports in failover order; wins over `smsTransport`. */
  smsTransports?: readonly SmsTransport[];
  logger?: Logger;
  /** Serve HTTPS with this key and certificate; plain HTTP when absent. */
  tls?: Pick<SecureContextOptions, 'key' | 'cert'>;
  /**
   * Run the background pass (queued SMS, stale payments) every this many ms; 0 (the default
   * for tests) runs none: call `runMaintenance(host.context)` by hand.
   */
  maintenanceIntervalMs?: number;
  /** Destroy `db` when the app closes (default true). */
  closeDatabase?: boolean;
}

/** The fastify app, with the context the admin code and tests reach the data through. */
export type HostApp = FastifyInstance & { readonly context: HostContext };

/**
 * Builds the payment host: a fastify app with every protocol endpoint, not yet listening
 * (`app.listen` or `app.inject`). Closing the app waits for requests in flight, stops the
 * background pass, closes the SMS transports and then the database.
 */
export async function buildHost(options: BuildHostOptions): Promise<HostApp> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ name: 'host' });
  const policy = { ...DEFAULT_POLICY, ...options.policy };
  const sms = new SmsQueue({
    db: options.db,
    crypto: options.crypto,
    clock,
    transports: options.smsTransports ?? [
      options.smsTransport ?? new OutboxTransport(options.db, options.crypto, clock),
    ],
    perNumberLimit: {
      max: policy.smsPerNumberMax,
      windowSeconds: policy.smsPerNumberWindowSeconds,
    },
    logger: logger.child({ component: 'sms' }),
  });
  const context: HostContext = {
    db: options.db,
    crypto: options.crypto,
    clock,
    random: options.random ?? secureRandom,
    policy,
    sms,
    pinKeys: await PinKeyring.load(options.db, options.crypto, clock),
    logger,
  };
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: MAX_BODY_BYTES,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    // Our own lines below: fastify's serializers are not installed on a supplied logger.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    forceCloseConnections: 'idle',
    ...(options.tls ? { https: { ...options.tls, minVersion: 'TLSv1.2' as const } } : {}),
  }) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  // Keep the raw bytes: the signature covers them exactly as received.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });
  handleErrors(app);
  registerRoutes(app, context, HOST_VERSION);

  let timer: ReturnType<typeof setInterval> | undefined;
  let pass: Promise<unknown> = Promise.resolve();
  if ((options.maintenanceIntervalMs ?? 0) > 0) {
    timer = setInterval(() => {
      pass = pass.then(() =>
        runMaintenance(context).catch((error: unknown) => {
          logger.error({ err: error }, 'maintenance pass failed');
        }),
      );
    }, options.maintenanceIntervalMs);
    timer.unref();
  }
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    await pass;
    await sms.close();
    if (options.closeDatabase !== false) await options.db.destroy();
  });
  return Object.assign(app, { context });
}
