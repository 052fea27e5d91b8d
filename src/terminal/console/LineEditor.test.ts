import { describe, expect, it } from 'vitest';
import { KeyDecoder } from './KeyDecoder.js';
import { LineEditor, type LineEditorOptions, type LineResult } from './LineEditor.js';
import { VirtualScreen } from './VirtualScreen.js';

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';

/** An editor fed through the decoder, drawn on a virtual screen. */
function session(options: Partial<LineEditorOptions> = {}) {
  const editor = new LineEditor({ prompt: '> ', echo: true, ...options });
  const decoder = new KeyDecoder();
  const screen = new VirtualScreen();
  let output = editor.start();
  screen.write(output);
  let result: LineResult | undefined;
  return {
    editor,
    screen,
    type(bytes: string): void {
      for (const key of decoder.feed(bytes)) {
        const step = editor.handle(key);
        output += step.output;
        screen.write(step.output);
        result ??= step.result;
      }
    },
    get output() {
      return output;
    },
    get result() {
      return result;
    },
  };
}

describe('LineEditor', () => {
  it('echoes typing and returns the line on Enter, with CRLF', () => {
    const s = session();
    s.type('status');
    expect(s.screen.currentLine).toBe('> status');
    expect(s.screen.col).toBe(8);
    s.type('\r');
    expect(s.result).toEqual({ kind: 'line', text: 'status' });
    expect(s.output.endsWith('status\r\n')).toBe(true);
  });

  it('inserts in the middle and deletes with Backspace (DEL and BS) and Delete', () => {
    const s = session();
    s.type(`abd${LEFT}c`);
    expect(s.screen.currentLine).toBe('> abcd');
    expect(s.editor.cursorIndex).toBe(3);
    expect(s.screen.col).toBe(5);
    s.type('\x7f');
    expect(s.screen.currentLine).toBe('> abd');
    s.type('\x08');
    expect(s.screen.currentLine).toBe('> ad');
    s.type('\x1b[3~');
    expect(s.screen.currentLine).toBe('> a');
    expect(s.screen.col).toBe(3);
    s.type('\x7f\x7f\x7f');
    expect(s.screen.currentLine).toBe('>');
    s.type('\r');
    expect(s.result).toEqual({ kind: 'line', text: '' });
  });

  it('moves with Left/Right, Home/End in all their spellings', () => {
    const s = session();
    s.type('hello');
    for (const home of ['\x1b[H', '\x1b[1~', '\x01', '\x1bOH', '\x1b[7~']) {
      s.type(home);
      expect(s.editor.cursorIndex).toBe(0);
      expect(s.screen.col).toBe(2);
      for (const end of ['\x1b[F', '\x1b[4~', '\x05', '\x1bOF', '\x1b[8~']) {
        s.type(end);
        expect(s.editor.cursorIndex).toBe(5);
        expect(s.screen.col).toBe(7);
        s.type(home);
      }
    }
    s.type(`${RIGHT}\x1bOC${LEFT}`);
    expect(s.screen.col).toBe(3);
    s.type(`${LEFT}${LEFT}`);
    expect(s.editor.cursorIndex).toBe(0);
    s.type('X');
    expect(s.screen.currentLine).toBe('> Xhello');
  });

  it('counts wide characters as two columns', () => {
    const s = session();
    s.type('金额5');
    expect(s.screen.currentLine).toBe('> 金额5');
    expect(s.screen.col).toBe(7);
    s.type(`${LEFT}${LEFT}`);
    expect(s.screen.col).toBe(4);
    s.type('\x7f');
    expect(s.screen.currentLine).toBe('> 额5');
    expect(s.screen.col).toBe(2);
    s.type('\r');
    expect(s.result).toEqual({ kind: 'line', text: '额5' });
  });

  it('kills to the start (Ctrl-U), to the end (Ctrl-K) and the word before (Ctrl-W)', () => {
    const s = session();
    s.type(`config set host.url x${LEFT}${LEFT}`);
    s.type('\x0b');
    expect(s.screen.currentLine).toBe('> config set host.url');
    s.type('\x17');
    expect(s.screen.currentLine).toBe('> config set');
    s.type('  \x17');
    expect(s.screen.currentLine).toBe('> config');
    s.type(`ab${LEFT}\x15`);
    expect(s.screen.currentLine).toBe('> b');
    expect(s.editor.text).toBe('b');
    expect(s.screen.col).toBe(2);
  });

  it('clears the line on Ctrl-C, showing ^C', () => {
    const s = session();
    s.type('settle');
    s.type('\x03');
    expect(s.result).toEqual({ kind: 'interrupt' });
    expect(s.screen.lines).toEqual(['> settle^C', '']);
  });

  it('ends with eof on Ctrl-D on an empty line, deletes under the cursor otherwise', () => {
    const s = session();
    s.type(`ab${LEFT}\x04`);
    expect(s.result).toBeUndefined();
    expect(s.editor.text).toBe('a');
    s.type('\x7f\x04');
    expect(s.result).toEqual({ kind: 'eof' });
  });

  it('redraws on Ctrl-L: a cleared screen with the prompt, the line and the cursor in place', () => {
    const s = session();
    s.type(`status${LEFT}`);
    s.type('\x0c');
    expect(s.screen.lines).toEqual(['> status']);
    expect(s.screen.col).toBe(7);
    expect(s.output).toContain('\x1b[H\x1b[2J');
  });

  it('recalls history with Up/Down, keeps the draft, adds no repeats in a row', () => {
    const history: string[] = ['status', 'logs tail'];
    const s = session({ history });
    s.type(`dra${UP}`);
    expect(s.screen.currentLine).toBe('> logs tail');
    s.type(UP);
    expect(s.screen.currentLine).toBe('> status');
    s.type(UP);
    expect(s.screen.currentLine).toBe('> status');
    s.type(`${DOWN}${DOWN}`);
    expect(s.screen.currentLine).toBe('> dra');
    s.type(`${UP}\r`);
    expect(s.result).toEqual({ kind: 'line', text: 'logs tail' });
    expect(history).toEqual(['status', 'logs tail']);
    const next = session({ history });
    next.type('help\r');
    expect(history).toEqual(['status', 'logs tail', 'help']);
    const blank = session({ history });
    blank.type('   \r');
    expect(history).toHaveLength(3);
  });

  it('shows nothing at all without echo, and keeps no history', () => {
    const s = session({ prompt: 'Password: ', echo: false });
    s.type(`se${LEFT}x\x7f\x1b[Fcret${UP}\t`);
    expect(s.output).toBe('Password: ');
    s.type('\x0c'); // Ctrl-L redraws the prompt, and still nothing typed
    expect(s.output).toBe('Password: \x1b[H\x1b[2JPassword: ');
    s.type('\r');
    expect(s.output).toBe('Password: \x1b[H\x1b[2JPassword: \r\n');
    expect(s.result).toEqual({ kind: 'line', text: 'secret' });
  });

  it('completes a unique word with a space, the common prefix, or lists the alternatives', () => {
    const complete = (before: string) =>
      before.includes(' ') ? ['show', 'set'] : ['status', 'settle', 'sign-in', 'help'];
    const s = session({ complete });
    s.type('h\t');
    expect(s.editor.text).toBe('help ');
    s.type('\x15st\t');
    expect(s.editor.text).toBe('status ');
    expect(s.screen.col).toBe(9);
    s.type('\x15se\t');
    expect(s.editor.text).toBe('settle ');
    s.type('s\t');
    expect(s.editor.text).toBe('settle s');
    s.type('\t');
    expect(s.screen.lines.slice(-2)).toEqual(['show  set', '> settle s']);
    s.type('\x15s\t');
    expect(s.screen.lines.slice(-2)).toEqual(['status  settle  sign-in', '> s']);
    expect(s.screen.col).toBe(3);
    s.type('x\t');
    expect(s.output.endsWith('\x07')).toBe(true);
    expect(s.screen.currentLine).toBe('> sx');
  });

  it('ignores keys after the line is done', () => {
    const s = session();
    s.type('a\rb');
    expect(s.result).toEqual({ kind: 'line', text: 'a' });
    expect(s.editor.text).toBe('a');
  });

  it('uses only plain VT100 sequences and CRLF line ends', () => {
    const s = session({ history: ['x'], complete: () => ['one', 'other'] });
    s.type(`abc${LEFT}${LEFT}\x7f\x1b[3~${UP}${DOWN}o\t\x0c\x0b\x17\x15\x03`);
    const sequences = s.output.split('\x1b').slice(1);
    expect(sequences.length).toBeGreaterThan(5);
    for (const sequence of sequences) expect(sequence).toMatch(/^\[(\d*[CDK]|H|2J)/);
    expect(s.output.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });
});
