/**
 * The customer's number as shown on a terminal and a slip: the first three and the last four
 * digits, the rest as four stars (`13800138000` → `138****8000`), whatever its length, so
 * the mask never tells how long the number is.
 */
export function maskMsisdn(msisdn: string): string {
  const digits = msisdn.replace(/^\+/, '');
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
