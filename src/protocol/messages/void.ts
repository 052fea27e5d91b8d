import { z } from 'zod';
import { opaqueId } from '../fields.js';

/** `POST /v1/payments/{paymentId}/void`: the body is an empty object. */
export const voidRequest = z.strictObject({});
export type VoidRequest = z.infer<typeof voidRequest>;

/** `200`, every time (idempotent). */
export const voidReply = z.object({ paymentId: opaqueId.optional(), status: z.literal('voided') });
export type VoidReply = z.infer<typeof voidReply>;
