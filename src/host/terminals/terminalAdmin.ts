import { PosError } from '../../core/PosError.js';
import type { Currency } from '../../core/currencies.js';
import { encodeBase64Url } from '../../protocol/base64url.js';
import { generateTerminalKey } from '../../protocol/signing.js';
import type { HostContext } from '../HostContext.js';
import { isUniqueViolation } from '../store/retryOnUniqueViolation.js';
import { recordAudit } from '../store/recordAudit.js';

export interface AddTerminalInput {
  terminalId: string;
  merchantId: string;
  merchantName: string;
  /** Used when the merchant is new; an existing merchant keeps its currency. */
  currency: Currency;
  actor: string;
}

/**
 * Adds a terminal (and its merchant when new) with a fresh 32-byte key. The key is returned
 * once, for the installer to put in the terminal's config; the host keeps it only sealed.
 * An existing terminal id is `VALIDATION_FAILED`; an existing merchant id with another name
 * too, so a typo does not rename a merchant.
 */
export async function addTerminal(
  ctx: HostContext,
  input: AddTerminalInput,
): Promise<{ terminalId: string; merchantId: string; key: string; batch: string }> {
  const key = encodeBase64Url(generateTerminalKey());
  const now = new Date(ctx.clock.now());
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const merchant = await trx
        .selectFrom('merchants')
        .selectAll()
        .where('id', '=', input.merchantId)
        .executeTakeFirst();
      if (merchant && merchant.name !== input.merchantName) {
        throw invalid('merchant-name', `merchant ${input.merchantId} is named "${merchant.name}"`);
      }
      if (!merchant) {
        await trx
          .insertInto('merchants')
          .values({
            id: input.merchantId,
            name: input.merchantName,
            currency: input.currency,
            created_at: now,
          })
          .execute();
      }
      await trx
        .insertInto('terminals')
        .values({
          id: input.terminalId,
          merchant_id: input.merchantId,
          key_box: ctx.crypto.seal(key),
          created_at: now,
          updated_at: now,
        })
        .execute();
      await recordAudit(trx, {
        at: now,
        kind: 'terminal_added',
        actor: input.actor,
        terminalId: input.terminalId,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw invalid('id', `terminal ${input.terminalId} already exists`);
    throw error;
  }
  return { terminalId: input.terminalId, merchantId: input.merchantId, key, batch: '000001' };
}

/** Switches a terminal off (every request then gets `TERMINAL_DISABLED`) or on again; audited. */
export async function setTerminalDisabled(
  ctx: HostContext,
  input: { terminalId: string; disabled: boolean; actor: string; reason?: string | undefined },
): Promise<{ terminalId: string; disabled: boolean }> {
  const now = new Date(ctx.clock.now());
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('terminals')
      .set({ disabled: input.disabled, updated_at: now })
      .where('id', '=', input.terminalId)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw invalid('id', `no terminal ${input.terminalId}`);
    await recordAudit(trx, {
      at: now,
      kind: input.disabled ? 'terminal_disabled' : 'terminal_enabled',
      actor: input.actor,
      reason: input.reason ?? null,
      terminalId: input.terminalId,
    });
  });
  return { terminalId: input.terminalId, disabled: input.disabled };
}

/** Every terminal with its merchant, open batch and state. */
export async function listTerminals(ctx: HostContext) {
  return ctx.db
    .selectFrom('terminals')
    .innerJoin('merchants', 'merchants.id', 'terminals.merchant_id')
    .select([
      'terminals.id as terminalId',
      'merchants.id as merchantId',
      'merchants.name as merchantName',
      'terminals.open_batch as batch',
      'terminals.disabled',
    ])
    .orderBy('terminals.id')
    .execute();
}

function invalid(field: string, problem: string): PosError {
  return new PosError('VALIDATION_FAILED', problem, { details: { details: [{ field, problem }] } });
}
