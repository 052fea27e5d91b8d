import { z } from 'zod';
import {
  base64UrlBytes,
  batchNumber,
  isoTime,
  merchantId,
  opaqueId,
  terminalId,
} from '../fields.js';

/** `POST /v1/terminals/sign-in`: the body is an empty object. */
export const signInRequest = z.strictObject({});
export type SignInRequest = z.infer<typeof signInRequest>;

/** `200`: who the terminal works for, the key to encrypt PINs to, and the open batch. */
export const signInReply = z.object({
  serverTime: isoTime,
  merchant: z.object({ id: merchantId, name: z.string().min(1).max(80) }),
  terminalId,
  pinKey: z.object({ id: opaqueId, publicKey: base64UrlBytes(32) }),
  batch: batchNumber,
});
export type SignInReply = z.infer<typeof signInReply>;
