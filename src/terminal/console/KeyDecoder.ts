/** An editing key: what a byte sequence from the technician's terminal means. */
export type EditKey =
  | 'enter'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'up'
  | 'down'
  | 'tab'
  /** Ctrl-C. */
  | 'interrupt'
  /** Ctrl-D. */
  | 'eof'
  /** Ctrl-L. */
  | 'redraw'
  /** Ctrl-U. */
  | 'killToStart'
  /** Ctrl-K. */
  | 'killToEnd'
  /** Ctrl-W. */
  | 'killWord';

/** One key press: a printable character (one code point) or an editing key. */
export type Key = { name: 'char'; char: string } | { name: EditKey };

const ESC = 0x1b;
/** A CSI sequence with more parameter bytes than this is not a key: dropped whole. */
const MAX_SEQUENCE = 16;

const CONTROL_KEYS: Readonly<Partial<Record<number, EditKey>>> = {
  0x01: 'home', // Ctrl-A
  0x02: 'left', // Ctrl-B
  0x03: 'interrupt', // Ctrl-C
  0x04: 'eof', // Ctrl-D
  0x05: 'end', // Ctrl-E
  0x06: 'right', // Ctrl-F
  0x08: 'backspace', // BS (Ctrl-H)
  0x09: 'tab',
  0x0b: 'killToEnd', // Ctrl-K
  0x0c: 'redraw', // Ctrl-L
  0x0e: 'down', // Ctrl-N
  0x10: 'up', // Ctrl-P
  0x15: 'killToStart', // Ctrl-U
  0x17: 'killWord', // Ctrl-W
  0x7f: 'backspace', // DEL
};

/** Final bytes of `ESC [ <final>` and `ESC O <final>`. */
const CURSOR_FINALS: Readonly<Partial<Record<string, EditKey>>> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
};

/** `ESC [ <n> ~`: VT220 editing keys (1 and 7 Home, 4 and 8 End, 3 Delete). */
const TILDE_KEYS: Readonly<Partial<Record<string, EditKey>>> = {
  '1': 'home',
  '7': 'home',
  '3': 'delete',
  '4': 'end',
  '8': 'end',
};

function csiKey(params: string, final: string): EditKey | undefined {
  // A modifier (`ESC [ 1 ; 5 C`, Ctrl-Right) still moves as the plain key does.
  const [first = '', ...rest] = params.split(';');
  if (final === '~') return rest.length <= 1 ? TILDE_KEYS[first] : undefined;
  if (params === '' || (first === '1' && rest.length === 1)) return CURSOR_FINALS[final];
  return undefined;
}

/** How many continuation bytes follow a UTF-8 lead byte; undefined for a byte that is none. */
function utf8Continuations(byte: number): number | undefined {
  if (byte >= 0xc2 && byte <= 0xdf) return 1;
  if (byte >= 0xe0 && byte <= 0xef) return 2;
  if (byte >= 0xf0 && byte <= 0xf4) return 3;
  return undefined;
}

/**
 * Turns the bytes a terminal (minicom, screen, PuTTY, a local tty in raw mode) sends into key
 * presses. Pure and incremental: a sequence split across reads (an escape sequence, a UTF-8
 * character, CR then LF) is completed by the next `feed`.
 *
 * - Enter is CR, LF or CRLF (CRLF is one Enter).
 * - Printable ASCII and UTF-8 characters are `char` keys; invalid UTF-8 is dropped.
 * - Control characters map to editing keys (see {@link EditKey}); the others are dropped.
 * - `ESC [ … final` and `ESC O final` map to the cursor and editing keys; any other escape
 *   sequence is dropped whole, so its bytes never show as text.
 */
export class KeyDecoder {
  private state: 'text' | 'esc' | 'csi' | 'ss3' = 'text';
  private sequence = '';
  private utf8: number[] = [];
  private utf8Missing = 0;
  private afterCr = false;

  /** The keys completed by `bytes`. */
  feed(bytes: Uint8Array | string): Key[] {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    const keys: Key[] = [];
    for (const byte of data) this.byte(byte, keys);
    return keys;
  }

  private byte(byte: number, keys: Key[]): void {
    const afterCr = this.afterCr;
    this.afterCr = false;
    if (this.utf8Missing > 0) {
      if (byte >= 0x80 && byte <= 0xbf) {
        this.utf8.push(byte);
        this.utf8Missing -= 1;
        if (this.utf8Missing === 0) {
          const char = Buffer.from(this.utf8).toString('utf8');
          this.utf8 = [];
          // Overlong forms and surrogates decode to U+FFFD: not what was typed.
          if (!char.includes('\ufffd')) keys.push({ name: 'char', char });
        }
        return;
      }
      this.utf8 = [];
      this.utf8Missing = 0;
    }
    switch (this.state) {
      case 'esc':
        if (byte === 0x5b) {
          this.state = 'csi';
          this.sequence = '';
        } else if (byte === 0x4f) {
          this.state = 'ss3';
        } else if (byte === ESC) {
          this.state = 'esc';
        } else {
          // ESC then a key (Alt-x): not one we know; dropped with its key.
          this.state = 'text';
        }
        return;
      case 'ss3': {
        this.state = 'text';
        const key = CURSOR_FINALS[String.fromCharCode(byte)];
        if (key) keys.push({ name: key });
        return;
      }
      case 'csi':
        if (byte >= 0x20 && byte <= 0x3f) {
          // Past the limit the sequence is still swallowed up to its final byte, but never matches.
          if (this.sequence.length <= MAX_SEQUENCE) this.sequence += String.fromCharCode(byte);
          return;
        }
        this.state = 'text';
        if (byte >= 0x40 && byte <= 0x7e) {
          const key = csiKey(this.sequence, String.fromCharCode(byte));
          if (key) keys.push({ name: key });
          return;
        }
        // A control byte inside a sequence: the sequence was cut off; the byte counts.
        break;
      case 'text':
        break;
    }
    if (byte === ESC) {
      this.state = 'esc';
      return;
    }
    if (byte === 0x0d) {
      this.afterCr = true;
      keys.push({ name: 'enter' });
      return;
    }
    if (byte === 0x0a) {
      if (!afterCr) keys.push({ name: 'enter' });
      return;
    }
    if (byte >= 0x20 && byte < 0x7f) {
      keys.push({ name: 'char', char: String.fromCharCode(byte) });
      return;
    }
    const control = CONTROL_KEYS[byte];
    if (control) {
      keys.push({ name: control });
      return;
    }
    const continuations = utf8Continuations(byte);
    if (continuations !== undefined) {
      this.utf8 = [byte];
      this.utf8Missing = continuations;
    }
  }
}
