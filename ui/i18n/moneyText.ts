import { formatMoney, type Money } from '../../src/core/money.js';

/** Characters of a currency symbol that are one column wide on every console. */
const SAFE_SYMBOL = /^[\x20-\x7e¥]*$/;

/**
 * An amount as the display shows it: `¥1,234.50`, `HK$12.00` (`¥1234.50` without `grouping`,
 * where columns are tight). A symbol holding a character of
 * ambiguous width (`€` is one column in a Western console and two in a Chinese one) is replaced
 * by the currency code (`EUR 12.00`), so the layout never depends on the console's font.
 */
export function moneyText(amount: Money, grouping = true): string {
  const withSymbol = formatMoney(amount, { grouping });
  return SAFE_SYMBOL.test(withSymbol)
    ? withSymbol
    : formatMoney(amount, { style: 'code', grouping });
}

/**
 * The amount's number only, without symbol or grouping (`1234.50`): what the large digits of
 * the amount screen draw. Exact, from the integer minor units.
 */
export function amountDigits(amount: Money): string {
  // `CNY 1234.50` → `1234.50`: formatMoney is the one place that knows each currency's exponent.
  return formatMoney(amount, { style: 'code' }).slice(amount.currency.length + 1);
}
