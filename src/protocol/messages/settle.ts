import { z } from 'zod';
import { batchNumber, money } from '../fields.js';

/** A trace is 6 digits, so a batch holds at most 999 999 transactions of a kind. */
const count = z.int().min(0).max(999_999);

const counts = z.strictObject({ sale: count, void: count, refund: count });
const totals = z.strictObject({ sale: money, refund: money });

/** `POST /v1/batches/{batch}/settle`: the terminal's own figures for the batch, in one currency. */
export const settleRequest = z
  .strictObject({ counts, totals })
  .refine((request) => request.totals.sale.currency === request.totals.refund.currency, {
    message: 'sale and refund totals must be in the same currency',
    path: ['totals', 'refund', 'currency'],
  });
export type SettleRequest = z.infer<typeof settleRequest>;

/** `200`: the host's figures, whether they agree, and the batch to use next. */
export const settleReply = z.object({
  result: z.enum(['balanced', 'out_of_balance']),
  host: z.object({
    counts: z.object(counts.shape),
    totals: z.object(totals.shape),
  }),
  nextBatch: batchNumber,
});
export type SettleReply = z.infer<typeof settleReply>;
