import { describe, expect, it } from 'vitest';
import { decodeEscPos, toText } from './decodeEscPos.js';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;
const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')];
const bytes = (...parts: (number | number[])[]): Uint8Array => Uint8Array.from(parts.flat());

describe('decodeEscPos', () => {
  it('reads lines with their alignment, emphasis and size', () => {
    const decoded = decodeEscPos(
      bytes(
        [ESC, 0x40],
        [ESC, 0x61, 1, ESC, 0x45, 1, GS, 0x21, 0x11],
        ascii('TITLE'),
        LF,
        [ESC, 0x45, 0, GS, 0x21, 0x00, ESC, 0x61, 2],
        ascii('right'),
        LF,
        [ESC, 0x61, 0x30],
        ascii('left'),
        LF,
      ),
    );
    expect(decoded.lines).toEqual([
      { text: 'TITLE', align: 'center', bold: true, width: 2, height: 2 },
      { text: 'right', align: 'right', bold: false, width: 1, height: 1 },
      { text: 'left', align: 'left', bold: false, width: 1, height: 1 },
    ]);
    expect(decoded.unknown).toEqual([]);
    expect(decoded.pending).toBe('');
  });

  it('reads GS ! width from bits 4-7 and height from bits 0-3', () => {
    const decoded = decodeEscPos(
      bytes([GS, 0x21, 0x10], ascii('W'), LF, [GS, 0x21, 0x02], ascii('H'), LF),
    );
    expect(decoded.lines.map(({ width, height }) => [width, height])).toEqual([
      [2, 1],
      [1, 3],
    ]);
  });

  it('reads ESC ! emphasis, double height and double width, and ESC @ resets all modes', () => {
    const decoded = decodeEscPos(
      bytes([ESC, 0x21, 0x38, ESC, 0x61, 1], ascii('big'), LF, [ESC, 0x40], ascii('plain'), LF),
    );
    expect(decoded.lines).toEqual([
      { text: 'big', align: 'center', bold: true, width: 2, height: 2 },
      { text: 'plain', align: 'left', bold: false, width: 1, height: 1 },
    ]);
  });

  it('takes a line’s modes from its first character', () => {
    const decoded = decodeEscPos(bytes(ascii('a'), [ESC, 0x45, 1], ascii('b'), LF));
    expect(decoded.lines).toEqual([
      { text: 'ab', align: 'left', bold: false, width: 1, height: 1 },
    ]);
  });

  it('decodes GB18030 in Chinese character mode, and the code page outside it', () => {
    const decoded = decodeEscPos(
      bytes(
        [ESC, 0x52, 0x0f, FS, 0x26],
        [0xbd, 0xf0, 0xb6, 0xee], // 金额 (two-byte)
        ascii(' 12.50 '),
        [0x81, 0x30, 0x81, 0x30], // U+0080 (four-byte)
        [0x95, 0x32, 0x82, 0x36], // U+20000 𠀀 (four-byte, outside the BMP)
        LF,
        [FS, 0x2e],
        [0x9c, 0xe1], // £ß in PC437
        LF,
        [ESC, 0x74, 16],
        [0x80], // € in Windows-1252
        LF,
      ),
    );
    expect(decoded.lines.map((line) => line.text)).toEqual(['金额 12.50 \u0080𠀀', '£ß', '€']);
  });

  it('needs FS & for Chinese unless the printer is in Chinese mode by default', () => {
    const data = bytes([0xc7, 0xa9], LF, [ESC, 0x40, 0xc7, 0xa9], LF);
    expect(decodeEscPos(data).lines.map((l) => l.text)).toEqual(['╟⌐', '╟⌐']);
    expect(decodeEscPos(data, { multiByteByDefault: true }).lines.map((l) => l.text)).toEqual([
      '签',
      '签',
    ]);
  });

  it('counts cuts, full and partial, with and without feed, after the lines before them', () => {
    const decoded = decodeEscPos(
      bytes(
        ascii('one'),
        LF,
        [GS, 0x56, 0x00],
        ascii('two'),
        [GS, 0x56, 0x42, 0x10], // feed and partial cut: prints the pending line first
        [GS, 0x56, 0x31],
        [GS, 0x56, 0x41, 0x00],
      ),
    );
    expect(decoded.cuts).toBe(4);
    expect(decoded.cutPoints).toEqual([
      { afterLine: 1, partial: false },
      { afterLine: 2, partial: true },
      { afterLine: 2, partial: true },
      { afterLine: 2, partial: false },
    ]);
    expect(decoded.lines.map((l) => l.text)).toEqual(['one', 'two']);
  });

  it('feeds blank lines with ESC d, printing a pending line as the first', () => {
    const decoded = decodeEscPos(bytes(ascii('x'), [ESC, 0x64, 3], [ESC, 0x64, 2]));
    expect(decoded.lines.map((l) => l.text)).toEqual(['x', '', '', '', '']);
  });

  it('lists real-time status requests and skips known commands with their parameters', () => {
    const decoded = decodeEscPos(
      bytes(
        [0x10, 0x04, 0x01, 0x10, 0x04, 0x04],
        [ESC, 0x2d, 0x01, ESC, 0x33, 0x41, GS, 0x72, 0x01, FS, 0x21, 0x0c, ESC, 0x70, 0, 25, 250],
        ascii('ok'),
        0x0d,
        LF,
      ),
    );
    expect(decoded.statusRequests).toEqual([1, 4]);
    expect(decoded.lines.map((l) => l.text)).toEqual(['ok']);
    expect(decoded.unknown).toEqual([]);
  });

  it('lists unknown commands, and keeps text without a line feed as pending', () => {
    const decoded = decodeEscPos(bytes([ESC, 0x78], ascii('tail')));
    expect(decoded.unknown).toEqual(['1b 78']);
    expect(decoded.lines).toEqual([]);
    expect(decoded.pending).toBe('tail');
  });

  it('expands a tab to the next multiple of eight columns', () => {
    expect(decodeEscPos(bytes(ascii('ab'), 0x09, ascii('c'), LF)).lines[0]?.text).toBe('ab      c');
  });
});

describe('toText', () => {
  it('places lines as the printer does, counting Chinese and double width, and shows cuts', () => {
    const decoded = decodeEscPos(
      bytes(
        [FS, 0x26, ESC, 0x61, 1],
        [0xc7, 0xa9, 0xb9, 0xba, 0xb5, 0xa5], // 签购单, 6 columns
        LF,
        [GS, 0x21, 0x10, ESC, 0x45, 1],
        ascii('AB'),
        LF,
        [GS, 0x21, 0x00, ESC, 0x45, 0, ESC, 0x61, 2],
        ascii('9.99  '), // trailing spaces count: the text ends 2 columns from the edge
        LF,
        [GS, 0x56, 0x01],
      ),
    );
    expect(toText(decoded)).toBe(
      `             签购单\n              AB\n                          9.99\n[partial cut]\n`,
    );
    expect(toText(decoded, { modes: true, columns: 16 })).toBe(
      `    |     签购单\nB2x1|      AB\n    |          9.99\n[partial cut]\n`,
    );
  });
});
