// Test support: reads large digits back, from a segment table of its own (not bigDigits.ts's),
// so a test can check what the display shows rather than compare the code with itself.

/** Each digit's three rows, top to bottom, written out as the segments are drawn. */
const PATTERNS: Readonly<Record<string, string>> = {
  ' _ | ||_|': '0',
  '     |  |': '1',
  ' _  _||_ ': '2',
  ' _  _| _|': '3',
  '   |_|  |': '4',
  ' _ |_  _|': '5',
  ' _ |_ |_|': '6',
  ' _   |  |': '7',
  ' _ |_||_|': '8',
  ' _ |_| _|': '9',
};

/**
 * The text three rows of large digits show (`12.50`), or undefined when they are not large
 * digits: glyphs three columns wide or a one-column decimal point, one blank column apart.
 */
export function decodeBigDigits(rows: readonly string[]): string | undefined {
  const [top, middle, bottom] = rows;
  if (top === undefined || middle === undefined || bottom === undefined) return undefined;
  if (top.length !== middle.length || middle.length !== bottom.length) return undefined;
  let text = '';
  let column = 0;
  while (column < top.length) {
    if (bottom[column] === '.' && top[column] === ' ' && middle[column] === ' ') {
      text += '.';
      column += 1;
    } else {
      const cell = [top, middle, bottom].map((row) => row.slice(column, column + 3)).join('');
      const digit = PATTERNS[cell];
      if (digit === undefined) return undefined;
      text += digit;
      column += 3;
    }
    if (column < top.length) {
      if (top[column] !== ' ' || middle[column] !== ' ' || bottom[column] !== ' ') return undefined;
      column += 1;
    }
  }
  return text === '' ? undefined : text;
}
