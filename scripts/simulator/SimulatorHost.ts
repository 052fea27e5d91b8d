import { existsSync, rmSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import type { Logger } from '../../src/core/logger.js';
import {
  accountView,
  findAccount,
  type AccountView,
} from '../../src/host/accounts/accountAdmin.js';
import type { HostApp } from '../../src/host/buildHost.js';
import { adminSocketPath, listenAdminSocket } from '../../src/host/cli/adminSocket.js';
import { runAdminCommand } from '../../src/host/cli/runAdminCommand.js';
import type { HostContext } from '../../src/host/HostContext.js';
import { hostConfigSchema, type HostConfig } from '../../src/host/hostConfig.js';
import { openHost } from '../../src/host/openHost.js';
import { SimulatorError } from './SimulatorError.js';
import type { SimulatorLanguage } from './simulatorOptions.js';

export interface SimulatorHostOptions {
  /** The host's data directory: PGlite in `db/`, the master key in `keys/master.key`. */
  readonly dataDir: string;
  /** Language of the customer's texts. */
  readonly language: SimulatorLanguage;
  readonly logger: Logger;
  /**
   * How often the background pass runs (queued texts such as lock notices, stale payments), in
   * ms; default 1000, as `pos-host serve` runs it.
   */
  readonly maintenanceIntervalMs?: number;
}

/**
 * The real payment host, embedded in the simulator's process: the same `openHost` as
 * `pos-host serve` (PGlite on disk, migrated; master key file created on first use; texts to
 * the outbox transport, which the phone panel reads), listening on 127.0.0.1 on a free port
 * over plain HTTP (the host allows that on loopback only; the terminal is in the same
 * process, so there is nothing for TLS to protect). It runs on the system clock.
 *
 * Like `pos-host serve` it answers admin commands on `<dataDir>/admin.sock`, so
 * `POS_HOST_DATA_DIR=<dataDir> npx pos-host accounts show --msisdn …` works while the
 * simulator runs, without a second process opening the database.
 */
export class SimulatorHost {
  readonly #admin: Server | undefined;
  readonly #socketPath: string;
  #closing: Promise<void> | undefined;

  private constructor(
    /** The fastify app, with the context the admin functions take. */
    readonly app: HostApp,
    /** `http://127.0.0.1:<port>`: the terminal's host URL. */
    readonly url: string,
    readonly config: HostConfig,
    admin: Server | undefined,
    socketPath: string,
  ) {
    this.#admin = admin;
    this.#socketPath = socketPath;
  }

  /**
   * Opens (creating on first use) and migrates the database, and starts listening. Refuses
   * (a {@link SimulatorError}) when a `pos-host serve` answers on the data directory's admin
   * socket: that process owns the database, and a second one opening it would corrupt it.
   */
  static async start(options: SimulatorHostOptions): Promise<SimulatorHost> {
    const config = hostConfigSchema.parse({
      dataDir: options.dataDir,
      listen: '127.0.0.1:0',
      tls: 'off',
      smsTransport: 'outbox',
      smsLanguage: options.language,
      // The phone and the terminal's screen are on this computer: its times in the texts
      // ("valid until 10:48") must read on this computer's clock, not the host's default zone.
      smsTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      // The per-number limit guards real phones from floods; someone trying sale after sale on
      // the simulated phone would only hit it and see SMS_UNAVAILABLE.
      smsPerNumberMax: 0,
    });
    const socketPath = adminSocketPath(config);
    if (await socketAnswers(socketPath)) {
      throw new SimulatorError(
        `a payment host (pos-host serve) is running on ${config.dataDir}; stop it first`,
      );
    }
    const { app, migration } = await openHost(config, options.logger, {
      maintenanceIntervalMs: options.maintenanceIntervalMs ?? 1_000,
    });
    if (migration.applied.length > 0) {
      options.logger.info({ applied: migration.applied }, 'database migrated');
    }
    let url: string;
    try {
      url = await app.listen({ host: '127.0.0.1', port: 0 });
    } catch (error) {
      await app.close();
      throw error;
    }
    let admin: Server | undefined;
    try {
      admin = await listenAdminSocket(socketPath, (request) =>
        runAdminCommand(app.context, request.argv, request.actor),
      );
    } catch (error) {
      // A convenience only (a socket path longer than the 107 bytes Unix allows fails here):
      // the simulator runs without it.
      options.logger.warn({ err: error, socketPath }, 'admin socket not available');
    }
    options.logger.info({ address: url, dataDir: config.dataDir }, 'host listening');
    return new SimulatorHost(app, url, config, admin, socketPath);
  }

  /** What the host's admin functions take (`addTerminal(host.context, …)`). */
  get context(): HostContext {
    return this.app.context;
  }

  /** The account of `msisdn` as `pos-host accounts show` shows it (`CARD_UNKNOWN` if none). */
  async account(msisdn: string): Promise<AccountView> {
    return accountView(await findAccount(this.context, msisdn), new Date(this.context.clock.now()));
  }

  /**
   * Stops listening, lets the requests in flight finish, stops the background pass and closes
   * the database (its files stay for the next start). Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#admin?.close();
    try {
      await this.app.close();
    } finally {
      if (this.#admin) rmSync(this.#socketPath, { force: true });
    }
  }
}

/** True when something accepts connections on the Unix socket `path` (a stale file does not). */
function socketAnswers(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}
