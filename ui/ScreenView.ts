/**
 * A screen laid out for the display, as plain data: what `renderScreen` makes of the flow's
 * `Screen` and what the blessed display paints. Every string is already in the display's
 * language and already fits: no line is wider than the width it was rendered for, measured in
 * display columns (`displayWidth`: a Chinese character takes two), never in string length.
 */
export interface ScreenView {
  /** One line at the top, shown inverse: what this screen is ("消费", "Sale"). */
  title: string;
  /** The body, top to bottom. Never more lines than the body has rows. */
  lines: ViewLine[];
  /**
   * Key hints for the bottom row ("OK 确认", "CANCEL 取消"), most important first. The display
   * shows as many as fit on one row.
   */
  hints: string[];
  /** Sets the title bar's colour: how the cashier reads the screen at a glance. */
  tone: ViewTone;
}

/** `input`: waits for keys; `wait`: the terminal is busy; `success`/`error`: a result. */
export type ViewTone = 'info' | 'input' | 'wait' | 'success' | 'error';

/** The 8 basic colours every console can show. */
export type BasicColor =
  'black' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white';

export interface ViewLine {
  text: string;
  /** Default `left`. */
  align?: 'left' | 'center' | 'right';
  bold?: boolean;
  /** Foreground colour; the default colour when absent. Never the only cue: the text says it too. */
  color?: BasicColor;
}

/** The rows and columns of the display. The smallest supported is 40×16. */
export interface DisplaySize {
  columns: number;
  rows: number;
}

export const MIN_DISPLAY: Readonly<DisplaySize> = Object.freeze({ columns: 40, rows: 16 });

/**
 * Rows the frame takes around the body: the status bar, the title, the hints row. The body of
 * a `rows`-row display has `rows - FRAME_ROWS` lines.
 */
export const FRAME_ROWS = 3;
