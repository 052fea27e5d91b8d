import { displayWidth } from '../../core/displayWidth.js';

/** Pads `text` with spaces to `width` display columns (a Chinese character takes two). */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * Rows as aligned columns, two spaces apart, by display width; the last column is not padded
 * and trailing spaces are trimmed. Columns whose index is in `right` are right-aligned
 * (amounts, counts).
 */
export function formatTable(
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(cell)));
        if (right.includes(i)) return pad + cell;
        return i === row.length - 1 ? cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}
