import { displayWidth } from '../src/core/displayWidth.js';
import { timeText } from './i18n/dateTimeText.js';
import { messagesFor } from './i18n/messagesFor.js';
import type { Language } from './Language.js';
import { truncateToWidth } from './layout/truncateToWidth.js';
import type { TerminalStatus } from './TerminalStatus.js';

/** What the status bar is laid out for. */
export interface StatusBarContext {
  language: Language;
  columns: number;
  /** IANA zone of the clock; default the process's zone. */
  timeZone?: string | undefined;
}

/** Signal bars the picture has slots for. */
export const SIGNAL_SLOTS = 5;

/** `###..`: one `#` per bar out of five, ASCII so it is one column wide on every console. */
export function signalBars(bars: number): string {
  const filled = Math.min(SIGNAL_SLOTS, Math.max(0, Math.round(bars)));
  return '#'.repeat(filled) + '.'.repeat(SIGNAL_SLOTS - filled);
}

interface Part {
  /** Forms from the longest to the shortest. */
  forms: readonly string[];
  /** Parts with the lowest rank go first when the bar is too narrow. */
  rank: number;
  side: 'left' | 'right';
}

// Problems outrank everything: they are what the cashier must see, in words. Then the clock,
// the signal, the host and paper when fine, and last the terminal id, which never changes.
const RANK = { problem: 6, clock: 5, signal: 4, host: 3, paper: 2, terminalId: 1 } as const;

function partsOf(status: TerminalStatus, context: StatusBarContext): Part[] {
  const texts = messagesFor(context.language).status;
  const parts: Part[] = [];
  if (status.signal !== undefined) {
    parts.push(
      status.signal.registered
        ? { forms: texts.signal(signalBars(status.signal.bars)), rank: RANK.signal, side: 'left' }
        : { forms: texts.noNetwork, rank: RANK.problem, side: 'left' },
    );
  }
  parts.push({
    forms: texts.host[status.host],
    rank: status.host === 'down' ? RANK.problem : RANK.host,
    side: 'left',
  });
  if (status.paper !== 'unknown') {
    parts.push({
      forms: texts.paper[status.paper],
      rank: status.paper === 'ok' ? RANK.paper : RANK.problem,
      side: 'left',
    });
  }
  parts.push(
    { forms: [status.terminalId], rank: RANK.terminalId, side: 'right' },
    { forms: [timeText(status.now, context)], rank: RANK.clock, side: 'right' },
  );
  return parts;
}

function widthOf(parts: readonly { text: string }[]): number {
  // One space between neighbours (at least one more between the two sides, counted here too).
  return parts.reduce((sum, part) => sum + displayWidth(part.text), 0) + parts.length - 1;
}

/**
 * The status bar: modem signal (`###..`, or "no network" in words; nothing without a modem),
 * host link, paper (nothing for a printer that cannot tell), terminal id and clock `HH:MM`, in
 * the context's language, padded to exactly `columns` display columns with the terminal id and
 * the clock on the right. Every problem is in words, never only a colour. At 40 columns every
 * part fits in both languages; narrower, parts take their short forms and then the least
 * important go (terminal id first, problems last).
 */
export function renderStatusBar(status: TerminalStatus, context: StatusBarContext): string {
  const { columns } = context;
  const chosen = partsOf(status, context).map((part) => ({ ...part, form: 0 }));
  const shown = () => chosen.map((part) => ({ ...part, text: part.forms[part.form] ?? '' }));
  const byRank = () => [...chosen].sort((a, b) => a.rank - b.rank);
  for (const part of byRank()) {
    if (widthOf(shown()) <= columns) break;
    part.form = part.forms.length - 1;
  }
  while (chosen.length > 1 && widthOf(shown()) > columns) {
    const lowest = byRank()[0];
    if (lowest === undefined) break;
    chosen.splice(chosen.indexOf(lowest), 1);
  }
  const parts = shown();
  const left = parts
    .filter((part) => part.side === 'left')
    .map((part) => part.text)
    .join(' ');
  const right = parts
    .filter((part) => part.side === 'right')
    .map((part) => part.text)
    .join(' ');
  const line =
    left === '' || right === ''
      ? left + right
      : left + ' '.repeat(Math.max(1, columns - displayWidth(left) - displayWidth(right))) + right;
  // Only a single part wider than the whole bar is cut; everything else was made to fit.
  const text = truncateToWidth(line, columns, '');
  return text + ' '.repeat(Math.max(0, columns - displayWidth(text)));
}
