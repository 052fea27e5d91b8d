import { z } from 'zod';
import { opaqueId, otpInfo } from '../fields.js';

/** `POST /v1/payments/{paymentId}/resend-otp`: the body is an empty object. */
export const resendOtpRequest = z.strictObject({});
export type ResendOtpRequest = z.infer<typeof resendOtpRequest>;

/** `200`: a new code replaced the old one; the failure count is kept. */
export const resendOtpReply = z.object({ paymentId: opaqueId.optional(), otp: otpInfo });
export type ResendOtpReply = z.infer<typeof resendOtpReply>;
