import { CURRENCIES, isCurrency, type Currency } from './currencies.js';
import { PosError } from './PosError.js';

/**
 * An amount of money: a whole number of minor units (fen for CNY) and its currency.
 * `{ value: 1250, currency: 'CNY' }` is 12.50 yuan. Never negative: the direction of a
 * movement (debit, refund…) is carried by what the amount is for, not by its sign.
 */
export interface Money {
  readonly value: number;
  readonly currency: Currency;
}

/**
 * The largest amount the system represents: 999,999,999,999 minor units (just under ten
 * billion yuan). Far above any terminal's limit, and far enough below 2^53 that sums of many
 * amounts stay exact in a JavaScript number.
 */
export const MAX_MINOR_UNITS = 999_999_999_999;

/** Builds a Money, rejecting fractions, negatives (`MONEY_INVALID`) and overflow (`MONEY_OVERFLOW`). */
export function money(value: number, currency: string): Money {
  if (!isCurrency(currency)) {
    throw new PosError('MONEY_INVALID', `unsupported currency ${JSON.stringify(currency)}`, {
      details: { currency },
    });
  }
  if (!Number.isInteger(value)) {
    throw new PosError('MONEY_INVALID', 'amount must be a whole number of minor units', {
      details: { value },
    });
  }
  if (value < 0) {
    throw new PosError('MONEY_INVALID', 'amount must not be negative', { details: { value } });
  }
  if (value > MAX_MINOR_UNITS) {
    throw new PosError('MONEY_OVERFLOW', `amount exceeds ${MAX_MINOR_UNITS} minor units`, {
      details: { value },
    });
  }
  return Object.freeze({ value, currency });
}

/**
 * Reads the digits a cashier keyed, in the till's usual way: digits fill from the right, so
 * "1250" is 12.50 and "5" is 0.05 for a two-decimal currency. Leading zeros are ignored; an
 * empty entry is zero. Only ASCII digits are accepted.
 *
 * @param maxValue optional upper bound in minor units (a terminal's per-sale limit); above it
 *   the result is `MONEY_OVERFLOW`, as is anything above {@link MAX_MINOR_UNITS}.
 */
export function parseKeypadDigits(digits: string, currency: Currency, maxValue?: number): Money {
  if (!/^[0-9]*$/.test(digits)) {
    throw new PosError('MONEY_INVALID', 'amount may contain only the digits 0-9');
  }
  if (maxValue !== undefined && (!Number.isSafeInteger(maxValue) || maxValue < 0)) {
    // A limit that is not a whole amount would silently switch the limit off (NaN compares false).
    throw new RangeError('maxValue must be a whole, non-negative number of minor units');
  }
  const significant = digits.replace(/^0+/, '');
  const limit = Math.min(maxValue ?? MAX_MINOR_UNITS, MAX_MINOR_UNITS);
  // Compare lengths first so a long run of digits never becomes an inexact float.
  if (significant.length > String(MAX_MINOR_UNITS).length || Number(significant) > limit) {
    throw new PosError('MONEY_OVERFLOW', 'amount is above the limit', { details: { limit } });
  }
  return money(Number(significant), currency);
}

export type MoneyStyle = 'symbol' | 'code';

/**
 * Formats for people: `symbol` gives `¥12.50`, `code` gives `CNY 12.50`. With `grouping`,
 * thousands are separated by commas (`¥1,234.50`). Exact: works on the integer, no floats.
 */
export function formatMoney(
  amount: Money,
  options: { style?: MoneyStyle; grouping?: boolean } = {},
): string {
  const { exponent, symbol } = CURRENCIES[amount.currency];
  const digits = String(amount.value).padStart(exponent + 1, '0');
  let major = digits.slice(0, digits.length - exponent);
  const minor = digits.slice(digits.length - exponent);
  if (options.grouping) major = major.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const number = exponent > 0 ? `${major}.${minor}` : major;
  return (options.style ?? 'symbol') === 'symbol'
    ? `${symbol}${number}`
    : `${amount.currency} ${number}`;
}

/** True when both amounts are the same currency and value. */
export function moneyEquals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.value === b.value;
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new PosError('CURRENCY_MISMATCH', `cannot combine ${a.currency} with ${b.currency}`, {
      details: { currencies: [a.currency, b.currency] },
    });
  }
}

/** a + b; `CURRENCY_MISMATCH` across currencies, `MONEY_OVERFLOW` above the maximum. */
export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.value + b.value, a.currency);
}

/** a − b; `MONEY_INVALID` if the result would be negative. */
export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.value - b.value, a.currency);
}

/** The sum of `amounts`, all in `currency` (zero when empty). */
export function sumMoney(amounts: readonly Money[], currency: Currency): Money {
  return amounts.reduce(addMoney, money(0, currency));
}
