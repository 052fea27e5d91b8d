import type { Kysely } from 'kysely';
import { PosError } from '../../core/PosError.js';
import { pinBinding, decryptPinBlock, type PaymentRequest } from '../../protocol/index.js';
import { lockedUntil, recordFailure, resetFailures } from '../accounts/lockout.js';
import { hashesEqual } from '../crypto/HostCrypto.js';
import { newId } from '../crypto/generators.js';
import type { HostContext } from '../HostContext.js';
import { declineReply, reply, requestHash } from '../http/replies.js';
import type { Database, Payment, StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from '../terminals/AuthenticatedTerminal.js';
import { requireOpenBatch } from '../terminals/openBatch.js';
import { otpInfo } from './paymentViews.js';
import { queueCodeSms } from './queueCodeSms.js';
import { settleStaleReply, waitForReply } from './pendingReply.js';

type Outcome =
  | { kind: 'done'; reply: StoredReply }
  | { kind: 'replay'; payment: Payment }
  | { kind: 'send_code'; payment: Payment; smsId: string; reply: StoredReply };

/**
 * `POST /v1/payments`: a sale or a balance inquiry (patent steps 3 and 4).
 *
 * One transaction claims the idempotency key `(terminal, batch, trace)` by inserting the
 * payment row, locks the account row, and checks in this order: card and token, lock, PIN
 * block, PIN, funds. Every outcome a retry must see again (a decline, a balance, a sent code)
 * is stored on the row and replayed for the same key and content; input errors roll back
 * and leave nothing. For a sale the code's SMS is queued in that transaction and handed to
 * the transport after commit, within the policy's budget: if no transport takes it, the
 * payment is declined with `SMS_UNAVAILABLE` and nothing is debited.
 */
export async function createPayment(
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  request: PaymentRequest,
): Promise<StoredReply> {
  const hash = requestHash(request);
  const outcome = await ctx.db
    .transaction()
    .execute((trx) => decide(trx, ctx, terminal, request, hash));
  switch (outcome.kind) {
    case 'done':
      return outcome.reply;
    case 'replay':
      return outcome.payment.reply ?? (await waitForReply(ctx, outcome.payment.id));
    case 'send_code': {
      const accepted = await ctx.sms.deliverNow(outcome.smsId, ctx.policy.smsBudgetMs);
      return settleStaleReply(ctx, outcome.payment.id, accepted ? outcome.reply : undefined);
    }
  }
}

async function decide(
  trx: Kysely<Database>,
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  request: PaymentRequest,
  hash: string,
): Promise<Outcome> {
  const now = new Date(ctx.clock.now());
  const amount = request.type === 'sale' ? request.amount : undefined;
  const inserted = await trx
    .insertInto('payments')
    .values({
      id: newId('P'),
      terminal_id: terminal.id,
      merchant_id: terminal.merchantId,
      batch: request.batch,
      trace: request.trace,
      type: request.type,
      request_hash: hash,
      status: 'pending',
      account_id: null,
      amount_value: amount?.value ?? null,
      currency: amount?.currency ?? null,
      otp_hash: null,
      otp_expires_at: null,
      otp_sent_at: null,
      used_otp_hash: null,
      confirm_reply: null,
      auth_code: null,
      reference: null,
      approved_at: null,
      decline_code: null,
      reply: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((conflict) => conflict.columns(['terminal_id', 'batch', 'trace']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx
      .selectFrom('payments')
      .selectAll()
      .where('terminal_id', '=', terminal.id)
      .where('batch', '=', request.batch)
      .where('trace', '=', request.trace)
      .executeTakeFirstOrThrow();
    if (existing.request_hash !== hash) {
      throw new PosError(
        'IDEMPOTENCY_CONFLICT',
        'this batch and trace were used for another request',
      );
    }
    return { kind: 'replay', payment: existing };
  }
  await requireOpenBatch(trx, terminal.id, request.batch);
  const payment = inserted;
  const finish = async (
    result: StoredReply,
    fields: { status: Payment['status']; account_id?: string | null; decline_code?: string | null },
  ): Promise<Outcome> => {
    await trx
      .updateTable('payments')
      .set({ ...fields, reply: JSON.stringify(result), updated_at: now })
      .where('id', '=', payment.id)
      .execute();
    ctx.logger.info(
      {
        paymentId: payment.id,
        terminalId: terminal.id,
        type: request.type,
        status: fields.status,
        code: fields.decline_code,
      },
      'payment request decided',
    );
    return { kind: 'done', reply: result };
  };

  const account = await trx
    .selectFrom('accounts')
    .selectAll()
    .where('card_uid', '=', request.card.uid)
    .forUpdate()
    .executeTakeFirst();
  if (
    !account ||
    !hashesEqual(ctx.crypto.hashCardToken(request.card.token), account.card_token_hash)
  ) {
    return finish(declineReply('CARD_UNKNOWN', 'this card is not enrolled'), {
      status: 'declined',
      decline_code: 'CARD_UNKNOWN',
    });
  }
  const until = lockedUntil(account, now);
  if (until) {
    return finish(
      declineReply('ACCOUNT_LOCKED', 'the account is locked', { lockedUntil: until.toISOString() }),
      { status: 'declined', account_id: account.id, decline_code: 'ACCOUNT_LOCKED' },
    );
  }
  if (amount && amount.currency !== account.currency) {
    throw new PosError('VALIDATION_FAILED', 'the amount is not in the account currency', {
      details: { details: [{ field: 'amount.currency', problem: `must be ${account.currency}` }] },
    });
  }
  const key = ctx.pinKeys.find(request.pinBlock.keyId);
  if (!key) {
    throw new PosError('PIN_BLOCK_INVALID', 'the PIN block names a key this host does not have', {
      details: { fault: 'unknown_key' },
    });
  }
  const pin = decryptPinBlock(
    request.pinBlock,
    key,
    pinBinding({
      terminalId: terminal.id,
      batch: request.batch,
      trace: request.trace,
      type: request.type,
      amount,
      cardUid: request.card.uid,
    }),
  );
  if (!hashesEqual(ctx.crypto.hashPin(account.pin_salt, pin), account.pin_hash)) {
    const failure = await recordFailure(trx, ctx, account, 'pin', {
      terminalId: terminal.id,
      paymentId: payment.id,
    });
    return failure.locked
      ? finish(
          declineReply('ACCOUNT_LOCKED', 'too many wrong PINs: the account is locked', {
            lockedUntil: failure.until.toISOString(),
          }),
          { status: 'declined', account_id: account.id, decline_code: 'ACCOUNT_LOCKED' },
        )
      : finish(
          declineReply('PIN_INCORRECT', 'the PIN is wrong', { attemptsLeft: failure.attemptsLeft }),
          { status: 'declined', account_id: account.id, decline_code: 'PIN_INCORRECT' },
        );
  }
  await resetFailures(trx, account, 'pin');

  if (!amount) {
    return finish(
      reply(200, {
        paymentId: payment.id,
        status: 'completed',
        balance: { value: account.balance, currency: account.currency },
      }),
      { status: 'completed', account_id: account.id },
    );
  }
  if (account.balance < amount.value) {
    return finish(declineReply('INSUFFICIENT_FUNDS', 'the balance does not cover the amount'), {
      status: 'declined',
      account_id: account.id,
      decline_code: 'INSUFFICIENT_FUNDS',
    });
  }
  const code = ctx.random.otp();
  const expiresAt = new Date(now.getTime() + ctx.policy.otpTtlSeconds * 1000);
  const updated = await trx
    .updateTable('payments')
    .set({
      status: 'otp_sent',
      account_id: account.id,
      otp_hash: ctx.crypto.hashOtp(payment.id, 0, code),
      otp_expires_at: expiresAt,
      otp_sent_at: now,
      updated_at: now,
    })
    .where('id', '=', payment.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const smsId = await queueCodeSms(trx, ctx, {
    msisdn: account.msisdn,
    paymentId: payment.id,
    merchantName: terminal.merchantName,
    amount: amount,
    code,
    expiresAt,
  });
  const sent = reply(201, {
    paymentId: payment.id,
    status: 'otp_sent',
    otp: otpInfo(updated, { ...account, pin_failures: 0 }, ctx.policy),
  });
  return { kind: 'send_code', payment: updated, smsId, reply: sent };
}
