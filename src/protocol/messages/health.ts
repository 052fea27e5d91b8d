import { z } from 'zod';

/** `GET /v1/health` (not signed): `200`. */
export const healthReply = z.object({ status: z.literal('ok'), version: z.string().min(1) });
export type HealthReply = z.infer<typeof healthReply>;
