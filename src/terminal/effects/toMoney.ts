import { money, type Money } from '../../core/money.js';

/** A wire amount as a checked Money. */
export function toMoney(amount: { value: number; currency: string }): Money {
  return money(amount.value, amount.currency);
}
