// The flow's field sizes (src/terminal/flow/keyEditing.ts): ui may import only types from the
// flow, so they are repeated here; a screen test of each field checks its placeholders.
/** A PIN and a one-time code are exactly this many digits. */
export const SECRET_DIGITS = 6;
/** The longest supervisor password. */
export const MAX_PASSWORD_DIGITS = 12;
/** A trace number's digits. */
export const TRACE_DIGITS = 6;
/** A reference's digits. */
export const REFERENCE_DIGITS = 12;

/**
 * A PIN or code being keyed, from its length only: one `*` per digit keyed, `_` for each still
 * to key, spaced for reading (`* * * _ _ _`). The screen never receives the digits themselves.
 */
export function secretMask(length: number, size = SECRET_DIGITS): string {
  const slots = Math.max(size, length);
  return Array.from({ length: slots }, (_, index) => (index < length ? '*' : '_')).join(' ');
}

/**
 * A password of variable length being keyed: one `*` per digit and a `_` where the next goes
 * (none once full), so its length shows but nothing else.
 */
export function passwordMask(length: number, max = MAX_PASSWORD_DIGITS): string {
  const marks = Array.from({ length }, () => '*');
  if (length < max) marks.push('_');
  return marks.join(' ');
}

/**
 * A plain digit field (trace, reference) being keyed: the digits, `_` for the rest, in groups
 * of `group` for reading (`1234 5678 90__`).
 */
export function digitEntry(digits: string, size: number, group = size): string {
  const filled = digits.padEnd(size, '_');
  const groups: string[] = [];
  for (let index = 0; index < filled.length; index += group) {
    groups.push(filled.slice(index, index + group));
  }
  return groups.join(' ');
}
