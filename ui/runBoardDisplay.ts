import blessed from 'blessed';
import type { Clock } from '../src/core/clock.js';
import type { Language } from './Language.js';
import { MIN_DISPLAY } from './ScreenView.js';
import { ttyStreams } from './ttyStreams.js';
import { TerminalDisplay, type ScreenSource, type StatusSource } from './TerminalDisplay.js';

export interface BoardDisplayOptions {
  screens: ScreenSource;
  status: StatusSource;
  /** The language to show (after `chooseDisplayLanguage`). */
  language: Language;
  clock: Clock;
  timeZone?: string | undefined;
  /** The tty to draw on; default this process's stdin/stdout. */
  input?: NodeJS.ReadableStream | undefined;
  output?: NodeJS.WritableStream | undefined;
}

/** The display on the board, and the buzzer it stands for. */
export interface BoardDisplay {
  /** Rings the console bell: the terminal's buzzer where the board has none of its own. */
  beep(): void;
  /** Leaves the terminal as it found it. Idempotent. */
  close(): void;
}

/**
 * The cashier's display on the board: the whole console (tty1 inside kmscon or fbterm, or
 * any terminal) is the terminal's screen, at least 40×16. Keys do not come from here: on the
 * board they come from the keypad driver, so this reads no input beyond what blessed needs
 * to manage the terminal.
 */
export function runBoardDisplay(options: BoardDisplayOptions): BoardDisplay {
  const screen = blessed.screen({
    ...ttyStreams(options.input, options.output),
    fullUnicode: true,
    smartCSR: true,
    warnings: false,
    autoPadding: false,
    title: 'ComboPay',
  });
  const size = {
    columns: Math.max(MIN_DISPLAY.columns, Number(screen.width)),
    rows: Math.max(MIN_DISPLAY.rows, Number(screen.height)),
  };
  const display = new TerminalDisplay({
    parent: screen,
    size,
    screens: options.screens,
    status: options.status,
    language: options.language,
    clock: options.clock,
    timeZone: options.timeZone,
    onPaint: () => screen.render(),
  });
  let closed = false;
  return {
    beep: () => screen.program.bell(),
    close() {
      if (closed) return;
      closed = true;
      display.close();
      screen.destroy();
    },
  };
}
