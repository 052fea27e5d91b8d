import { isCurrency } from '../../core/currencies.js';
import type { Money } from '../../core/money.js';
import { PosError } from '../../core/PosError.js';
import {
  JOURNAL_TXN_STATES,
  JOURNAL_TXN_TYPES,
  type JournalTxn,
  type JournalTxnState,
  type JournalTxnType,
  type ReversalReason,
} from './journalTypes.js';

/** A row of the `transactions` table, as better-sqlite3 returns it. */
export interface TxnRow {
  id: number;
  type: string;
  batch: string;
  trace: string;
  state: string;
  amount_value: number | null;
  amount_currency: string | null;
  card_uid: string | null;
  account: string | null;
  payment_id: string | null;
  auth_code: string | null;
  reference: string | null;
  approved_at: string | null;
  original_payment_id: string | null;
  original_trace: string | null;
  original_reference: string | null;
  error_code: string | null;
  reversal_reason: string | null;
  voided: number;
  created_at: string;
  updated_at: string;
}

const TXN_TYPES: readonly string[] = JOURNAL_TXN_TYPES;
const TXN_STATES: readonly string[] = JOURNAL_TXN_STATES;
const REVERSAL_REASONS: readonly string[] = [
  'timeout',
  'cancelled',
  'terminal_error',
] satisfies ReversalReason[];

export function isTxnType(value: unknown): value is JournalTxnType {
  return typeof value === 'string' && TXN_TYPES.includes(value);
}

export function isTxnState(value: unknown): value is JournalTxnState {
  return typeof value === 'string' && TXN_STATES.includes(value);
}

export function isReversalReason(value: unknown): value is ReversalReason {
  return typeof value === 'string' && REVERSAL_REASONS.includes(value);
}

/** `null` (SQL's "absent") as `undefined`, which is how JournalTxn spells absent. */
function optional<T>(value: T | null): T | undefined {
  return value ?? undefined;
}

function corrupt(row: TxnRow, column: string): PosError<'JOURNAL_CORRUPT'> {
  return new PosError('JOURNAL_CORRUPT', `journal entry ${row.id} has an invalid ${column}`, {
    details: { id: row.id, column },
  });
}

/**
 * Maps a `transactions` row to a {@link JournalTxn}. Absent optional fields are `undefined`
 * (never `null`), and `amount` is rebuilt from its integer minor units and currency. A value the
 * schema's checks should have made impossible (an unknown type, state or currency) is
 * `JOURNAL_CORRUPT`.
 */
export function toJournalTxn(row: TxnRow): JournalTxn {
  const { type, state } = row;
  if (!isTxnType(type)) throw corrupt(row, 'type');
  if (!isTxnState(state)) throw corrupt(row, 'state');
  const reversalReason = optional(row.reversal_reason);
  if (reversalReason !== undefined && !isReversalReason(reversalReason)) {
    throw corrupt(row, 'reversal_reason');
  }
  let amount: Money | undefined;
  if (row.amount_value !== null || row.amount_currency !== null) {
    const { amount_value: value, amount_currency: currency } = row;
    if (value === null || !Number.isSafeInteger(value) || value < 0 || !isCurrency(currency)) {
      throw corrupt(row, 'amount');
    }
    amount = Object.freeze({ value, currency });
  }
  return {
    id: row.id,
    type,
    batch: row.batch,
    trace: row.trace,
    state,
    amount,
    cardUid: optional(row.card_uid),
    account: optional(row.account),
    paymentId: optional(row.payment_id),
    authCode: optional(row.auth_code),
    reference: optional(row.reference),
    approvedAt: optional(row.approved_at),
    originalPaymentId: optional(row.original_payment_id),
    originalTrace: optional(row.original_trace),
    originalReference: optional(row.original_reference),
    errorCode: optional(row.error_code),
    reversalReason,
    voided: row.voided === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
