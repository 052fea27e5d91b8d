/**
 * Seven-segment digits three columns wide, top to bottom. ASCII only: box and block drawing
 * characters are of ambiguous width (one column in a Western console, two in a Chinese one) and
 * would break the layout on the CJK consoles the terminal runs on.
 */
const GLYPHS: Readonly<Record<string, readonly [string, string, string]>> = {
  '0': [' _ ', '| |', '|_|'],
  '1': ['   ', '  |', '  |'],
  '2': [' _ ', ' _|', '|_ '],
  '3': [' _ ', ' _|', ' _|'],
  '4': ['   ', '|_|', '  |'],
  '5': [' _ ', '|_ ', ' _|'],
  '6': [' _ ', '|_ ', '|_|'],
  '7': [' _ ', '  |', '  |'],
  '8': [' _ ', '|_|', '|_|'],
  '9': [' _ ', '|_|', ' _|'],
  // The decimal point sits on the baseline, one column wide, as on a till's display.
  '.': [' ', ' ', '.'],
};

/** Columns between two glyphs: run together, `1` and `2` read as one odd shape. */
const GAP = ' ';

/** The display columns `bigDigits(text)` takes: 3 per digit, 1 per point, 1 between glyphs. */
export function bigDigitsWidth(text: string): number {
  let width = 0;
  for (const char of text) width += (char === '.' ? 1 : 3) + GAP.length;
  return Math.max(0, width - GAP.length);
}

/**
 * `text` (digits and `.`, such as `12.50`) drawn as three rows of large seven-segment digits,
 * one column apart, all rows of the same width ({@link bigDigitsWidth}); the spaces are part
 * of the drawing.
 *
 * @throws RangeError for any other character (a sign, a comma, a currency symbol)
 */
export function bigDigits(text: string): [string, string, string] {
  const glyphs = Array.from(text, (char) => {
    const glyph = Object.hasOwn(GLYPHS, char) ? GLYPHS[char] : undefined;
    if (glyph === undefined) throw new RangeError(`no large digit for ${JSON.stringify(char)}`);
    return glyph;
  });
  return [0, 1, 2].map((row) => glyphs.map((glyph) => glyph[row]).join(GAP)) as [
    string,
    string,
    string,
  ];
}
