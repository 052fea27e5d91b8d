import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The host's tables as kysely sees them (the SQL is in `migrations/`).
 *
 * Money columns are integer minor units (`bigint` in SQL, a safe JS integer here). Secrets are
 * never stored in clear: PINs, codes and card tokens as keyed hashes (`…_hash`), terminal and
 * PIN private keys and SMS texts sealed with the host's at-rest key (`…_box`); both keys live
 * outside the database (see `hostSecrets.ts`).
 */
export interface Database {
  merchants: MerchantTable;
  terminals: TerminalTable;
  terminal_nonces: TerminalNonceTable;
  pin_keys: PinKeyTable;
  accounts: AccountTable;
  ledger_entries: LedgerEntryTable;
  payments: PaymentTable;
  refunds: RefundTable;
  settlements: SettlementTable;
  sms_messages: SmsMessageTable;
  sms_outbox: SmsOutboxTable;
  audit_events: AuditEventTable;
}

export interface MerchantTable {
  id: string;
  name: string;
  currency: string;
  created_at: Date;
}

export interface TerminalTable {
  id: string;
  merchant_id: string;
  key_box: string;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  open_batch: ColumnType<string, string | undefined, string>;
  created_at: Date;
  updated_at: Date;
}

export interface TerminalNonceTable {
  terminal_id: string;
  nonce: string;
  /** Unix seconds the nonce was first accepted. */
  first_seen: number;
}

export interface PinKeyTable {
  id: string;
  public_key: string;
  private_key_box: string;
  active: boolean;
  created_at: Date;
}

export interface AccountTable {
  id: string;
  msisdn: string;
  card_uid: string;
  card_token_hash: string;
  pin_salt: string;
  pin_hash: string;
  currency: string;
  balance: number;
  pin_failures: ColumnType<number, number | undefined, number>;
  otp_failures: ColumnType<number, number | undefined, number>;
  locked_until: Date | null;
  created_at: Date;
}

export const LEDGER_KINDS = ['debit', 'reversal', 'void', 'refund', 'topup'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEntryTable {
  id: Generated<number>;
  account_id: string;
  kind: LedgerKind;
  /** Signed minor units: negative takes money from the account. */
  amount: number;
  balance_after: number;
  payment_id: string | null;
  refund_id: string | null;
  created_at: Date;
}

/**
 * Internal statuses: the wire's plus `pending`, which only exists inside the transaction that
 * creates the row (a rollback removes it).
 */
export type PaymentStatusValue =
  | 'pending'
  | 'otp_sent'
  | 'approved'
  | 'declined'
  | 'expired'
  | 'reversed'
  | 'voided'
  | 'completed';

/** A stored reply: the HTTP status and body sent the first time, replayed on a retry. */
export interface StoredReply {
  status: number;
  body: Record<string, unknown>;
}

export interface PaymentTable {
  id: string;
  terminal_id: string;
  merchant_id: string;
  batch: string;
  trace: string;
  type: 'sale' | 'balance';
  request_hash: string;
  status: PaymentStatusValue;
  account_id: string | null;
  amount_value: number | null;
  currency: string | null;
  otp_hash: string | null;
  otp_expires_at: Date | null;
  otp_sent_at: Date | null;
  otp_resends: ColumnType<number, number | undefined, number>;
  /** Hashes of wrong codes tried against the current code, so a repeat is not counted twice. */
  otp_wrong_hashes: ColumnType<string[], string[] | undefined, string[]>;
  /** Hash of the code that settled the payment (approved it or met the balance check). */
  used_otp_hash: string | null;
  confirm_reply: ColumnType<StoredReply | null, string | null, string | null>;
  auth_code: string | null;
  reference: string | null;
  approved_at: Date | null;
  decline_code: string | null;
  /** The reply to the create request; null while the code's SMS is being handed over. */
  reply: ColumnType<StoredReply | null, string | null, string | null>;
  created_at: Date;
  updated_at: Date;
}

export interface RefundTable {
  id: string;
  terminal_id: string;
  merchant_id: string;
  batch: string;
  trace: string;
  request_hash: string;
  payment_id: string;
  amount_value: number;
  currency: string;
  reference: string;
  reply: ColumnType<StoredReply, string, string>;
  created_at: Date;
}

export interface SettlementTable {
  terminal_id: string;
  batch: string;
  request_hash: string;
  reply: ColumnType<StoredReply, string, string>;
  settled_at: Date;
}

/**
 * How far the queue got with a text: `queued` (waiting for its next attempt), `sending`,
 * `accepted` (a transport took it), `delivered` (accepted, then reported delivered), `failed`
 * (no transport took it, or it expired or was over the per-number limit), `cancelled`.
 */
export type SmsStatus = 'queued' | 'sending' | 'accepted' | 'delivered' | 'failed' | 'cancelled';
/** What the network's delivery report said about an accepted text. */
export type SmsDelivery = 'delivered' | 'failed';
export type SmsKind = 'enrollment_pin' | 'otp' | 'lock_started' | 'lock_ended';

export interface SmsMessageTable {
  id: string;
  msisdn: string;
  kind: SmsKind;
  /** The text sealed with the at-rest key; erased once a transport accepted it or it failed. */
  text_box: string | null;
  status: SmsStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date | null;
  /** After this the message is worthless (a code past its expiry) and is not sent. */
  expires_at: Date | null;
  last_error: string | null;
  /** The transport that accepted the text (while retrying: the last one tried). */
  transport: string | null;
  /** That transport's reference for it, which delivery reports name. */
  transport_ref: string | null;
  payment_id: string | null;
  created_at: Date;
  updated_at: Date;
  /** When a transport accepted it; what the per-number limit counts. */
  accepted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The delivery report's verdict, null until one arrives (not every transport gets one). */
  delivery: ColumnType<SmsDelivery | null, SmsDelivery | null | undefined, SmsDelivery | null>;
  /** When the network says it delivered the text or gave up. */
  delivery_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface SmsOutboxTable {
  id: Generated<number>;
  message_id: string;
  msisdn: string;
  text_box: string;
  created_at: Date;
}

export type AuditKind =
  | 'account_enrolled'
  | 'account_topped_up'
  | 'pin_failed'
  | 'otp_failed'
  | 'account_locked'
  | 'account_unlocked'
  | 'terminal_added'
  | 'terminal_disabled'
  | 'terminal_enabled';

export interface AuditEventTable {
  id: Generated<number>;
  at: Date;
  kind: AuditKind;
  actor: string | null;
  reason: string | null;
  account_id: string | null;
  terminal_id: string | null;
  payment_id: string | null;
}

export type Account = Selectable<AccountTable>;
export type Payment = Selectable<PaymentTable>;
export type NewPayment = Insertable<PaymentTable>;
export type PaymentUpdate = Updateable<PaymentTable>;
export type Terminal = Selectable<TerminalTable>;
export type SmsMessage = Selectable<SmsMessageTable>;
