import { charWidth } from '../../core/displayWidth.js';

/**
 * A tiny VT100 screen for tests: applies what the console writes (printable text, CR, LF, BS,
 * `ESC [ K`, `ESC [ n C`, `ESC [ n D`, `ESC [ H`, `ESC [ 2 J`; BEL is ignored) and shows the
 * lines as a technician would read them. A wide character takes two cells. Any other escape
 * sequence throws, so the console cannot send one unnoticed.
 */
export class VirtualScreen {
  private rows: string[][] = [[]];
  private row = 0;
  /** The cursor's column (0-based). */
  col = 0;

  /** Applies `output`. */
  write(output: string): void {
    const chars = Array.from(output);
    for (let i = 0; i < chars.length; i += 1) {
      const char = chars[i] ?? '';
      if (char === '\x1b') {
        const rest = chars.slice(i + 1, i + 12).join('');
        const match = /^\[(\d*)([A-Za-z])/.exec(rest);
        if (!match) throw new Error(`unexpected escape sequence ${JSON.stringify(rest)}`);
        i += match[0].length;
        this.csi(match[1] ?? '', match[2] ?? '');
      } else if (char === '\r') this.col = 0;
      else if (char === '\n') {
        this.row += 1;
        this.rows[this.row] ??= [];
      } else if (char === '\b') this.col = Math.max(0, this.col - 1);
      else if (char === '\x07') continue;
      else if (char < ' ') throw new Error(`unexpected control character ${JSON.stringify(char)}`);
      else this.put(char);
    }
  }

  /** Every line, trailing spaces trimmed. */
  get lines(): string[] {
    return this.rows.map((cells) => cells.join('').trimEnd());
  }

  /** The line the cursor is on. */
  get currentLine(): string {
    return this.lines[this.row] ?? '';
  }

  /** All of the screen as text. */
  get text(): string {
    return this.lines.join('\n');
  }

  private line(): string[] {
    return (this.rows[this.row] ??= []);
  }

  private put(char: string): void {
    const width = charWidth(char);
    if (width === 0) return;
    const line = this.line();
    while (line.length < this.col) line.push(' ');
    line[this.col] = char;
    // The second cell of a wide character holds nothing of its own.
    if (width === 2) line[this.col + 1] = '';
    this.col += width;
  }

  private csi(param: string, final: string): void {
    const n = param === '' ? 1 : Number(param);
    switch (final) {
      case 'K':
        this.line().length = Math.min(this.line().length, this.col);
        return;
      case 'C':
        this.col += n;
        return;
      case 'D':
        this.col = Math.max(0, this.col - n);
        return;
      case 'H':
        this.row = 0;
        this.col = 0;
        return;
      case 'J':
        if (param !== '2') throw new Error(`unexpected ESC [ ${param} J`);
        this.rows = [[]];
        return;
      default:
        throw new Error(`unexpected escape sequence ESC [ ${param} ${final}`);
    }
  }
}
