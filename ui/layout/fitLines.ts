import { displayWidth, wrapToWidth } from '../../src/core/displayWidth.js';
import type { ViewLine } from '../ScreenView.js';
import { truncateToWidth } from './truncateToWidth.js';

/** A body line before fitting: a `ViewLine`, or a blank spacer given up first when space is short. */
export type BodyLine = ViewLine | { spacer: true };

/** The line that ends a body cut short: there was more to say than rows to say it in. */
export const MORE_MARKER = '...';

function viewLine(text: string, style: ViewLine): ViewLine {
  const line: ViewLine = { text };
  if (style.align !== undefined) line.align = style.align;
  if (style.bold !== undefined) line.bold = style.bold;
  if (style.color !== undefined) line.color = style.color;
  return line;
}

function wrapLine(line: ViewLine, columns: number): ViewLine[] {
  // A line that fits is kept as written: its spaces may be layout (large digits, columns).
  if (displayWidth(line.text) <= columns) return [viewLine(line.text, line)];
  if (columns < 2) return [viewLine(truncateToWidth(line.text, columns, ''), line)];
  return wrapToWidth(line.text, columns).map((text) => viewLine(text, line));
}

/**
 * Fits a body into `rows` lines of at most `columns` display columns (a Chinese character
 * takes two): lines too wide are wrapped at spaces or between Chinese characters, each piece
 * keeping the line's style; lines that fit keep their spaces. When the result is too tall,
 * spacers go first, from the bottom up; if it still does not fit, the body is cut and its last
 * row says {@link MORE_MARKER}. Never cuts a character in half.
 */
export function fitLines(lines: readonly BodyLine[], columns: number, rows: number): ViewLine[] {
  if (rows <= 0) return [];
  const fitted = lines.flatMap((line): (ViewLine | 'spacer')[] =>
    'spacer' in line ? ['spacer'] : wrapLine(line, columns),
  );
  for (let index = fitted.length - 1; index >= 0 && fitted.length > rows; index -= 1) {
    if (fitted[index] === 'spacer') fitted.splice(index, 1);
  }
  const body = fitted.map((line) => (line === 'spacer' ? { text: '' } : line));
  if (body.length <= rows) return body;
  return [...body.slice(0, rows - 1), { text: truncateToWidth(MORE_MARKER, columns, '') }];
}
