import { displayWidth } from '../../../src/core/displayWidth.js';
import { decodeCp437 } from './cp437.js';

export type Alignment = 'left' | 'center' | 'right';

/** One printed line and the print modes it was printed in (those in force at its first character). */
export interface DecodedLine {
  readonly text: string;
  readonly align: Alignment;
  readonly bold: boolean;
  /** Character width and height multipliers, 1–8 (`GS !`, or `ESC !` bits 4 and 5). */
  readonly width: number;
  readonly height: number;
}

/** A cut of the paper, after the first `afterLine` lines. */
export interface DecodedCut {
  readonly afterLine: number;
  readonly partial: boolean;
}

export interface DecodedEscPos {
  readonly lines: readonly DecodedLine[];
  /** How many times the paper was cut. */
  readonly cuts: number;
  readonly cutPoints: readonly DecodedCut[];
  /** The `n` of each real-time status request (`DLE EOT n`) met in the stream, in order. */
  readonly statusRequests: readonly number[];
  /** Commands this decoder does not know, in hex (`1b 78`); their parameters print as text. */
  readonly unknown: readonly string[];
  /** Text still in the printer's line buffer at the end (a printer prints it only at a line feed). */
  readonly pending: string;
}

/** Parameter bytes of the `ESC x`, `GS x` and `FS x` commands the decoder knows and skips. */
const SKIPPED: Readonly<Record<number, Readonly<Record<number, number>>>> = {
  0x1b: {
    0x20: 1, // ESC SP right-side character spacing
    0x24: 2, // ESC $ absolute position
    0x25: 1, // ESC % user-defined characters
    0x2d: 1, // ESC - underline
    0x32: 0, // ESC 2 default line spacing
    0x33: 1, // ESC 3 line spacing
    0x3d: 1, // ESC = peripheral device
    0x3f: 1, // ESC ? cancel user-defined character
    0x42: 2, // ESC B beep (some printers)
    0x47: 1, // ESC G double-strike
    0x4a: 1, // ESC J feed n dots
    0x4d: 1, // ESC M font
    0x56: 1, // ESC V 90° rotation
    0x63: 2, // ESC c 3/4/5 sensor and panel settings (ESC c 5 n has one; c 3/4 too)
    0x70: 3, // ESC p cash drawer pulse
    0x7b: 1, // ESC { upside down
  },
  0x1d: {
    0x42: 1, // GS B reverse
    0x48: 1, // GS H HRI position
    0x4c: 2, // GS L left margin
    0x57: 2, // GS W print area width
    0x61: 1, // GS a automatic status back
    0x62: 1, // GS b smoothing
    0x66: 1, // GS f HRI font
    0x68: 1, // GS h barcode height
    0x72: 1, // GS r transmit status
    0x77: 1, // GS w barcode width
  },
  0x1c: {
    0x21: 1, // FS ! Chinese character print mode
    0x2d: 1, // FS - Chinese character underline
    0x43: 1, // FS C code system
    0x53: 2, // FS S Chinese character spacing
    0x57: 1, // FS W Chinese character quadruple size
  },
};

/** `GS V m` values that leave a tab uncut: 1/49 (function A), 66 (B), 98 (C), 104 (D). */
const PARTIAL_CUTS: readonly number[] = [1, 49, 66, 98, 104];

/** `ESC t n` code tables this decoder can read; others decode as U+FFFD. */
const CODE_TABLES: Readonly<Record<number, string>> = {
  0: 'cp437',
  15: 'iso-8859-7',
  16: 'windows-1252',
  17: 'ibm866',
  39: 'iso-8859-2',
  40: 'iso-8859-15',
  45: 'windows-1250',
  46: 'windows-1251',
  47: 'windows-1253',
  48: 'windows-1254',
  49: 'windows-1255',
  50: 'windows-1256',
  51: 'windows-1257',
  52: 'windows-1258',
};

interface Modes {
  align: Alignment;
  bold: boolean;
  width: number;
  height: number;
  codeTable: number;
  /** Chinese (multi-byte, GB18030) character mode, `FS &` on / `FS .` off. */
  multiByte: boolean;
}

export interface DecodeOptions {
  /**
   * Whether the printer is in Chinese character mode after power-on and `ESC @` (a memory
   * switch on Chinese models). Default false: the data must select it with `FS &`.
   */
  readonly multiByteByDefault?: boolean;
}

/**
 * Reads ESC/POS bytes the way a 58 mm Epson-compatible printer would print them: text lines
 * with their alignment (`ESC a`), emphasis (`ESC E`, `ESC !`), character size (`GS !`,
 * `ESC !`), line feeds (LF, `ESC d`), cuts (`GS V`), code tables (`ESC t`, `ESC R`) and
 * Chinese character mode (`FS &` / `FS .`, read as GB18030). `ESC @` resets the modes.
 * Real-time status requests (`DLE EOT n`) are listed, not printed. Pure: no I/O.
 *
 * Limits: barcodes, images and other length-prefixed commands (`GS (`, `GS k`, `GS v`) are
 * listed as unknown and their data shows as text; `ESC R` international character sets are
 * tracked but do not remap characters.
 */
