import { z } from 'zod';
import { authCode, isoTime, opaqueId, otpCode, positiveMoney, reference } from '../fields.js';

/** `POST /v1/payments/{paymentId}/confirm`: the code the customer keyed. */
export const confirmRequest = z.strictObject({ otp: otpCode });
export type ConfirmRequest = z.infer<typeof confirmRequest>;

/** `200`: the account was debited. Repeating the confirm returns this again. */
export const confirmReply = z.object({
  paymentId: opaqueId,
  status: z.literal('approved'),
  authCode,
  reference,
  approvedAt: isoTime,
  amount: positiveMoney,
});
export type ConfirmReply = z.infer<typeof confirmReply>;
