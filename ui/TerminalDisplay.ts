import blessed from 'blessed';
import type { Clock, TimerHandle } from '../src/core/clock.js';
import { displayWidth, wrapToWidth } from '../src/core/displayWidth.js';
import type { Screen } from '../src/terminal/flow/screenOf.js';
import type { Language } from './Language.js';
import type { BasicColor, DisplaySize, ScreenView, ViewLine, ViewTone } from './ScreenView.js';
import { FRAME_ROWS } from './ScreenView.js';
import { renderScreen } from './screens/renderScreen.js';
import { renderStatusBar } from './statusBar.js';
import type { TerminalStatus } from './TerminalStatus.js';

/** What the display shows: the flow's screens. `Terminal` from createTerminal fits. */
export interface ScreenSource {
  screen(): Screen;
  onScreen(listener: (screen: Screen) => void): () => void;
}

/** What the status bar shows. `StatusMonitor` fits. */
export interface StatusSource {
  current(): TerminalStatus;
  onChange(listener: (status: TerminalStatus) => void): () => void;
}

export interface TerminalDisplayOptions {
  /** The blessed element the display draws into; it must be `size` big. */
  parent: blessed.Widgets.Node;
  /** Where inside the parent; default the top left corner. */
  top?: number;
  left?: number;
  size: DisplaySize;
  screens: ScreenSource;
  status: StatusSource;
  language: Language;
  /** The flow's clock: the countdowns and the status bar's time read it. */
  clock: Clock;
  /** IANA zone for the clock and lock times; default the process's zone. */
  timeZone?: string | undefined;
  /** Called after each paint, so the caller can `render()` its blessed screen. */
  onPaint: () => void;
}

const TONE_COLOR: Readonly<Record<ViewTone, BasicColor>> = {
  info: 'cyan',
  input: 'blue',
  wait: 'yellow',
  success: 'green',
  error: 'red',
};

/** `text` padded with spaces to exactly `width` columns (cut at a character if wider). */
export function padToWidth(text: string, width: number, align: ViewLine['align']): string {
  let fitted = text;
  if (displayWidth(fitted) > width) fitted = wrapToWidth(fitted, width)[0] ?? '';
  const room = width - displayWidth(fitted);
  const before = align === 'center' ? Math.floor(room / 2) : align === 'right' ? room : 0;
  return ' '.repeat(before) + fitted + ' '.repeat(room - before);
}

/** The hints that fit one row, in order, two spaces apart. */
export function hintsRow(hints: readonly string[], width: number): string {
  let row = '';
  for (const hint of hints) {
    const next = row === '' ? hint : `${row}  ${hint}`;
    if (displayWidth(next) > width) break;
    row = next;
  }
  return row;
}

/** One row of the display: its text as shown, and the same with blessed's style tags. */
export interface DisplayRow {
  text: string;
  tagged: string;
}

/** `text` with the given blessed styles around it; braces in the text are shown, not obeyed. */
function styled(text: string, ...styles: string[]): DisplayRow {
  let tagged = blessed.escape(text);
  for (const style of styles) tagged = `{${style}}${tagged}{/${style}}`;
  return { text, tagged };
}

/**
 * The rows of a screen: status bar (inverse), title (coloured by tone), the body padded to its
 * rows, the hints. Every row is exactly `size.columns` wide by display width, so Chinese text
 * cannot push the layout out of line.
 */
export function composeRows(view: ScreenView, statusBar: string, size: DisplaySize): DisplayRow[] {
  const width = size.columns;
  const bodyRows = size.rows - FRAME_ROWS;
  const rows = [
    styled(padToWidth(statusBar, width, 'left'), 'inverse'),
    styled(
      padToWidth(view.title, width, 'center'),
      'bold',
      'white-fg',
      `${TONE_COLOR[view.tone]}-bg`,
    ),
  ];
  for (let index = 0; index < bodyRows; index += 1) {
    const line = view.lines[index];
    if (line === undefined) {
      rows.push(styled(' '.repeat(width)));
      continue;
    }
    const styles = [...(line.bold ? ['bold'] : []), ...(line.color ? [`${line.color}-fg`] : [])];
    rows.push(styled(padToWidth(line.text, width, line.align), ...styles));
  }
  rows.push(styled(padToWidth(hintsRow(view.hints, width), width, 'left'), 'bold'));
  return rows;
}

/**
 * The terminal's display: paints the flow's current screen and the status bar into a blessed
 * box, again on every new screen, every status change and every second (clock, countdowns).
 * Pure presentation: what to show comes from `renderScreen`; nothing here decides anything.
 */
export class TerminalDisplay {
  readonly #options: TerminalDisplayOptions;
  readonly #box: blessed.Widgets.BoxElement;
  readonly #unsubscribe: (() => void)[] = [];
  #tick: { handle: TimerHandle } | undefined;
  #closed = false;
  #lastRows: string[] = [];

  constructor(options: TerminalDisplayOptions) {
    this.#options = options;
    this.#box = blessed.box({
      parent: options.parent,
      top: options.top ?? 0,
      left: options.left ?? 0,
      width: options.size.columns,
      height: options.size.rows,
      tags: true,
      wrap: false,
    });
    this.#unsubscribe.push(
      options.screens.onScreen(() => this.paint()),
      options.status.onChange(() => this.paint()),
    );
    this.paint();
    this.#scheduleTick();
  }

  /** The text rows now shown, without colour tags (for logs and tests). */
  get rows(): readonly string[] {
    return this.#lastRows;
  }

  /** Paints the current screen and status now. */
  paint(): void {
    if (this.#closed) return;
    const { size, language, clock, timeZone } = this.#options;
    const view = renderScreen(this.#options.screens.screen(), {
      language,
      now: clock.now(),
      size,
      timeZone,
    });
    const status = renderStatusBar(this.#options.status.current(), {
      language,
      columns: size.columns,
      timeZone,
    });
    const rows = composeRows(view, status, size);
    this.#lastRows = rows.map((row) => row.text);
    this.#box.setContent(rows.map((row) => row.tagged).join('\n'));
    this.#options.onPaint();
  }

  /** Stops repainting and removes the box. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    if (this.#tick !== undefined) this.#options.clock.clearTimeout(this.#tick.handle);
    this.#box.detach();
  }

  #scheduleTick(): void {
    const { clock } = this.#options;
    // On the second boundary, so the clock and a countdown change together.
    const delay = 1_000 - (clock.now() % 1_000);
    this.#tick = {
      handle: clock.setTimeout(() => {
        this.paint();
        if (!this.#closed) this.#scheduleTick();
      }, delay),
    };
  }
}
