import type { Currency } from '../../core/currencies.js';

/** The terminal a verified request came from, with what the operations need to know of it. */
export interface AuthenticatedTerminal {
  id: string;
  merchantId: string;
  merchantName: string;
  /** The merchant's currency: sales and settlement totals are in it. */
  currency: Currency;
}
