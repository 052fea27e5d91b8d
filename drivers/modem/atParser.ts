/**
 * Pure parsing of a modem's AT byte stream (3GPP TS 27.007 / 27.005): lines, final result
 * codes, unsolicited result codes (URCs), the echo of the command in flight and the `> ` prompt.
 *
 * The parser knows which command is in flight ({@link AtParser.begin}), because the same line
 * can mean two things: `+CREG: 0,1` answers `AT+CREG?` but is unsolicited at any other time.
 * It forgets the command by itself when its final result code arrives.
 */

/** How a command ended. `code` is the numeric error of `+CME`/`+CMS ERROR: <n>` (AT+CMEE=1). */
export interface AtFinal {
  readonly kind: AtFinalKind;
  /** The line as received, e.g. `+CME ERROR: SIM not inserted`. */
  readonly text: string;
  /** Numeric `+CME`/`+CMS` error code, when the modem sent a number. */
  readonly code?: number;
  /** Verbose `+CME`/`+CMS` error text (AT+CMEE=2), when the modem sent one. */
  readonly message?: string;
}

export type AtFinalKind =
  'ok' | 'error' | 'cme-error' | 'cms-error' | 'no-carrier' | 'busy' | 'no-answer' | 'no-dialtone';

/** One thing the parser recognised in the stream, in order of arrival. */
export type AtEvent =
  /** The modem echoed the command (or the prompt's payload) back: echo is on (ATE1). */
  | { readonly type: 'echo'; readonly text: string }
  /** An information line of the command in flight. */
  | { readonly type: 'info'; readonly text: string }
  /** The command in flight ended; the parser no longer has a command in flight. */
  | { readonly type: 'final'; readonly final: AtFinal }
  /** An unsolicited result code; `lines` has the header and, for two-line URCs, the body. */
  | { readonly type: 'urc'; readonly lines: readonly string[] }
  /** The modem waits for the payload (`> `, after AT+CMGS / AT+CMGW). */
  | { readonly type: 'prompt' }
  /** A line that fits nothing (noise, a URC not in the set) while no command was in flight. */
  | { readonly type: 'noise'; readonly text: string };

/** URC prefixes recognised by default: network registration, signal, calls, SMS. */
export const DEFAULT_URC_PREFIXES: readonly string[] = [
  '+CREG:',
  '+CGREG:',
  '+CEREG:',
  '+C5GREG:',
  '+CSQ:',
  'RING',
  '+CRING:',
  '+CLIP:',
  '+CMTI:',
  '+CMT:',
  '+CDSI:',
  '+CDS:',
  '+CBM:',
  '+CUSD:',
  '+CPIN:',
  '+CIEV:',
  '^SYSSTART',
  'RDY',
];

/** URCs followed by a second line that belongs to them (the PDU of an SMS or a report). */
export const DEFAULT_TWO_LINE_URC_PREFIXES: readonly string[] = ['+CMT:', '+CDS:', '+CBM:'];

export interface AtParserOptions {
  /** Line starts that mark a URC (default {@link DEFAULT_URC_PREFIXES}). */
  readonly urcPrefixes?: readonly string[];
  /** URC starts whose next line is part of the URC (default {@link DEFAULT_TWO_LINE_URC_PREFIXES}). */
  readonly twoLineUrcPrefixes?: readonly string[];
}

/** What {@link AtParser.begin} needs to know about the command just written. */
export interface AtCommandInFlight {
  /** The command line as written, without its CR (e.g. `AT+CSQ`). */
  readonly command: string;
  /**
   * The text sent after the `> ` prompt, when there is one: its echo is recognised, and a
   * `>` alone (no space) counts as the prompt.
   */
  readonly payload?: string;
}

const FINALS: readonly (readonly [string, AtFinalKind])[] = [
  ['OK', 'ok'],
  ['ERROR', 'error'],
  ['NO CARRIER', 'no-carrier'],
  ['BUSY', 'busy'],
  ['NO ANSWER', 'no-answer'],
  ['NO DIALTONE', 'no-dialtone'],
];

const EXTENDED_ERROR = /^\+(CME|CMS) ERROR:\s*(.*)$/;

/**
 * Parses a final result code line; `undefined` when `line` is not one. Numeric forms (`0`, `4`)
 * of ATV0 are not recognised: the driver always runs with verbose results (ATV1, the default).
 */
export function parseFinal(line: string): AtFinal | undefined {
  for (const [text, kind] of FINALS) if (line === text) return { kind, text: line };
  const match = EXTENDED_ERROR.exec(line);
  if (!match) return undefined;
  const kind = match[1] === 'CME' ? 'cme-error' : 'cms-error';
  const detail = (match[2] ?? '').trim();
  if (/^\d+$/.test(detail)) return { kind, text: line, code: Number(detail) };
  return { kind, text: line, message: detail };
}

/**
 * The name a command's information lines start with: `+CSQ` for `AT+CSQ`, `+CREG` for
 * `AT+CREG?` or `AT+CREG=2`, `^SYSINFO` for `AT^SYSINFO`; `undefined` for basic commands (ATE0).
 */
