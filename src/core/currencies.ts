/**
 * The ISO 4217 currencies the system accepts, with their minor-unit exponent and the symbol
 * shown on screens and slips. A currency not listed here is rejected everywhere (wire, config,
 * CLI), so an unknown exponent can never scale an amount wrongly.
 */
export const CURRENCIES = {
  CNY: { exponent: 2, symbol: '¥' },
  HKD: { exponent: 2, symbol: 'HK$' },
  MOP: { exponent: 2, symbol: 'MOP$' },
  USD: { exponent: 2, symbol: 'US$' },
  EUR: { exponent: 2, symbol: '€' },
} satisfies Record<string, { exponent: number; symbol: string }>;

export type Currency = keyof typeof CURRENCIES;

export const CURRENCY_CODES = Object.keys(CURRENCIES) as [Currency, ...Currency[]];

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && Object.hasOwn(CURRENCIES, value);
}
