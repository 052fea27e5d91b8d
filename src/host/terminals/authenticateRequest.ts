import { unixSeconds } from '../../core/clock.js';
import { PosError } from '../../core/PosError.js';
import { isCurrency } from '../../core/currencies.js';
import { checkSignedRequest, type ReceivedRequest } from '../../protocol/authenticate.js';
import { decodeBase64Url } from '../../protocol/base64url.js';
import { NONCE_WINDOW_SECONDS } from '../../protocol/freshness.js';
import { readAuthHeaders } from '../../protocol/signing.js';
import type { HostContext } from '../HostContext.js';
import type { AuthenticatedTerminal } from './AuthenticatedTerminal.js';

type HeaderBag = Parameters<typeof readAuthHeaders>[0];

/**
 * Authenticates a signed request (protocol.md, "Terminal authentication"): header forms,
 * unknown terminal, signature over the raw body, clock skew, disabled terminal, then the
 * nonce. The nonce is recorded with one atomic statement that only succeeds when this
 * terminal has not used it within the window, so of two racing copies exactly one passes,
 * and the record survives a restart. Nothing is written unless every check before it passed.
 */
export async function authenticateRequest(
  ctx: HostContext,
  headers: HeaderBag,
  request: ReceivedRequest,
): Promise<AuthenticatedTerminal> {
  const auth = readAuthHeaders(headers);
  const row = await ctx.db
    .selectFrom('terminals')
    .innerJoin('merchants', 'merchants.id', 'terminals.merchant_id')
    .select([
      'terminals.id',
      'terminals.key_box',
      'terminals.disabled',
      'merchants.id as merchant_id',
      'merchants.name as merchant_name',
      'merchants.currency',
    ])
    .where('terminals.id', '=', auth.terminalId)
    .executeTakeFirst();
  const now = unixSeconds(ctx.clock);
  const credentials = row && {
    key: decodeBase64Url(ctx.crypto.open(row.key_box)) ?? new Uint8Array(0),
    disabled: row.disabled,
  };
  checkSignedRequest(auth, credentials, request, now);
  if (!row || !isCurrency(row.currency)) throw new PosError('INTERNAL', 'terminal row is invalid');
  const recorded = await ctx.db
    .insertInto('terminal_nonces')
    .values({ terminal_id: row.id, nonce: auth.nonce, first_seen: now })
    .onConflict((conflict) =>
      conflict
        .columns(['terminal_id', 'nonce'])
        .doUpdateSet({ first_seen: now })
        .where('terminal_nonces.first_seen', '<', now - NONCE_WINDOW_SECONDS),
    )
    .returning('first_seen')
    .executeTakeFirst();
  if (!recorded) throw new PosError('NONCE_REPLAYED', 'this nonce was already used');
  return {
    id: row.id,
    merchantId: row.merchant_id,
    merchantName: row.merchant_name,
    currency: row.currency,
  };
}
