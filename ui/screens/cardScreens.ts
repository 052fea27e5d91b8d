import type { Messages } from '../i18n/Messages.js';
import type { BodyLine } from '../layout/fitLines.js';
import { padBlock } from '../layout/spreadLine.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft, ScreenOf } from './ScreenDraft.js';
import { centered, hint, outcomeText, SPACER } from './screenParts.js';

/**
 * The menu: the transactions numbered by the keys that pick them (1 sale … 6 reprint, the
 * flow's order), as one left-aligned block centred on the display; and, after a tap from
 * idle, that the phone is already read.
 */
export function menuScreen(
  screen: ScreenOf<'menu'>,
  _context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const lines: BodyLine[] = [];
  if (screen.cardPresent) {
    lines.push(centered(messages.menu.phoneRead, { color: 'green' }), SPACER);
  }
  const items = padBlock(
    screen.items.map((item, index) => `${index + 1} ${messages.transactions[item]}`),
  );
  lines.push(...items.map((item) => centered(item, { bold: true })));
  return {
    title: messages.menu.title,
    lines,
    hints: [`1-${screen.items.length} ${messages.hints.choose}`, hint(messages, 'CANCEL', 'back')],
    tone: 'input',
  };
}

/** Waiting for the phone of a sale or balance inquiry chosen before any tap. */
export function tapCardScreen(
  screen: ScreenOf<'tapCard'>,
  _context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { tapCard } = messages;
  return {
    title: screen.for === undefined ? tapCard.title : messages.transactions[screen.for],
    lines: [SPACER, centered(tapCard.tapPhone, { bold: true }), centered(tapCard.holdPhone)],
    hints: [hint(messages, 'CANCEL', 'cancel')],
    tone: 'input',
  };
}

/** The phone could not be read: why, and that a new tap tries again. */
export function cardErrorScreen(
  screen: ScreenOf<'cardError'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { cardError } = messages;
  return {
    title: cardError.title,
    lines: [
      SPACER,
      centered(outcomeText(screen.outcome, cardError.noReason, context), { color: 'red' }),
      SPACER,
      centered(cardError.tapAgain),
    ],
    hints: [hint(messages, 'OK', 'back')],
    tone: 'error',
  };
}
