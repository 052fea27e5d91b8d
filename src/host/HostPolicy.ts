import type { Currency } from '../core/currencies.js';

/** The host's business rules that an operator may tune (protocol.md's configuration table). */
export interface HostPolicy {
  /** How long a one-time code is valid, seconds (default 300). */
  otpTtlSeconds: number;
  /** Wrong tries per factor (PIN, code) before the account locks (default 3). */
  maxAttempts: number;
  /** How long a lock lasts, seconds (default 86 400: 24 h). */
  lockSeconds: number;
  /** Least time between two sends of a payment's code, seconds (default 30). */
  resendCooldownSeconds: number;
  /** Resends allowed per payment (default 2). */
  maxResends: number;
  /**
   * How long a payment request waits for an SMS transport to accept its code before it
   * replies `SMS_UNAVAILABLE` and debits nothing, milliseconds (default 10 000).
   */
  smsBudgetMs: number;
  /**
   * Texts one phone number may receive in any `smsPerNumberWindowSeconds` (default 10; 0: no
   * limit). Every kind counts; a code over the limit is refused (`SMS_UNAVAILABLE`), other
   * texts wait for room.
   */
  smsPerNumberMax: number;
  /** The window of that limit, seconds (default 3600). */
  smsPerNumberWindowSeconds: number;
  /** Language of the texts sent to customers (default Simplified Chinese). */
  smsLanguage: 'zh-CN' | 'en';
  /** IANA time zone for times written in texts (default Asia/Shanghai). */
  smsTimeZone: string;
  /** Currency of new merchants and accounts unless told otherwise (default CNY). */
  defaultCurrency: Currency;
}

export const DEFAULT_POLICY: HostPolicy = {
  otpTtlSeconds: 300,
  maxAttempts: 3,
  lockSeconds: 86_400,
  resendCooldownSeconds: 30,
  maxResends: 2,
  smsBudgetMs: 10_000,
  smsPerNumberMax: 10,
  smsPerNumberWindowSeconds: 3600,
  smsLanguage: 'zh-CN',
  smsTimeZone: 'Asia/Shanghai',
  defaultCurrency: 'CNY',
};
