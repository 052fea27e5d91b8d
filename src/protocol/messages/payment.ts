import { z } from 'zod';
import {
  batchNumber,
  cardToken,
  cardUid,
  money,
  opaqueId,
  otpInfo,
  pinBlock,
  positiveMoney,
  traceNumber,
} from '../fields.js';

const card = z.strictObject({ uid: cardUid, token: cardToken });

const common = { batch: batchNumber, trace: traceNumber, card, pinBlock };

/**
 * `POST /v1/payments`: a sale (with `amount`) or a balance inquiry (without). The idempotency
 * key is (terminal, batch, trace).
 */
export const paymentRequest = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sale'), ...common, amount: positiveMoney }),
  z.strictObject({ type: z.literal('balance'), ...common }),
]);
export type PaymentRequest = z.infer<typeof paymentRequest>;
export type SaleRequest = Extract<PaymentRequest, { type: 'sale' }>;

/** `201` for a sale whose PIN was right: the code is on its way to the phone. */
export const paymentOtpSentReply = z.object({
  paymentId: opaqueId,
  status: z.literal('otp_sent'),
  otp: otpInfo,
});
export type PaymentOtpSentReply = z.infer<typeof paymentOtpSentReply>;

/** `200` for a balance inquiry whose PIN was right. */
export const paymentBalanceReply = z.object({
  paymentId: opaqueId,
  status: z.literal('completed'),
  balance: money,
});
export type PaymentBalanceReply = z.infer<typeof paymentBalanceReply>;

export const paymentReply = z.discriminatedUnion('status', [
  paymentOtpSentReply,
  paymentBalanceReply,
]);
export type PaymentReply = z.infer<typeof paymentReply>;
