import { z } from 'zod';

/** An alphanumeric sender (letters present, at most 11 characters), or a number. */
const sender = z
  .string()
  .regex(
    /^(\+?\d{1,20}|(?=.*[A-Za-z])[A-Za-z0-9 ._-]{1,11})$/,
    'must be a number (+ and up to 20 digits) or an alphanumeric sender of at most 11 characters',
  );

/**
 * The SMPP transport's configuration. Limits are SMPP 3.4's field sizes (`system_id` 15,
 * `system_type` 12 characters). The password is not here: it is read from `passwordFile`, or
 * from the environment variable `POS_HOST_SMPP_PASSWORD` when no file is named.
 */
export const smppConfigSchema = z
  .strictObject({
    host: z.string().min(1),
    port: z.int().min(1).max(65_535).default(2775),
    systemId: z.string().min(1).max(15),
    /** A file holding the bind password (a trailing newline is ignored). */
    passwordFile: z.string().min(1).optional(),
    systemType: z.string().max(12).optional(),
    /** The sender the phone shows: `ComboPay`, `+8613800138000` or a short code. */
    sourceAddress: sender,
    /** Override the TON/NPI derived from `sourceAddress` (5/0 alphanumeric, 1/1 `+…`, 0/1 digits). */
    sourceTon: z.int().min(0).max(6).optional(),
    sourceNpi: z.int().min(0).max(18).optional(),
    /** `transceiver` also receives delivery receipts (and asks for them). */
    bindMode: z.enum(['transmitter', 'transceiver']).default('transmitter'),
    /** Most `submit_sm` without a response at once; ask the SMSC's operator for its limit. */
    windowSize: z.int().min(1).max(100).default(10),
    enquireLinkMs: z.int().min(1000).max(600_000).default(30_000),
    /** Longest wait for the connection and for each response. */
    responseTimeoutMs: z.int().min(100).max(120_000).default(10_000),
    reconnectMinMs: z.int().min(10).max(600_000).default(1000),
    reconnectMaxMs: z.int().min(10).max(3_600_000).default(60_000),
    /** SMPP over TLS (often port 3550); omit for plain TCP. */
    tls: z
      .strictObject({
        /** A PEM file with the CA(s) to trust instead of the system's. */
        caFile: z.string().min(1).optional(),
        /** The name the certificate must carry, when it is not `host`. */
        servername: z.string().min(1).optional(),
        rejectUnauthorized: z.boolean().default(true),
      })
      .optional(),
  })
  .refine((config) => config.reconnectMaxMs >= config.reconnectMinMs, {
    message: 'must not be less than reconnectMinMs',
    path: ['reconnectMaxMs'],
  });

export type SmppConfig = z.output<typeof smppConfigSchema>;
/** The configuration as written (defaults not yet filled in). */
export type SmppConfigInput = z.input<typeof smppConfigSchema>;