export function decodeEscPos(bytes: Uint8Array, options: DecodeOptions = {}): DecodedEscPos {
  return new Decoder(options.multiByteByDefault ?? false).run(bytes);
}

class Decoder {
  readonly #multiByteByDefault: boolean;
  #modes: Modes;
  readonly #lines: DecodedLine[] = [];
  readonly #cutPoints: DecodedCut[] = [];
  readonly #statusRequests: number[] = [];
  readonly #unknown: string[] = [];
  /** The current line: text decoded so far, bytes not yet decoded, modes at its first character. */
  #text = '';
  #bytes: number[] = [];
  #lineModes: Modes | undefined;

  constructor(multiByteByDefault: boolean) {
    this.#multiByteByDefault = multiByteByDefault;
    this.#modes = this.#initialModes();
  }

  run(bytes: Uint8Array): DecodedEscPos {
    let i = 0;
    while (i < bytes.length) i = this.#step(bytes, i);
    this.#flushBytes();
    return {
      lines: this.#lines,
      cuts: this.#cutPoints.length,
      cutPoints: this.#cutPoints,
      statusRequests: this.#statusRequests,
      unknown: this.#unknown,
      pending: this.#text,
    };
  }

  #initialModes(): Modes {
    return {
      align: 'left',
      bold: false,
      width: 1,
      height: 1,
      codeTable: 0,
      multiByte: this.#multiByteByDefault,
    };
  }

  /** Handles the byte at `i` (and its parameters); returns the index of the next. */
  #step(bytes: Uint8Array, i: number): number {
    const byte = bytes[i] ?? 0;
    if (byte >= 0x20 && byte !== 0x7f) {
      this.#lineModes ??= { ...this.#modes };
      this.#bytes.push(byte);
      return i + 1;
    }
    switch (byte) {
      case 0x0a:
        this.#endLine();
        return i + 1;
      case 0x09:
        this.#flushBytes();
        this.#lineModes ??= { ...this.#modes };
        this.#text += ' '.repeat(8 - (displayWidth(this.#text) % 8));
        return i + 1;
      case 0x1b:
        return this.#esc(bytes, i);
      case 0x1d:
        return this.#gs(bytes, i);
      case 0x1c:
        return this.#fs(bytes, i);
      case 0x10:
        return this.#dle(bytes, i);
      default:
        // CR, NUL and other controls print nothing on a line printer.
        return i + 1;
    }
  }

  #esc(bytes: Uint8Array, i: number): number {
    const command = bytes[i + 1] ?? -1;
    const n = bytes[i + 2] ?? 0;
    switch (command) {
      case 0x40: // ESC @ initialise
        this.#flushBytes();
        this.#modes = this.#initialModes();
        return i + 2;
      case 0x21: // ESC ! print mode
        this.#modes.bold = (n & 0x08) !== 0;
        this.#modes.height = n & 0x10 ? 2 : 1;
        this.#modes.width = n & 0x20 ? 2 : 1;
        return i + 3;
      case 0x45: // ESC E emphasis
        this.#modes.bold = (n & 0x01) !== 0;
        return i + 3;
      case 0x61: // ESC a justification
        this.#modes.align = n % 48 === 1 ? 'center' : n % 48 === 2 ? 'right' : 'left';
        return i + 3;
      case 0x74: // ESC t code table
        this.#flushBytes();
        this.#modes.codeTable = n;
        return i + 3;
      case 0x52: // ESC R international character set
        return i + 3;
      case 0x64: // ESC d print and feed n lines
        this.#feed(n);
        return i + 3;
      default:
        return this.#skip(bytes, i);
    }
  }

  #gs(bytes: Uint8Array, i: number): number {
    const command = bytes[i + 1];
    const n = bytes[i + 2] ?? 0;
    if (command === 0x21) {
      this.#modes.width = ((n >> 4) & 0x07) + 1;
      this.#modes.height = (n & 0x07) + 1;
      return i + 3;
    }
    if (command === 0x56) {
      // GS V m (m = 0, 1, 48, 49) or GS V m n (m = 65, 66, 97, 98, 103, 104: feed n, then cut).
      const withFeed = n >= 65;
      if (withFeed) this.#feed(0);
      this.#cut(PARTIAL_CUTS.includes(n));
      return i + (withFeed ? 4 : 3);
    }
    return this.#skip(bytes, i);
  }

  #fs(bytes: Uint8Array, i: number): number {
    const command = bytes[i + 1];
    if (command === 0x26 || command === 0x2e) {
      this.#flushBytes();
      this.#modes.multiByte = command === 0x26;
      return i + 2;
    }
    return this.#skip(bytes, i);
  }

  #dle(bytes: Uint8Array, i: number): number {
    if (bytes[i + 1] === 0x04) {
      this.#statusRequests.push(bytes[i + 2] ?? 0);
      return i + 3;
    }
    this.#unknown.push(hex(bytes.subarray(i, i + 2)));
    return i + 2;
  }

  /** Skips a known command with a fixed number of parameters, or lists an unknown one. */
  #skip(bytes: Uint8Array, i: number): number {
    const prefix = bytes[i] ?? 0;
    const command = bytes[i + 1] ?? 0;
    const parameters = SKIPPED[prefix]?.[command];
    if (parameters !== undefined) return i + 2 + parameters;
    this.#unknown.push(hex(bytes.subarray(i, i + 2)));
    return i + 2;
  }

  /** Prints what is buffered and feeds `n` lines; an empty buffer feeds `n` blank lines. */
  #feed(n: number): void {
    const hadText = this.#lineModes !== undefined;
    if (hadText) this.#endLine();
    for (let k = hadText ? 1 : 0; k < n; k++) this.#endLine();
  }

  #cut(partial: boolean): void {
    if (this.#lineModes !== undefined) this.#endLine();
    this.#cutPoints.push({ afterLine: this.#lines.length, partial });
  }

  #endLine(): void {
    this.#flushBytes();
    const modes = this.#lineModes ?? this.#modes;
    this.#lines.push({
      text: this.#text,
      align: modes.align,
      bold: modes.bold,
      width: modes.width,
      height: modes.height,
    });
    this.#text = '';
    this.#lineModes = undefined;
  }

  #flushBytes(): void {
    if (this.#bytes.length === 0) return;
    const bytes = Uint8Array.from(this.#bytes);
    this.#bytes = [];
    this.#text += decodeText(bytes, this.#modes);
  }
}

