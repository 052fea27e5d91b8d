import { displayWidth } from '../../core/displayWidth.js';
import type { Key } from './KeyDecoder.js';

/** What Tab may complete: the candidates for the word that ends at the cursor. */
export type Completer = (beforeCursor: string) => readonly string[];

/** How one line is read. */
export interface LineEditorOptions {
  prompt: string;
  /** False for a password: nothing typed is shown, not even stars. */
  echo: boolean;
  /**
   * The session's history, oldest first, for Up and Down; the entered line is appended to it
   * (unless blank or the same as the last). Leave it out for passwords and confirmations, so
   * they are never recalled.
   */
  history?: string[] | undefined;
  /** Tab completion; without it Tab does nothing. */
  complete?: Completer | undefined;
}

/** How reading a line ended. */
export type LineResult =
  /** Enter. */
  | { kind: 'line'; text: string }
  /** Ctrl-D on an empty line. */
  | { kind: 'eof' }
  /** Ctrl-C: the line was dropped. */
  | { kind: 'interrupt' };

/** What a key did: text to write to the terminal, and the result once the line is done. */
export interface EditStep {
  output: string;
  result?: LineResult | undefined;
}

const CRLF = '\r\n';
const BELL = '\x07';
const CLEAR_TO_END = '\x1b[K';
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/** The longest common prefix of `words`. */
function commonPrefix(words: readonly string[]): string {
  const [first = '', ...rest] = words;
  let prefix = first;
  for (const word of rest) {
    while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/**
 * A one-line editor for a serial terminal: pure (keys in, terminal output out), no timers, no
 * I/O. Output uses plain VT100 only (CR, BS, `ESC [ K`, `ESC [ n D`, `ESC [ H`, `ESC [ 2 J`),
 * CRLF line ends, and counts wide (Chinese) characters as two columns. It assumes the line
 * fits the terminal's width (a serial terminal cannot tell its width).
 *
 * Keys: characters insert at the cursor; Backspace, Delete, Left/Right, Home/End (Ctrl-A/E),
 * Ctrl-U (delete to the start), Ctrl-K (delete to the end), Ctrl-W (delete the word before the
 * cursor), Up/Down (history), Tab (complete; lists the alternatives when ambiguous), Ctrl-C
 * (drop the line, shows `^C`), Ctrl-L (clear the screen and redraw), Ctrl-D (end of input on
 * an empty line, else Delete), Enter.
 */
export class LineEditor {
  private chars: string[] = [];
  private cursor = 0;
  private historyIndex: number;
  private draft: string[] = [];
  private done = false;

  constructor(private readonly options: LineEditorOptions) {
    this.historyIndex = options.history?.length ?? 0;
  }

  /** The line as typed so far. */
  get text(): string {
    return this.chars.join('');
  }

  /** The cursor's position, in characters from the start of the line. */
  get cursorIndex(): number {
    return this.cursor;
  }

  /** The output that shows the prompt (call once, before the first key). */
  start(): string {
    return this.options.prompt;
  }

  /** Applies one key. After a result, further keys do nothing. */
  handle(key: Key): EditStep {
    if (this.done) return { output: '' };
    if (key.name === 'char') return this.insert([key.char]);
    switch (key.name) {
      case 'enter':
        return this.finish();
      case 'interrupt':
        this.done = true;
        return { output: `^C${CRLF}`, result: { kind: 'interrupt' } };
      case 'eof':
        if (this.chars.length === 0) {
          this.done = true;
          return { output: CRLF, result: { kind: 'eof' } };
        }
        return this.deleteRange(this.cursor, this.cursor + 1);
      case 'backspace':
        return this.deleteRange(this.cursor - 1, this.cursor);
      case 'delete':
        return this.deleteRange(this.cursor, this.cursor + 1);
      case 'killToStart':
        return this.deleteRange(0, this.cursor);
      case 'killToEnd':
        return this.deleteRange(this.cursor, this.chars.length);
      case 'killWord': {
        let start = this.cursor;
        while (start > 0 && this.chars[start - 1] === ' ') start -= 1;
        while (start > 0 && this.chars[start - 1] !== ' ') start -= 1;
        return this.deleteRange(start, this.cursor);
      }
      case 'left':
        return this.moveTo(this.cursor - 1);
      case 'right':
        return this.moveTo(this.cursor + 1);
      case 'home':
        return this.moveTo(0);
      case 'end':
        return this.moveTo(this.chars.length);
      case 'up':
        return this.recall(-1);
      case 'down':
        return this.recall(1);
      case 'tab':
        return this.completeWord();
      case 'redraw':
        return { output: CLEAR_SCREEN + this.options.prompt + this.lineFromStart() };
    }
  }

  private finish(): EditStep {
    this.done = true;
    const text = this.text;
    const history = this.options.history;
    if (history && text.trim() !== '' && history.at(-1) !== text) history.push(text);
    return { output: CRLF, result: { kind: 'line', text } };
  }

  /** The line and the moves that put the cursor in place, written from the line's start. */
  private lineFromStart(): string {
    if (!this.options.echo) return '';
    const after = displayWidth(this.chars.slice(this.cursor).join(''));
    return `${this.text}${CLEAR_TO_END}${after > 0 ? `\x1b[${after}D` : ''}`;
  }

  /** Rewrites the prompt and the line in place. */
  private redraw(): string {
    if (!this.options.echo) return '';
    return `\r${this.options.prompt}${this.lineFromStart()}`;
  }

  private insert(chars: readonly string[]): EditStep {
    if (chars.length === 0) return { output: '' };
    const atEnd = this.cursor === this.chars.length;
    this.chars.splice(this.cursor, 0, ...chars);
    this.cursor += chars.length;
    if (!this.options.echo) return { output: '' };
    // Typing at the end, the usual case, costs the serial line only the characters.
    return { output: atEnd ? chars.join('') : this.redraw() };
  }

  private deleteRange(from: number, to: number): EditStep {
    const start = Math.max(0, from);
    const end = Math.min(this.chars.length, to);
    if (end <= start) return { output: '' };
    this.chars.splice(start, end - start);
    if (this.cursor >= end) this.cursor -= end - start;
    else if (this.cursor > start) this.cursor = start;
    return { output: this.redraw() };
  }

  private moveTo(index: number): EditStep {
    const target = Math.min(Math.max(0, index), this.chars.length);
    if (target === this.cursor) return { output: '' };
    const from = this.cursor;
    this.cursor = target;
    if (!this.options.echo) return { output: '' };
    const width = displayWidth(
      this.chars.slice(Math.min(from, target), Math.max(from, target)).join(''),
    );
    return { output: `\x1b[${width}${target < from ? 'D' : 'C'}` };
  }

  private recall(direction: -1 | 1): EditStep {
    const history = this.options.history;
    if (!history) return { output: '' };
    const index = this.historyIndex + direction;
    if (index < 0 || index > history.length) return { output: '' };
    if (this.historyIndex === history.length) this.draft = [...this.chars];
    this.historyIndex = index;
    this.chars = index === history.length ? [...this.draft] : Array.from(history[index] ?? '');
    this.cursor = this.chars.length;
    return { output: this.redraw() };
  }

  private completeWord(): EditStep {
    const complete = this.options.complete;
    if (!complete || !this.options.echo) return { output: '' };
    const before = this.chars.slice(0, this.cursor).join('');
    const word = /\S*$/.exec(before)?.[0] ?? '';
    const matches = complete(before).filter((candidate) => candidate.startsWith(word));
    if (matches.length === 0) return { output: BELL };
    if (matches.length === 1) {
      const rest = (matches[0] ?? '').slice(word.length);
      const space = this.chars[this.cursor] === ' ' ? '' : ' ';
      return this.insert(Array.from(rest + space));
    }
    const prefix = commonPrefix(matches);
    if (prefix.length > word.length) return this.insert(Array.from(prefix.slice(word.length)));
    return {
      output: `${CRLF}${matches.join('  ')}${CRLF}${this.options.prompt}${this.lineFromStart()}`,
    };
  }
}
