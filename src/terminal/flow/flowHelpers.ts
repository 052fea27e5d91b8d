import { ERROR_CODE_GROUPS, isErrorCode } from '../../core/errorCodes.js';
import { isPosError } from '../../core/PosError.js';
import { parseKeypadDigits, type Money } from '../../core/money.js';
import type { Key } from '../../../drivers/keypad/Keypad.js';
import type { FlowContext, FlowEvent, Notice } from './flowTypes.js';
import { codeOf, flowNotice } from './noticeOf.js';

// Small pure helpers the flow's states share: key guards, amount checks, invariants.

/** `value`, or a thrown invariant error naming what is missing (a bug in the flow). */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`flow invariant: ${what} missing`);
  return value;
}

/** What a guard receives. */
export interface Args {
  context: FlowContext;
  event: FlowEvent;
}

function keyOf(event: FlowEvent): Key | undefined {
  return event.type === 'KEY' ? event.key : undefined;
}

/** A guard: the event is one of these keys. */
export function pressed(...keys: Key[]) {
  return ({ event }: Args) => {
    const key = keyOf(event);
    return key !== undefined && keys.includes(key);
  };
}

export function errorCodeIs(...codes: string[]) {
  return ({ event }: { event: unknown }) =>
    codes.includes(codeOf((event as { error: unknown }).error));
}

/** The amount keyed, or the reason it cannot be used. */
export function keyedAmount(context: FlowContext): Money | Notice {
  const { currency, maxAmount } = context.settings;
  if (context.amountDigits === '') return flowNotice('AMOUNT_ZERO');
  try {
    return parseKeypadDigits(context.amountDigits, currency, maxAmount);
  } catch {
    return flowNotice('AMOUNT_OVER_LIMIT', { limit: { value: maxAmount, currency } });
  }
}

export function isMoney(value: Money | Notice): value is Money {
  return 'value' in value;
}

/** The transaction's part of the context, as it is between transactions. */
export const cleared = {
  card: undefined,
  presented: undefined,
  selected: undefined,
  amountDigits: '',
  traceDigits: '',
  referenceDigits: '',
  original: undefined,
  payment: undefined,
  resolving: undefined,
  approval: undefined,
  balance: undefined,
  notice: undefined,
  printError: undefined,
  figures: undefined,
  supervisorFailures: 0,
} as const;

/** The journal entry an outcome-unknown error is about. */
export function journalIdOf(error: unknown): number {
  const id = isPosError(error) ? error.details.journalId : undefined;
  if (typeof id !== 'number')
    throw new Error('flow invariant: outcome-unknown error without journalId');
  return id;
}

/** The pending payment with the attempts left from an OTP_INCORRECT error. */
export function withAttemptsLeft(context: FlowContext, error: unknown) {
  const payment = required(context.payment, 'payment');
  const left = isPosError(error) ? error.details.attemptsLeft : undefined;
  return typeof left === 'number'
    ? { ...payment, otp: { ...payment.otp, attemptsLeft: left } }
    : payment;
}

/** The terminal itself was refused, or its batch closed under it: sign in again. */
export function needsSignIn(outcome: Notice | undefined): boolean {
  if (outcome === undefined) return false;
  const code = outcome.code;
  return (
    code === 'BATCH_CLOSED' || (isErrorCode(code) && ERROR_CODE_GROUPS[code] === 'authentication')
  );
}