export function commandName(command: string): string | undefined {
  const match = /^AT([+^$%#*!][A-Z0-9]+)/i.exec(command.trim());
  return match?.[1]?.toUpperCase();
}

/**
 * Splits bytes into lines and the prompt; stateful only for the unfinished line. Bytes outside
 * printable ASCII (except CR and LF, which end lines) are dropped: AT replies are ASCII in the
 * character sets the driver uses (IRA, GSM as hex, UCS2 as hex), and line noise on a serial
 * link is what the other bytes are.
 */
export class AtLineSplitter {
  #partial = '';

  /**
   * Adds bytes; returns the complete lines (trimmed, empty ones left out) and prompts in order.
   * `promptExpected` also accepts a `>` alone (some modems send no space after it).
   */
  push(bytes: Uint8Array, promptExpected: boolean): ({ line: string } | { prompt: true })[] {
    const out: ({ line: string } | { prompt: true })[] = [];
    for (const byte of bytes) {
      if (byte === 0x0d || byte === 0x0a) {
        const line = this.#partial.trim();
        this.#partial = '';
        if (line !== '') out.push({ line });
        continue;
      }
      if (byte < 0x20 || byte > 0x7e) continue;
      this.#partial += String.fromCharCode(byte);
      if (this.#partial === '> ' || (promptExpected && this.#partial === '>')) {
        this.#partial = '';
        out.push({ prompt: true });
      }
    }
    return out;
  }

  /** Forgets the unfinished line (after a reconnect, say). */
  reset(): void {
    this.#partial = '';
  }
}

/**
 * The AT stream parser: {@link begin} before writing a command, {@link push} every chunk read;
 * it returns the events in order. After a `final` event no command is in flight.
 */
export class AtParser {
  readonly #splitter = new AtLineSplitter();
  readonly #urcPrefixes: readonly string[];
  readonly #twoLinePrefixes: readonly string[];
  #inFlight: AtCommandInFlight | undefined;
  #inFlightName: string | undefined;
  /** A two-line URC waiting for its second line. */
  #urcHeader: string | undefined;

  constructor(options: AtParserOptions = {}) {
    this.#urcPrefixes = options.urcPrefixes ?? DEFAULT_URC_PREFIXES;
    this.#twoLinePrefixes = options.twoLineUrcPrefixes ?? DEFAULT_TWO_LINE_URC_PREFIXES;
  }

  /** The command in flight, if any. */
  get inFlight(): AtCommandInFlight | undefined {
    return this.#inFlight;
  }

  /** Marks `command` as in flight: its echo and information lines are recognised as such. */
  begin(command: AtCommandInFlight): void {
    this.#inFlight = command;
    this.#inFlightName = commandName(command.command);
  }

  /** Forgets the command in flight (it timed out); late replies become noise. */
  abort(): void {
    this.#inFlight = undefined;
    this.#inFlightName = undefined;
  }

  /** Forgets everything, also an unfinished line (the link was reopened). */
  reset(): void {
    this.abort();
    this.#urcHeader = undefined;
    this.#splitter.reset();
  }

  push(bytes: Uint8Array): AtEvent[] {
    const events: AtEvent[] = [];
    const promptExpected = this.#inFlight?.payload !== undefined;
    for (const token of this.#splitter.push(bytes, promptExpected)) {
      if ('prompt' in token) {
        events.push({ type: 'prompt' });
        continue;
      }
      const event = this.#classify(token.line);
      if (event) events.push(event);
    }
    return events;
  }

  /** The event `line` makes; `undefined` for the first line of a two-line URC. */
  #classify(line: string): AtEvent | undefined {
    const header = this.#urcHeader;
    if (header !== undefined) {
      this.#urcHeader = undefined;
      return { type: 'urc', lines: [header, line] };
    }
    const inFlight = this.#inFlight;
    if (inFlight && isEcho(line, inFlight)) return { type: 'echo', text: line };
    const final = parseFinal(line);
    if (final) {
      if (inFlight) {
        this.abort();
        return { type: 'final', final };
      }
      // A call or data connection ending is news; a late OK or ERROR of a timed-out command is not.
      return isResultOfCommand(final)
        ? { type: 'noise', text: line }
        : { type: 'urc', lines: [line] };
    }
    const name = this.#inFlightName;
    const answersCommand = name !== undefined && line.toUpperCase().startsWith(`${name}:`);
    if (!answersCommand && this.#isUrc(line)) {
      if (this.#twoLinePrefixes.some((prefix) => line.startsWith(prefix))) {
        this.#urcHeader = line;
        return undefined;
      }
      return { type: 'urc', lines: [line] };
    }
    if (inFlight) return { type: 'info', text: line };
    return { type: 'noise', text: line };
  }

  #isUrc(line: string): boolean {
    return this.#urcPrefixes.some((prefix) => line.startsWith(prefix));
  }
}

function isResultOfCommand(final: AtFinal): boolean {
  return ['ok', 'error', 'cme-error', 'cms-error'].includes(final.kind);
}

function isEcho(line: string, inFlight: AtCommandInFlight): boolean {
  if (line.toUpperCase() === inFlight.command.trim().toUpperCase()) return true;
  return line === inFlight.payload?.trim();
}

/** True when `text` has a control character (CR, LF, Ctrl-Z, ESC…): it is not one AT line. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
