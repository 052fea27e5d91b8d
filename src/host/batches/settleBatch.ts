import { sql, type Kysely } from 'kysely';
import { PosError } from '../../core/PosError.js';
import type { SettleRequest } from '../../protocol/index.js';
import type { HostContext } from '../HostContext.js';
import { reply, requestHash } from '../http/replies.js';
import { retryOnUniqueViolation } from '../store/retryOnUniqueViolation.js';
import type { Database, StoredReply } from '../store/schema.js';
import type { AuthenticatedTerminal } from '../terminals/AuthenticatedTerminal.js';
import { nextBatch } from '../terminals/openBatch.js';

/** The host's own figures for one terminal's batch. */
export interface BatchFigures {
  counts: { sale: number; void: number; refund: number };
  totals: {
    sale: { value: number; currency: string };
    refund: { value: number; currency: string };
  };
}

/**
 * `POST /v1/batches/{batch}/settle`: compares the terminal's figures with the host's and
 * closes the batch, opening the next. Sales count once approved and still standing (voided
 * and reversed ones do not); voids count separately; refunds are those made in the batch.
 *
 * Closing takes the terminal row's lock, which every payment, confirm and refund of the batch
 * also takes (shared), so nothing lands in a batch after its totals were read. A repeat of
 * the settlement (same figures) replays its reply even though the batch is now closed; other
 * figures for a settled batch are `IDEMPOTENCY_CONFLICT`, and any other batch than the open
 * one is `BATCH_CLOSED`.
 */
export async function settleBatch(
  ctx: HostContext,
  terminal: AuthenticatedTerminal,
  batch: string,
  request: SettleRequest,
): Promise<StoredReply> {
  const hash = requestHash(request);
  return retryOnUniqueViolation(() =>
    ctx.db.transaction().execute(async (trx) => {
      // The terminal's lock first: a copy of this request still running commits before the
      // lookup below, which then replays it instead of finding the batch closed.
      const { open_batch: open } = await trx
        .selectFrom('terminals')
        .select('open_batch')
        .where('id', '=', terminal.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const done = await trx
        .selectFrom('settlements')
        .select(['request_hash', 'reply'])
        .where('terminal_id', '=', terminal.id)
        .where('batch', '=', batch)
        .executeTakeFirst();
      if (done) {
        if (done.request_hash !== hash) {
          throw new PosError('IDEMPOTENCY_CONFLICT', 'this batch was settled with other figures');
        }
        return done.reply;
      }
      if (open !== batch) {
        throw new PosError(
          'BATCH_CLOSED',
          `batch ${batch} is not open (the open batch is ${open})`,
        );
      }
      const host = await batchFigures(trx, terminal, batch);
      const balanced =
        host.counts.sale === request.counts.sale &&
        host.counts.void === request.counts.void &&
        host.counts.refund === request.counts.refund &&
        sameMoney(host.totals.sale, request.totals.sale) &&
        sameMoney(host.totals.refund, request.totals.refund);
      const next = nextBatch(batch);
      const result = reply(200, {
        result: balanced ? 'balanced' : 'out_of_balance',
        host,
        nextBatch: next,
      });
      const now = new Date(ctx.clock.now());
      await trx
        .updateTable('terminals')
        .set({ open_batch: next, updated_at: now })
        .where('id', '=', terminal.id)
        .execute();
      await trx
        .insertInto('settlements')
        .values({
          terminal_id: terminal.id,
          batch,
          request_hash: hash,
          reply: JSON.stringify(result),
          settled_at: now,
        })
        .execute();
      ctx.logger.info(
        { terminalId: terminal.id, batch, result: result.body.result },
        'batch settled',
      );
      return result;
    }),
  );
}

function sameMoney(a: { value: number; currency: string }, b: { value: number; currency: string }) {
  return a.value === b.value && a.currency === b.currency;
}

/** Counts and totals of one terminal's batch as the host recorded them. */
export async function batchFigures(
  db: Kysely<Database>,
  terminal: Pick<AuthenticatedTerminal, 'id' | 'currency'>,
  batch: string,
): Promise<BatchFigures> {
  const payments = await db
    .selectFrom('payments')
    .select([
      'status',
      sql<number | string>`count(*)`.as('count'),
      sql<number | string>`coalesce(sum(amount_value), 0)`.as('total'),
    ])
    .where('terminal_id', '=', terminal.id)
    .where('batch', '=', batch)
    .where('type', '=', 'sale')
    .where('status', 'in', ['approved', 'voided'])
    .groupBy('status')
    .execute();
  const refunds = await db
    .selectFrom('refunds')
    .select([
      sql<number | string>`count(*)`.as('count'),
      sql<number | string>`coalesce(sum(amount_value), 0)`.as('total'),
    ])
    .where('terminal_id', '=', terminal.id)
    .where('batch', '=', batch)
    .executeTakeFirstOrThrow();
  const approved = payments.find((row) => row.status === 'approved');
  const voided = payments.find((row) => row.status === 'voided');
  return {
    counts: {
      sale: Number(approved?.count ?? 0),
      void: Number(voided?.count ?? 0),
      refund: Number(refunds.count),
    },
    totals: {
      sale: { value: Number(approved?.total ?? 0), currency: terminal.currency },
      refund: { value: Number(refunds.total), currency: terminal.currency },
    },
  };
}
