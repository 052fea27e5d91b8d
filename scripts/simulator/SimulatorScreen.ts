import blessed from 'blessed';
import type { Clock } from '../../src/core/clock.js';
import { displayWidth, wrapToWidth } from '../../src/core/displayWidth.js';
import type { Key } from '../../drivers/keypad/Keypad.js';
import { ttyStreams } from '../../ui/ttyStreams.js';
import { simTexts } from '../../ui/i18n/simTexts.js';
import { pcKeyAction } from '../../ui/keymap.js';
import type { Language } from '../../ui/Language.js';
import { MIN_DISPLAY, type DisplaySize } from '../../ui/ScreenView.js';
import { TerminalDisplay, type ScreenSource, type StatusSource } from '../../ui/TerminalDisplay.js';

/** One text on the customer's phone. */
export interface PhoneMessage {
  text: string;
  /** When it arrived, epoch ms. */
  at: number;
}

/** What the phone panel shows and does: the customer's side of the simulator. */
export interface PhonePanelSource {
  /** The customer's number as the phone shows it. */
  msisdn: string;
  messages(): readonly PhoneMessage[];
  onMessage(listener: (message: PhoneMessage) => void): () => void;
  /** The printed slips decoded to text lines, oldest first. */
  slips(): readonly (readonly string[])[];
  onSlip(listener: () => void): () => void;
  onReader(): boolean;
  onPhoneMove(listener: () => void): () => void;
  /** Puts the phone on the reader (afresh, if it lies there). */
  tapPhone(): void;
  /** Takes the phone off the reader. */
  pullPhone(): void;
}

export interface SimulatorScreenOptions {
  screens: ScreenSource;
  status: StatusSource;
  phone: PhonePanelSource;
  language: Language;
  clock: Clock;
  /** A key of the terminal's keypad, pressed by the PC keyboard. */
  press: (key: Key) => void;
  /** Ctrl-C. */
  quit: () => void;
  supervisorPassword: string;
  /** The technician console's password (`npm run pos-console`), shown beside the supervisor's. */
  technicianPassword: string;
  terminalId: string;
  size?: DisplaySize | undefined;
  input?: NodeJS.ReadableStream | undefined;
  output?: NodeJS.WritableStream | undefined;
}

