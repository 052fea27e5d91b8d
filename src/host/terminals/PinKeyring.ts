import { decodeBase64Url, encodeBase64Url } from '../../protocol/base64url.js';
import { generatePinKeyPair, type PinKeyPair } from '../../protocol/pinBlock.js';
import type { Clock } from '../../core/clock.js';
import type { HostCrypto } from '../crypto/HostCrypto.js';
import { newId } from '../crypto/generators.js';
import type { HostDb } from '../store/openDatabase.js';

/**
 * The host's PIN keys (X25519). The active key is what sign-in hands to terminals; older keys
 * stay usable so blocks made just before a rotation still open. Private keys are stored
 * sealed with the at-rest key and opened into memory here.
 */
export class PinKeyring {
  readonly #keys = new Map<string, PinKeyPair>();
  #active: PinKeyPair | undefined;

  /** Loads the keys, creating the first one when the database has none. */
  static async load(db: HostDb, crypto: HostCrypto, clock: Clock): Promise<PinKeyring> {
    const ring = new PinKeyring();
    let rows = await db.selectFrom('pin_keys').selectAll().execute();
    if (rows.length === 0) {
      const pair = generatePinKeyPair(newId('K'));
      await db
        .insertInto('pin_keys')
        .values({
          id: pair.id,
          public_key: encodeBase64Url(pair.publicKey),
          private_key_box: crypto.seal(encodeBase64Url(pair.privateKey)),
          active: true,
          created_at: new Date(clock.now()),
        })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      rows = await db.selectFrom('pin_keys').selectAll().execute();
    }
    for (const row of rows) {
      const privateKey = decodeBase64Url(crypto.open(row.private_key_box));
      const publicKey = decodeBase64Url(row.public_key);
      if (!privateKey || !publicKey) throw new Error(`PIN key ${row.id} is malformed`);
      const pair = { id: row.id, privateKey, publicKey };
      ring.#keys.set(row.id, pair);
      if (row.active) ring.#active = pair;
    }
    return ring;
  }

  /** The key terminals encrypt to now. */
  get active(): PinKeyPair {
    if (!this.#active) throw new Error('no active PIN key');
    return this.#active;
  }

  /** The key a block names, if the host has it. */
  find(id: string): PinKeyPair | undefined {
    return this.#keys.get(id);
  }
}
