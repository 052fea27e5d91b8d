import { isoNow } from '../../core/clock.js';
import { encodeBase64Url } from '../../protocol/base64url.js';
import type { HostContext } from '../HostContext.js';
import { reply } from '../http/replies.js';
import type { StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from './AuthenticatedTerminal.js';
import { openBatchOf } from './openBatch.js';

/**
 * `POST /v1/terminals/sign-in`: the host's time, the merchant, the PIN key to encrypt to and
 * the open batch. Reads only; a terminal may sign in as often as it likes.
 */
export async function signIn(
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
): Promise<StoredReply> {
  const key = ctx.pinKeys.active;
  return reply(200, {
    serverTime: isoNow(ctx.clock),
    merchant: { id: terminal.merchantId, name: terminal.merchantName },
    terminalId: terminal.id,
    pinKey: { id: key.id, publicKey: encodeBase64Url(key.publicKey) },
    batch: await openBatchOf(ctx.db, terminal.id),
  });
}
