import { z } from 'zod';

/**
 * Configuration of the `gsm-modem` SMS transport: a GSM/LTE modem's AT port on the host. Only
 * `path` is required; the defaults suit a USB LTE module.
 */
export const gsmModemConfigSchema = z.strictObject({
  /** The modem's AT port: a udev name such as `/dev/ttyModemAT` (docs/modem.md), or a PTY. */
  path: z.string().min(1),
  /** Serial speed; USB modems ignore it. */
  baudRate: z.int().min(300).max(4_000_000).default(115_200),
  /** Longest wait for each start-up command and for the `>` prompt of AT+CMGS, in ms. */
  commandTimeoutMs: z.int().min(100).max(60_000).default(5000),
  /** Longest wait for the network to take one part after its PDU was written, in ms. */
  submitTimeoutMs: z.int().min(1000).max(180_000).default(30_000),
  /** Ask for status reports and pass them on as delivery reports (`AT+CNMI`, TP-SRR). */
  statusReports: z.boolean().default(true),
  /**
   * How long the network keeps trying to deliver a text (TP-VP), in minutes; rounded up to the
   * next step the format has. Default one day: a code is long worthless by then.
   */
  validityMinutes: z
    .int()
    .min(5)
    .max(63 * 7 * 1440)
    .default(1440),
  /** First wait before reopening a port that went away, doubling up to `reconnectMaxMs`. */
  reconnectInitialMs: z.int().min(10).max(600_000).default(1000),
  reconnectMaxMs: z.int().min(10).max(600_000).default(60_000),
});

export type GsmModemConfig = z.output<typeof gsmModemConfigSchema>;
