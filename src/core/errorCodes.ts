/**
 * The stable error codes of the whole system and the group each belongs to.
 *
 * Codes never change meaning and are never renamed: the wire protocol, the journal, logs, the
 * UI's message catalogue and tests all key on them. Add new codes; do not reuse old ones.
 *
 * Groups are what callers branch on:
 * - `input`: the caller sent something malformed; fix the input, retrying as-is fails again.
 * - `authentication`: the terminal itself was not accepted (key, clock, replay, disabled).
 * - `decline`: the customer's transaction was refused for a reason the cashier can show.
 * - `state`: the operation does not fit the current state of a payment or batch.
 * - `limit`: a rate or count limit; `RESEND_TOO_SOON` may succeed later.
 * - `unavailable`: a dependency is down; nothing happened and the request may be retried.
 * - `outcome_unknown`: the request may or may not have taken effect; ask before acting again.
 * - `device`: a terminal device (reader, printer, keypad) failed or was misused; the cashier
 *   can often fix it (paper, tap again).
 * - `internal`: a bug or an unexpected failure.
 */
export const ERROR_CODE_GROUPS = {
  // Wire codes from the protocol's error table.
  VALIDATION_FAILED: 'input',
  TERMINAL_UNKNOWN: 'authentication',
  SIGNATURE_INVALID: 'authentication',
  TIMESTAMP_SKEW: 'authentication',
  NONCE_REPLAYED: 'authentication',
  TERMINAL_DISABLED: 'authentication',
  PIN_INCORRECT: 'decline',
  PIN_BLOCK_INVALID: 'input',
  OTP_INCORRECT: 'decline',
  OTP_EXPIRED: 'decline',
  ACCOUNT_LOCKED: 'decline',
  CARD_UNKNOWN: 'decline',
  PAYMENT_NOT_FOUND: 'state',
  INSUFFICIENT_FUNDS: 'decline',
  IDEMPOTENCY_CONFLICT: 'state',
  PAYMENT_STATE: 'state',
  BATCH_CLOSED: 'state',
  RESEND_LIMIT: 'limit',
  RESEND_TOO_SOON: 'limit',
  SMS_UNAVAILABLE: 'unavailable',
  INTERNAL: 'internal',
  // Local codes: never sent by the host, raised inside one process.
  CONFIG_INVALID: 'input',
  MONEY_INVALID: 'input',
  MONEY_OVERFLOW: 'input',
  CURRENCY_MISMATCH: 'input',
  HOST_UNREACHABLE: 'unavailable',
  HOST_TIMEOUT: 'outcome_unknown',
  HOST_REPLY_INVALID: 'internal',
  // Terminal devices (drivers/).
  CARD_REMOVED: 'device',
  CARD_NOT_SUPPORTED: 'device',
  CARD_UNREADABLE: 'device',
  READER_UNAVAILABLE: 'device',
  PRINTER_PAPER_OUT: 'device',
  PRINTER_COVER_OPEN: 'device',
  PRINTER_UNAVAILABLE: 'device',
  KEYPAD_UNAVAILABLE: 'device',
  /** No modem answers: the serial port is missing or closed; the driver reconnects by itself. */
  MODEM_UNAVAILABLE: 'device',
  /** The modem did not finish an AT command in time; `details.command` names it. */
  MODEM_TIMEOUT: 'device',
  /** The modem answered ERROR, +CME ERROR or +CMS ERROR; `details.command`, `details.cme`/`cms`. */
  MODEM_ERROR: 'device',
  /** The SIM is missing, locked (PIN/PUK) or failed; `details.reason`. */
  SIM_ERROR: 'device',
  // Terminal journal and flow.
  JOURNAL_CORRUPT: 'internal',
  BATCH_FULL: 'state',
  TRANSACTION_NOT_FOUND: 'state',
  NOTHING_TO_REPRINT: 'state',
  SUPERVISOR_PASSWORD_WRONG: 'input',
  /** Too many wrong supervisor passwords in a row: voids and refunds wait until `lockedUntil`. */
  SUPERVISOR_LOCKED: 'limit',
  /** Something must be settled with the host first (a queued reversal, an open refund…). */
  PENDING_WORK: 'state',
  // The technician console and the terminal's control socket.
  /** A control request before `login`. */
  CONSOLE_LOGIN_REQUIRED: 'authentication',
  /** Wrong technician password; `details.triesLeft` before the console locks. */
  CONSOLE_PASSWORD_WRONG: 'authentication',
  /** Too many wrong technician passwords (or none configured): wait until `details.lockedUntil`. */
  CONSOLE_LOCKED: 'limit',
  /** A control request while the previous one on the connection is still running. */
  CONSOLE_BUSY: 'state',
  /** A console device test heard nothing in its time (no tap, no key). */
  CONSOLE_TIMEOUT: 'device',
  /** The cashier is using the terminal (the flow is not idle) or another device test runs. */
  TERMINAL_BUSY: 'state',
} as const;

export type ErrorCode = keyof typeof ERROR_CODE_GROUPS;
export type ErrorGroup = (typeof ERROR_CODE_GROUPS)[ErrorCode];

/** The codes that belong to group `G`. */
export type CodeOfGroup<G extends ErrorGroup> = {
  [C in ErrorCode]: (typeof ERROR_CODE_GROUPS)[C] extends G ? C : never;
}[ErrorCode];

export const ERROR_CODES = Object.keys(ERROR_CODE_GROUPS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODE_GROUPS, value);
}
