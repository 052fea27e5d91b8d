import { z } from 'zod';
import { batchNumber, opaqueId, positiveMoney, reference, traceNumber } from '../fields.js';

/** `POST /v1/refunds`: return part or all of an approved sale; idempotent on (terminal, batch, trace). */
export const refundRequest = z.strictObject({
  batch: batchNumber,
  trace: traceNumber,
  originalReference: reference,
  amount: positiveMoney,
});
export type RefundRequest = z.infer<typeof refundRequest>;

/** `201`. */
export const refundReply = z.object({
  refundId: opaqueId,
  status: z.literal('refunded'),
  reference,
});
export type RefundReply = z.infer<typeof refundReply>;
