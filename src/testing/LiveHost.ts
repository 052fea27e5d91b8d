import { systemClock } from '../core/clock.js';
import type { HostApp } from '../host/buildHost.js';
import { addTerminal } from '../host/terminals/terminalAdmin.js';
import type { HostDb } from '../host/store/openDatabase.js';
import { createTestHost } from './hostHarness.js';
import { enrollTestCard, latestCodeFor } from './hostScenario.js';

/**
 * A real host on the wall clock, listening on a loopback port, for terminals that run in
 * other processes (crash tests). Terminal tests reach the host only through this class and
 * the protocol, never through the host's modules.
 */
export class LiveHost {
  private constructor(
    readonly app: HostApp,
    /** `http://127.0.0.1:port`. */
    readonly url: string,
  ) {}

  static async start(db: HostDb): Promise<LiveHost> {
    const app = await createTestHost(db, { clock: systemClock });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return new LiveHost(app, url);
  }

  /** Adds a terminal of merchant M0001; its key is base64url, as `pos-host terminals add` prints it. */
  async addTerminal(terminalId: string): Promise<{ terminalId: string; key: string }> {
    const added = await addTerminal(this.app.context, {
      terminalId,
      merchantId: 'M0001',
      merchantName: 'Crash Test Cafe',
      currency: 'CNY',
      actor: 'test',
    });
    return { terminalId, key: added.key };
  }

  enroll(balance: number) {
    return enrollTestCard(this.app, { balance });
  }

  latestCode(msisdn: string): Promise<string> {
    return latestCodeFor(this.app, msisdn);
  }

  async balance(msisdn: string): Promise<number> {
    const row = await this.app.context.db
      .selectFrom('accounts')
      .select('balance')
      .where('msisdn', '=', msisdn)
      .executeTakeFirstOrThrow();
    return row.balance;
  }

  /** The terminal's payments as the host recorded them, oldest first. */
  payments(terminalId: string) {
    return this.app.context.db
      .selectFrom('payments')
      .select(['batch', 'trace', 'type', 'status', 'amount_value', 'reference'])
      .where('terminal_id', '=', terminalId)
      .orderBy('created_at')
      .execute();
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
