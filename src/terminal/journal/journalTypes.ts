import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Money } from '../../core/money.js';
import type { PrintDocument } from '../../../drivers/printer/PrintDocument.js';

/** What a journal entry records. `balance` inquiries are journalled too (they use a trace). */
export const JOURNAL_TXN_TYPES = ['sale', 'balance', 'void', 'refund'] as const;
export type JournalTxnType = (typeof JOURNAL_TXN_TYPES)[number];

/**
 * Where a transaction stands, as far as the terminal knows. Written before each host call and
 * after each reply, so that after a crash the terminal knows exactly what it may have sent.
 *
 * Open states (the outcome is not settled; recovery looks at them):
 * - `authorizing`: trace allocated; `POST /v1/payments` (or `/v1/refunds`) may have gone out.
 *   No `paymentId` yet: recovery asks by batch and trace.
 * - `otp_sent`: the host sent the code; `paymentId` known; no money moved.
 * - `confirming`: a confirm may have gone out; the debit may have happened.
 * - `approved`: the host approved (money moved); the slip is not yet printed.
 * - `voiding`: a void of the sale in `originalPaymentId` may have gone out.
 * - `reversal_pending`: the terminal decided to undo the payment (`paymentId`, or only batch
 *   and trace when the reply to the payment request was lost); the reversal is queued until
 *   the host acknowledges it.
 *
 * Final states:
 * - `completed`: approved and its slip printed (sale, void, refund), or a balance shown;
 * - `declined`: the host refused it (`errorCode` says why); nothing moved;
 * - `cancelled`: abandoned before anything reached the host;
 * - `reversed`: the host acknowledged the reversal; nothing moved (or it was returned).
 */
export const JOURNAL_TXN_STATES = [
  'authorizing',
  'otp_sent',
  'confirming',
  'approved',
  'voiding',
  'reversal_pending',
  'completed',
  'declined',
  'cancelled',
  'reversed',
] as const;
export type JournalTxnState = (typeof JOURNAL_TXN_STATES)[number];

export const OPEN_TXN_STATES: readonly JournalTxnState[] = [
  'authorizing',
  'otp_sent',
  'confirming',
  'approved',
  'voiding',
  'reversal_pending',
];

/** Why a payment is reversed (the protocol's `reason`). */
export type ReversalReason = 'timeout' | 'cancelled' | 'terminal_error';

/** One journal entry. */
export interface JournalTxn {
  /** Local row id, increasing. */
  readonly id: number;
  readonly type: JournalTxnType;
  readonly batch: string;
  /** 6 digits; never repeats within a batch, even across a crash. */
  readonly trace: string;
  readonly state: JournalTxnState;
  readonly amount?: Money | undefined;
  readonly cardUid?: string | undefined;
  /** Masked phone account from the host (`138****8000`). */
  readonly account?: string | undefined;
  readonly paymentId?: string | undefined;
  readonly authCode?: string | undefined;
  readonly reference?: string | undefined;
  /** ISO time the host approved it. */
  readonly approvedAt?: string | undefined;
  /** For a void: the sale voided (its payment id, trace and reference). For a refund: reference. */
  readonly originalPaymentId?: string | undefined;
  readonly originalTrace?: string | undefined;
  readonly originalReference?: string | undefined;
  /** The error code that declined it, or why it was reversed. */
  readonly errorCode?: string | undefined;
  readonly reversalReason?: ReversalReason | undefined;
  /** The sale this entry voided was later voided (set on the sale's own entry). */
  readonly voided: boolean;
  /** ISO times. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Fields given when a transaction starts. */
export interface BeginTxn {
  type: JournalTxnType;
  amount?: Money | undefined;
  cardUid?: string | undefined;
  originalPaymentId?: string | undefined;
  originalTrace?: string | undefined;
  originalReference?: string | undefined;
}

/** Fields a state change may set (others stay as they are). */
export interface TxnUpdate {
  state: JournalTxnState;
  paymentId?: string;
  account?: string;
  authCode?: string;
  reference?: string;
  approvedAt?: string;
  amount?: Money;
  errorCode?: string;
  reversalReason?: ReversalReason;
}

/** Counts and totals of the terminal's own batch, in the shape the settle request takes. */
export interface JournalBatchFigures {
  counts: { sale: number; void: number; refund: number };
  totals: { sale: Money; refund: Money };
}

/** The document last printed, kept for reprint (survives restarts). */
export type StoredSlip = PrintDocument;

/** Final states: once an entry reaches one, the journal refuses any other state for it. */
export const FINAL_TXN_STATES: readonly JournalTxnState[] = [
  'completed',
  'declined',
  'cancelled',
  'reversed',
];

/**
 * Names one kind of journal write, for {@link JournalOptions.onWrite}: `begin:<type>`,
 * `update:<state>`, `voided`, `slip`, `settlement`, `batch`.
 */
export type JournalWritePoint = string;

/** How to open a journal (`Journal.open`). */
export interface JournalOptions {
  /** File path, or `':memory:'` for unit tests. */
  path: string;
  /** `createdAt`, `updatedAt` and settlement times come from it (ISO strings). */
  clock: Clock;
  logger?: Logger;
  /** Called just before and just after each committed write (crash tests kill the process here). */
  onWrite?: (point: JournalWritePoint, phase: 'before' | 'after') => void;
}

/** A settlement the terminal recorded, newest first from `Journal.settlements`. */
/** A settlement sent to the host whose answer the journal has not recorded yet. */
export interface PendingSettlement {
  batch: string;
  /** The figures sent: a second attempt must send exactly these. */
  terminal: JournalBatchFigures;
}

export interface JournalSettlement {
  batch: string;
  result: string;
  settledAt: string;
  nextBatch: string;
}
