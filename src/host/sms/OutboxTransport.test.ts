import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import { TEST_DATABASE_KINDS } from '../../testing/hostHarness.js';
import { useTestDatabase } from '../../testing/useTestDatabase.js';
import { HostCrypto } from '../crypto/HostCrypto.js';
import { OutboxTransport, readOutbox } from './OutboxTransport.js';
import { describeSmsTransportContract } from './transportContract.js';

describe.each(TEST_DATABASE_KINDS)('the outbox on %s', (kind) => {
  const database = useTestDatabase(kind);
  const crypto = new HostCrypto(randomBytes(32));

  // The outbox is a table, not a gateway: it always accepts, so it cannot refuse or hang.
  describeSmsTransportContract(
    'outbox',
    ({ clock }) => {
      const transport = new OutboxTransport(database.db, crypto, clock);
      return Promise.resolve({
        transport,
        setGateway: (behaviour) => {
          if (behaviour !== 'accept') throw new Error(`the outbox cannot ${behaviour}`);
        },
        received: async () =>
          (await readOutbox(database.db, crypto)).map(({ to, text }) => ({ to, text })),
        dispose: () => transport.close(),
      });
    },
    { unsupported: ['refuse-temporarily', 'refuse-permanently', 'hang'] },
  );
});
