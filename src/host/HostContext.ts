import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { HostCrypto } from './crypto/HostCrypto.js';
import type { HostRandom } from './crypto/generators.js';
import type { HostPolicy } from './HostPolicy.js';
import type { PinKeyring } from './terminals/PinKeyring.js';
import type { SmsQueue } from './sms/SmsQueue.js';
import type { HostDb } from './store/openDatabase.js';

/**
 * Everything the host's operations need, built once by `createHostContext` and shared by the
 * HTTP routes and the admin command line, so both change the data through the same code.
 */
export interface HostContext {
  db: HostDb;
  crypto: HostCrypto;
  clock: Clock;
  random: HostRandom;
  policy: HostPolicy;
  sms: SmsQueue;
  pinKeys: PinKeyring;
  logger: Logger;
}
