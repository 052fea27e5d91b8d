import { decodeBase64Url } from '../../protocol/base64url.js';
import type { Session } from '../flow/flowTypes.js';
import type { EffectDeps } from './EffectDeps.js';

/**
 * Signs in: learns the merchant, the host's PIN key and the open batch, and makes that batch
 * the journal's current one (its trace counter continues where it stopped).
 */
export async function signIn(deps: EffectDeps): Promise<Session> {
  const reply = await deps.host.signIn();
  const publicKey = decodeBase64Url(reply.pinKey.publicKey);
  if (!publicKey) throw new Error('sign-in reply passed validation with an undecodable key');
  const signedInAt = deps.clock.now();
  deps.journal.useBatch(reply.batch);
  deps.session.set({
    merchant: reply.merchant,
    terminalId: reply.terminalId,
    pinKey: { id: reply.pinKey.id, publicKey },
    batch: reply.batch,
    signedInAt,
  });
  deps.logger.info(
    { terminalId: reply.terminalId, merchantId: reply.merchant.id, batch: reply.batch },
    'signed in',
  );
  return { merchant: reply.merchant, terminalId: reply.terminalId, batch: reply.batch, signedInAt };
}
