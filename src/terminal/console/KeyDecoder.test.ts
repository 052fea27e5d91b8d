import { describe, expect, it } from 'vitest';
import { KeyDecoder, type Key } from './KeyDecoder.js';

const names = (keys: readonly Key[]): string[] =>
  keys.map((key) => (key.name === 'char' ? `'${key.char}'` : key.name));

function decode(...chunks: (string | number[])[]): string[] {
  const decoder = new KeyDecoder();
  return chunks.flatMap((chunk) =>
    names(
      decoder.feed(
        typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Uint8Array.from(chunk),
      ),
    ),
  );
}

describe('KeyDecoder', () => {
  it('reads printable ASCII as characters', () => {
    expect(decode('ab 1~')).toEqual(["'a'", "'b'", "' '", "'1'", "'~'"]);
  });

  it('takes CR, LF and CRLF each as one Enter, also when CRLF is split across reads', () => {
    expect(decode('a\rb\nc\r\nd')).toEqual(["'a'", 'enter', "'b'", 'enter', "'c'", 'enter', "'d'"]);
    expect(decode('x\r', '\ny')).toEqual(["'x'", 'enter', "'y'"]);
    expect(decode('\r\r')).toEqual(['enter', 'enter']);
    expect(decode('\n\n')).toEqual(['enter', 'enter']);
  });

  it('decodes UTF-8, also split across reads, and drops invalid bytes', () => {
    const yuan = [...Buffer.from('元', 'utf8')];
    expect(decode(yuan)).toEqual(["'元'"]);
    expect(decode(yuan.slice(0, 1), yuan.slice(1))).toEqual(["'元'"]);
    expect(decode([...Buffer.from('é😀', 'utf8')])).toEqual(["'é'", "'😀'"]);
    expect(decode([0xff, 0x61, 0xe5, 0x61])).toEqual(["'a'", "'a'"]);
    // An overlong encoding of '/' is not a character.
    expect(decode([0xe0, 0x80, 0xaf])).toEqual([]);
  });

  it('maps Backspace (DEL and BS) and the control keys', () => {
    expect(decode([0x7f, 0x08])).toEqual(['backspace', 'backspace']);
    expect(decode([0x01, 0x05, 0x03, 0x04, 0x0c, 0x15, 0x0b, 0x17, 0x09])).toEqual([
      'home',
      'end',
      'interrupt',
      'eof',
      'redraw',
      'killToStart',
      'killToEnd',
      'killWord',
      'tab',
    ]);
    expect(decode([0x00, 0x07, 0x1a, 0x61])).toEqual(["'a'"]);
  });

  it('maps the cursor and editing sequences, CSI and SS3', () => {
    expect(decode('\x1b[A\x1b[B\x1b[C\x1b[D')).toEqual(['up', 'down', 'right', 'left']);
    expect(decode('\x1bOA\x1bOB\x1bOC\x1bOD\x1bOH\x1bOF')).toEqual([
      'up',
      'down',
      'right',
      'left',
      'home',
      'end',
    ]);
    expect(decode('\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[7~\x1b[8~\x1b[3~')).toEqual([
      'home',
      'end',
      'home',
      'end',
      'home',
      'end',
      'delete',
    ]);
    expect(decode('\x1b[1;5C')).toEqual(['right']);
  });

  it('completes a sequence split across reads', () => {
    expect(decode('\x1b', '[', '3', '~x')).toEqual(['delete', "'x'"]);
    expect(decode('\x1bO', 'D')).toEqual(['left']);
  });

  it('drops unknown sequences whole, never showing their bytes', () => {
    expect(decode('a\x1b[15~b')).toEqual(["'a'", "'b'"]); // F5
    expect(decode('\x1b[2~\x1b[5~\x1b[6~')).toEqual([]); // Insert, PgUp, PgDn
    expect(decode('\x1b[?1;2c')).toEqual([]); // a device attributes reply
    expect(decode('\x1bOP')).toEqual([]); // F1
    expect(decode('\x1bx')).toEqual([]); // Alt-x
    expect(decode('\x1b[' + '1;'.repeat(20) + 'Cz')).toEqual(["'z'"]); // too long for a key
  });

  it('lets a control byte cut a sequence short and still count', () => {
    expect(decode('\x1b[1\r')).toEqual(['enter']);
  });
});
