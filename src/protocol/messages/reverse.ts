import { z } from 'zod';
import { opaqueId } from '../fields.js';

export const reverseReason = z.enum(['timeout', 'cancelled', 'terminal_error']);
export type ReverseReason = z.infer<typeof reverseReason>;

/** `POST /v1/payments/{paymentId}/reverse`: undo what the terminal could not complete. */
export const reverseRequest = z.strictObject({ reason: reverseReason });
export type ReverseRequest = z.infer<typeof reverseRequest>;

/** `200`, every time (idempotent). */
export const reverseReply = z.object({ paymentId: opaqueId, status: z.literal('reversed') });
export type ReverseReply = z.infer<typeof reverseReply>;