function decodeText(bytes: Uint8Array, modes: Modes): string {
  if (modes.multiByte) return new TextDecoder('gb18030').decode(bytes);
  const table = CODE_TABLES[modes.codeTable];
  if (table === 'cp437') return decodeCp437(bytes);
  // Node 20's TextDecoder reads windows-1252 as Latin-1 (0x80–0x9F as C1 controls).
  if (table === 'windows-1252') return decodeWindows1252(bytes);
  if (table !== undefined) return new TextDecoder(table).decode(bytes);
  return [...bytes].map((byte) => (byte < 0x80 ? String.fromCharCode(byte) : '\ufffd')).join('');
}

/** Windows-1252's 0x80–0x9F, where it differs from Latin-1 (U+FFFD for its five holes). */
const CP1252_C1 = '€\ufffd‚ƒ„…†‡ˆ‰Š‹Œ\ufffdŽ\ufffd\ufffd‘’“”•–—˜™š›œ\ufffdžŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    text +=
      byte >= 0x80 && byte < 0xa0
        ? (CP1252_C1[byte - 0x80] ?? '\ufffd')
        : String.fromCharCode(byte);
  }
  return text;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

export interface ToTextOptions {
  /** Paper width in columns of the normal font (default 32, a 58 mm printer). */
  readonly columns?: number;
  /**
   * Prefix each line with its modes: `B` for bold, `WxH` for a size other than 1x1, then `|`.
   * Cuts show as `[cut]` / `[partial cut]` either way.
   */
  readonly modes?: boolean;
}

/**
 * The decoded paper as text: each line placed as its alignment puts it on a `columns`-wide
 * roll (centred lines start at `floor((columns - width) / 2)`, counting Chinese characters and
 * double-width text as the printer does), trailing spaces removed, cuts as `[cut]` lines.
 */
export function toText(decoded: DecodedEscPos, options: ToTextOptions = {}): string {
  const columns = options.columns ?? 32;
  const out: string[] = [];
  const cutsAfter = (count: number): void => {
    for (const cut of decoded.cutPoints) {
      if (cut.afterLine === count) out.push(cut.partial ? '[partial cut]' : '[cut]');
    }
  };
  cutsAfter(0);
  decoded.lines.forEach((line, index) => {
    const used = displayWidth(line.text) * line.width;
    const indent =
      line.align === 'center'
        ? Math.floor((columns - used) / 2)
        : line.align === 'right'
          ? columns - used
          : 0;
    const placed = (' '.repeat(Math.max(0, indent)) + line.text).trimEnd();
    out.push(options.modes ? `${modeMark(line)}|${placed}` : placed);
    cutsAfter(index + 1);
  });
  return out.map((line) => `${line}\n`).join('');
}

function modeMark(line: DecodedLine): string {
  const size = line.width === 1 && line.height === 1 ? '   ' : `${line.width}x${line.height}`;
  return `${line.bold ? 'B' : ' '}${size}`;
}
