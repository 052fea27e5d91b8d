import { z } from 'zod';
import {
  authCode,
  batchNumber,
  money,
  opaqueId,
  paymentStatus,
  paymentType,
  reference,
  traceNumber,
} from '../fields.js';

/** Query of `GET /v1/payments?batch=…&trace=…`: find a payment by its idempotency key. */
export const paymentQuery = z.strictObject({ batch: batchNumber, trace: traceNumber });
export type PaymentQuery = z.infer<typeof paymentQuery>;

/** `200` of `GET /v1/payments/{paymentId}` and of the query above: where a payment stands. */
export const paymentStatusReply = z.object({
  paymentId: opaqueId,
  type: paymentType,
  status: paymentStatus,
  amount: money.optional(),
  batch: batchNumber,
  trace: traceNumber,
  authCode: authCode.optional(),
  reference: reference.optional(),
});
export type PaymentStatusReply = z.infer<typeof paymentStatusReply>;
