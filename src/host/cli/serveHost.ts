import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '../../core/logger.js';
import { PosError } from '../../core/PosError.js';
import { isLoopback, parseListen, type HostConfig } from '../hostConfig.js';
import { openHost } from '../openHost.js';
import { ensureAutoTls, loadTlsFiles } from '../tls/index.js';
import { adminSocketPath, listenAdminSocket } from './adminSocket.js';
import { runAdminCommand } from './runAdminCommand.js';

/** How the host's TLS is set up, from `POS_HOST_TLS`. */
async function tlsFor(config: HostConfig, host: string) {
  if (config.tls === 'off') {
    if (!isLoopback(host)) {
      throw new PosError(
        'CONFIG_INVALID',
        'POS_HOST_TLS=off is refused unless the host listens on loopback',
        {
          details: {
            issues: [
              { field: 'tls', source: 'env POS_HOST_TLS', problem: 'plain HTTP only on loopback' },
            ],
          },
        },
      );
    }
    return { tls: undefined, caPath: undefined };
  }
  if (config.tls === 'auto') {
    const wildcard = host === '0.0.0.0' || host === '::';
    const names = [...(wildcard ? [hostname()] : [host]), ...config.tlsHostnames];
    const material = await ensureAutoTls({
      dir: join(resolve(config.dataDir), 'tls'),
      hostnames: names,
    });
    return { tls: { key: material.key, cert: material.cert }, caPath: material.caPath };
  }
  const [certPath = '', keyPath = ''] = config.tls.split(',');
  return { tls: await loadTlsFiles(certPath.trim(), keyPath.trim()), caPath: undefined };
}

/**
 * `pos-host serve`: migrates, listens, runs the background pass and the admin socket until
 * `stop` aborts (SIGTERM or SIGINT), then shuts down gracefully: new connections are refused,
 * requests in flight finish, the background pass ends, the database closes.
 */
export async function serveHost(
  config: HostConfig,
  logger: Logger,
  stop: AbortSignal,
): Promise<void> {
  const { host, port } = parseListen(config.listen);
  const { tls, caPath } = await tlsFor(config, host);
  const { app, migration } = await openHost(config, logger, {
    ...(tls ? { tls } : {}),
    maintenanceIntervalMs: 1_000,
  });
  if (migration.applied.length > 0)
    logger.info({ applied: migration.applied }, 'database migrated');
  const socketPath = adminSocketPath(config);
  let address: string;
  try {
    address = await app.listen({ host, port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const admin = await listenAdminSocket(socketPath, (request) =>
    runAdminCommand(app.context, request.argv, request.actor),
  );
  logger.info(
    {
      listen: config.listen,
      address,
      tls: config.tls === 'auto' || config.tls === 'off' ? config.tls : 'files',
      caPath,
      database: config.databaseUrl === undefined ? 'embedded' : 'postgres',
    },
    'host listening',
  );
  if (!stop.aborted) await once(stop, 'abort');
  logger.info('stopping: finishing requests in flight');
  admin.close();
  await app.close();
  rmSync(socketPath, { force: true });
  logger.info('host stopped');
}
