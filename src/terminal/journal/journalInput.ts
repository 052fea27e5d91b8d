import { z } from 'zod';
import { PosError } from '../../core/PosError.js';
import {
  authCode,
  batchNumber,
  cardUid,
  currency,
  isoTime,
  maskedMsisdn,
  money,
  opaqueId,
  positiveMoney,
  reference,
  traceNumber,
} from '../../protocol/fields.js';
import {
  JOURNAL_TXN_STATES,
  JOURNAL_TXN_TYPES,
  type BeginTxn,
  type JournalBatchFigures,
  type TxnUpdate,
} from './journalTypes.js';

/**
 * Schemas of what callers hand the journal. Formats are the protocol's (one spelling of a
 * batch, trace, card UID… everywhere). Objects are strict: an unknown field is refused rather
 * than dropped, so a misspelt field is noticed and nothing unexpected (a token, a code) can be
 * slipped in beside the known ones.
 */

export const txnState = z.enum(JOURNAL_TXN_STATES);

/** An error code as the host or the terminal names it: upper-case letters, digits, `_`. */
const errorCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an upper-case error code of at most 64 characters');

function requireField(ctx: z.RefinementCtx, value: unknown, field: string, type: string): void {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', path: [field], message: `is required for a ${type}` });
  }
}

function forbidField(ctx: z.RefinementCtx, value: unknown, field: string, type: string): void {
  if (value !== undefined) {
    ctx.addIssue({ code: 'custom', path: [field], message: `is not allowed for a ${type}` });
  }
}

/**
 * What `begin` accepts. Per type:
 * - `sale`: `amount` (at least 1 minor unit); no `original*` fields;
 * - `balance`: no `amount`, no `original*` fields;
 * - `void`: `originalPaymentId` (the sale voided); `amount` optional (the sale's, for the slip);
 * - `refund`: `amount` and `originalReference` (the sale refunded).
 * `cardUid`, when given, is the reader's upper-case hex UID.
 */
export const beginInput = z
  .strictObject({
    type: z.enum(JOURNAL_TXN_TYPES),
    amount: positiveMoney.optional(),
    cardUid: cardUid.optional(),
    originalPaymentId: opaqueId.optional(),
    originalTrace: traceNumber.optional(),
    originalReference: reference.optional(),
  })
  .superRefine((input, ctx) => {
    const { type } = input;
    switch (type) {
      case 'sale':
      case 'balance':
        if (type === 'sale') requireField(ctx, input.amount, 'amount', type);
        else forbidField(ctx, input.amount, 'amount', type);
        forbidField(ctx, input.originalPaymentId, 'originalPaymentId', type);
        forbidField(ctx, input.originalTrace, 'originalTrace', type);
        forbidField(ctx, input.originalReference, 'originalReference', type);
        break;
      case 'void':
        requireField(ctx, input.originalPaymentId, 'originalPaymentId', type);
        break;
      case 'refund':
        requireField(ctx, input.amount, 'amount', type);
        requireField(ctx, input.originalReference, 'originalReference', type);
        break;
    }
  }) satisfies z.ZodType<BeginTxn>;

/** What `update` accepts: a state and the fields the host's reply told. */
export const updateInput = z.strictObject({
  state: txnState,
  paymentId: opaqueId.optional(),
  account: maskedMsisdn.optional(),
  authCode: authCode.optional(),
  reference: reference.optional(),
  approvedAt: isoTime.optional(),
  amount: positiveMoney.optional(),
  errorCode: errorCode.optional(),
  reversalReason: z.enum(['timeout', 'cancelled', 'terminal_error']).optional(),
}) satisfies z.ZodType<TxnUpdate>;

const count = z.int().min(0).max(999_999);

/** Counts and totals of a batch, in one currency; unknown fields are dropped. */
export const batchFiguresInput = z
  .object({
    counts: z.object({ sale: count, void: count, refund: count }),
    totals: z.object({ sale: money, refund: money }),
  })
  .refine((figures) => figures.totals.sale.currency === figures.totals.refund.currency, {
    message: 'sale and refund totals must be in the same currency',
    path: ['totals', 'refund', 'currency'],
  }) satisfies z.ZodType<JournalBatchFigures>;

/** What `recordSettlement` accepts. */
export const settlementInput = z
  .strictObject({
    batch: batchNumber,
    result: z.enum(['balanced', 'out_of_balance']),
    terminal: batchFiguresInput,
    host: batchFiguresInput,
    nextBatch: batchNumber,
  })
  .refine((input) => input.nextBatch !== input.batch, {
    message: 'must differ from the batch settled',
    path: ['nextBatch'],
  });

/** What `beginSettlement` accepts. */
export const pendingSettlementInput = z.strictObject({
  batch: batchNumber,
  terminal: batchFiguresInput,
});

/** What `list` accepts. */
export const listInput = z.strictObject({
  batch: batchNumber.optional(),
  limit: z.int().min(1).max(10_000).optional(),
  states: z.array(txnState).readonly().optional(),
});

/** A stored slip: at least an object of a kind the printer knows. */
export const slipInput = z.looseObject({
  kind: z.enum(['sales-slip', 'settlement-report']),
});

export { batchNumber, currency };

/**
 * Parses `data` with `schema`, or throws `VALIDATION_FAILED` naming each bad field and what is
 * wrong with it. Values are never echoed: the message and details hold field names only.
 */
export function parseJournalInput<S extends z.ZodType>(
  schema: S,
  data: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...base, key].join('.'),
        problem: 'unknown field',
      }));
    }
    return [{ field: base.join('.'), problem: issue.message }];
  });
  const summary = problems.map((p) => (p.field === '' ? p.problem : `${p.field}: ${p.problem}`));
  throw new PosError('VALIDATION_FAILED', `invalid ${what}: ${summary.join('; ')}`, {
    details: { problems },
  });
}