function clockText(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/**
 * The demo passwords, on one line of the keymap box (40 columns: a second line would fall off
 * a 30-row window): the supervisor's (void, refund) and the technician console's.
 */
export function passwordsLine(language: Language, supervisor: string, technician: string): string {
  return language === 'en'
    ? `Supervisor ${supervisor} · console ${technician}`
    : `主管密码 ${supervisor} · 控制台 ${technician}`;
}

/** The inbox as lines `width` wide, newest at the bottom; each text under its arrival time. */
export function inboxLines(messages: readonly PhoneMessage[], width: number): string[] {
  const lines: string[] = [];
  for (const message of messages) {
    lines.push(`[${clockText(message.at)}]`);
    for (const paragraph of message.text.split('\n')) lines.push(...wrapToWidth(paragraph, width));
    lines.push('');
  }
  return lines;
}

/**
 * The simulator's window: the terminal's 40×16 display (exactly as on the board) with the PC
 * keyboard's keymap under it, and beside it the phone: its SMS inbox and the slips the printer
 * printed, decoded to text. The PC keyboard is the keypad; `t` taps the phone on the reader.
 */
export class SimulatorScreen {
  readonly #screen: blessed.Widgets.Screen;
  readonly #display: TerminalDisplay;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #options: SimulatorScreenOptions;
  readonly #inbox: blessed.Widgets.BoxElement;
  readonly #slips: blessed.Widgets.BoxElement;
  readonly #phoneBox: blessed.Widgets.BoxElement;
  #closed = false;

  constructor(options: SimulatorScreenOptions) {
    this.#options = options;
    const size = options.size ?? MIN_DISPLAY;
    const texts = simTexts(options.language);
    this.#screen = blessed.screen({
      ...ttyStreams(options.input, options.output),
      fullUnicode: true,
      forceUnicode: true,
      smartCSR: true,
      warnings: false,
      autoPadding: false,
      title: 'ComboPay simulator',
    });
    const frame = { type: 'line' as const };
    const terminalBox = blessed.box({
      parent: this.#screen,
      top: 0,
      left: 0,
      width: size.columns + 2,
      height: size.rows + 2,
      border: frame,
      label: ` ComboPay ${options.terminalId} `,
    });
    this.#display = new TerminalDisplay({
      parent: terminalBox,
      // blessed places children from the parent's outer corner: step inside the border.
      top: 1,
      left: 1,
      size,
      screens: options.screens,
      status: options.status,
      language: options.language,
      clock: options.clock,
      onPaint: () => this.#render(),
    });
    const keymapLines = [
      ...texts.keymap,
      passwordsLine(options.language, options.supervisorPassword, options.technicianPassword),
    ];
    blessed.box({
      parent: this.#screen,
      top: size.rows + 2,
      left: 0,
      width: size.columns + 2,
      height: keymapLines.length + 2,
      border: frame,
      label: ` ${texts.keymapTitle} `,
      content: keymapLines.join('\n'),
      tags: false,
    });
    const right = size.columns + 3;
    this.#phoneBox = blessed.box({
      parent: this.#screen,
      top: 0,
      left: right,
      width: `100%-${String(right)}`,
      height: '50%',
      border: frame,
      tags: false,
    });
    this.#inbox = blessed.box({
      parent: this.#phoneBox,
      top: 1,
      left: 1,
      width: '100%-2',
      height: '100%-2',
      tags: false,
      scrollable: true,
    });
    this.#slips = blessed.box({
      parent: this.#screen,
      top: '50%',
      left: right,
      width: `100%-${String(right)}`,
      height: '50%',
      border: frame,
      label: ` ${texts.slipsTitle} `,
      tags: false,
      scrollable: true,
    });
    this.#unsubscribe.push(
      options.phone.onMessage(() => this.#paintPhone()),
      options.phone.onPhoneMove(() => this.#paintPhone()),
      options.phone.onSlip(() => this.#paintSlips()),
    );
    this.#screen.on('keypress', (_ch: string | undefined, key: { full?: string } | undefined) => {
      this.#onKey(key?.full ?? '');
    });
    this.#paintPhone();
    this.#paintSlips();
  }

  /** Rings the PC terminal's bell: the terminal's buzzer. */
  beep(): void {
    if (!this.#closed) this.#screen.program.bell();
  }

  /**
   * Restores the PC's terminal. With `ttyGone` (the terminal hung up) nothing is written to it:
   * the writes would only fail. Idempotent.
   */
  close(options: { ttyGone?: boolean } = {}): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#display.close();
    if (!options.ttyGone) this.#screen.destroy();
  }

  #onKey(name: string): void {
    const slipScroll = { pageup: -10, pagedown: 10 }[name];
    if (slipScroll !== undefined) {
      this.#slips.scroll(slipScroll);
      this.#render();
      return;
    }
    const action = pcKeyAction(name);
    if (action === undefined) return;
    if (action.kind === 'quit') this.#options.quit();
    else if (action.kind === 'tap') this.#options.phone.tapPhone();
    else if (action.kind === 'pull') this.#options.phone.pullPhone();
    else this.#options.press(action.key);
  }

  #paintPhone(): void {
    const { phone, language } = this.#options;
    const texts = simTexts(language);
    const where = phone.onReader() ? texts.phoneOnReader : texts.phoneAway;
    this.#phoneBox.setLabel(` ${texts.phoneTitle(phone.msisdn)} · ${where} `);
    const width = Math.max(20, Number(this.#inbox.width) - 1);
    const messages = phone.messages();
    const lines =
      messages.length === 0
        ? [texts.emptyInbox]
        : [`${texts.inboxTitle}:`, ...inboxLines(messages, width)];
    this.#inbox.setContent(lines.join('\n'));
    this.#inbox.setScrollPerc(100);
    this.#render();
  }

  #paintSlips(): void {
    const slips = this.#options.phone.slips();
    const texts = simTexts(this.#options.language);
    const latest = slips.at(-1);
    if (latest === undefined) {
      this.#slips.setContent(texts.noSlips);
    } else {
      const rule = '-'.repeat(Math.max(...latest.map((line) => displayWidth(line)), 10));
      this.#slips.setContent([`#${String(slips.length)}`, rule, ...latest, rule].join('\n'));
      this.#slips.setScroll(0);
    }
    this.#render();
  }

  #render(): void {
    if (!this.#closed) this.#screen.render();
  }
}
