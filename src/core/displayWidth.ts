/**
 * East Asian Wide and Fullwidth code point ranges (Unicode's EastAsianWidth.txt, W and F,
 * merged into blocks): CJK ideographs, kana, Hangul, CJK punctuation, fullwidth forms.
 */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo leading consonants
  [0x2329, 0x232a], // angle brackets
  [0x2e80, 0x303e], // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
  [0x3041, 0x33ff], // kana, Bopomofo, Hangul compatibility Jamo, Kanbun, enclosed CJK, squared
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth ASCII forms
  [0xffe0, 0xffe6], // fullwidth signs (￥, ￠…)
  [0x17000, 0x18cff], // Tangut, Khitan
  [0x1b000, 0x1b2ff], // kana supplement and extensions, Nushu
  [0x1f200, 0x1f2ff], // enclosed ideographic supplement
  [0x20000, 0x2fffd], // CJK extensions B to F, compatibility supplement
  [0x30000, 0x3fffd], // CJK extensions G and H
];

/** Marks that combine with the character before them, format characters, controls. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;
/** Emoji shown as pictures by default: printed (and shown in a terminal) two columns wide. */
const WIDE_EMOJI = /^\p{Emoji_Presentation}$/u;

/**
 * Columns one character (one code point) takes on the slip printer and on the display:
 * 0 for combining marks, format and control characters; 2 for East Asian Wide and Fullwidth
 * characters (汉字, kana, Hangul, `，`, `Ａ`) and picture emoji; 1 for everything else.
 */
export function charWidth(char: string): 0 | 1 | 2 {
  const codePoint = char.codePointAt(0);
  if (codePoint === undefined || ZERO_WIDTH.test(char)) return 0;
  if (codePoint < 0x1100) return 1;
  for (const [first, last] of WIDE_RANGES) {
    if (codePoint < first) break;
    if (codePoint <= last) return 2;
  }
  return WIDE_EMOJI.test(char) ? 2 : 1;
}

/**
 * The number of columns `text` takes on the slip printer or the display: Chinese characters are double
 * width (the printer's GB18030 font), so `displayWidth('金额 12.50')` is 10.
 *
 * Limits: East Asian *Ambiguous* characters (`×`, `—`, `“`) count as 1, as in a Western
 * context; a GB18030 printer may print them double width, so the renderer's own labels use
 * none. Emoji sequences joined with ZWJ count each picture (an over-estimate, never an
 * under-estimate).
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/**
 * Breaks `text` into lines of at most `width` columns. Lines break at spaces between words and
 * anywhere around a wide character (Chinese has no spaces between words); a word wider than a
 * line is cut. Lines carry no leading or trailing spaces; an empty or blank text gives no
 * lines. Zero-width marks stay with the character before them.
 *
 * @param width at least 2, so that any character fits on a line
 */
export function wrapToWidth(text: string, width: number): string[] {
  if (!Number.isInteger(width) || width < 2)
    throw new RangeError(`cannot wrap to ${width} columns`);
  const lines: string[] = [];
  let line = '';
  let space = '';
  const flush = (): void => {
    if (line !== '') lines.push(line);
    line = '';
    space = '';
  };
  for (const token of tokenize(text.trim())) {
    if (/^\s/u.test(token)) {
      space = token;
      continue;
    }
    const tokenWidth = displayWidth(token);
    if (displayWidth(line) + displayWidth(space) + tokenWidth <= width) {
      line += space + token;
      space = '';
      continue;
    }
    flush();
    if (tokenWidth <= width) {
      line = token;
      continue;
    }
    for (const char of token) {
      if (displayWidth(line) + charWidth(char) > width) flush();
      line += char;
    }
  }
  flush();
  return lines;
}

/**
 * Splits text into runs of white space, runs of narrow non-space characters (words) and single
 * wide characters, each zero-width mark joined to the token before it.
 */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let tokenKind: 'space' | 'word' | 'wide' | undefined;
  for (const char of text) {
    const width = charWidth(char);
    const kind = /\s/u.test(char) ? 'space' : width === 2 ? 'wide' : 'word';
    const joins =
      token !== '' &&
      ((width === 0 && kind !== 'space') || (kind === tokenKind && kind !== 'wide'));
    if (joins) {
      token += char;
      continue;
    }
    if (token !== '') tokens.push(token);
    token = char;
    tokenKind = kind;
  }
  if (token !== '') tokens.push(token);
  return tokens;
}
