import { displayWidth } from '../../src/core/displayWidth.js';

/**
 * `left` and `right` on one line `width` columns wide, `right` flush with the right edge
 * (`金额            ¥12.50`), measured in display columns. When both do not fit with a space
 * between them, they are joined by one space and the caller's wrapping takes over.
 */
export function spreadLine(left: string, right: string, width: number): string {
  const gap = width - displayWidth(left) - displayWidth(right);
  return left + ' '.repeat(Math.max(gap, 1)) + right;
}

/**
 * The lines padded with spaces to the width of the widest, so a left-aligned block (a menu, a
 * keymap) can be centred as a whole without its lines going ragged.
 */
export function padBlock(lines: readonly string[]): string[] {
  const width = Math.max(0, ...lines.map(displayWidth));
  return lines.map((line) => line + ' '.repeat(width - displayWidth(line)));
}
