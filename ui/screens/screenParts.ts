import type { Money } from '../../src/core/money.js';
import type { Notice } from '../../src/terminal/flow/flowTypes.js';
import type { HintAction, Messages } from '../i18n/Messages.js';
import { amountDigits, moneyText } from '../i18n/moneyText.js';
import { reasonText } from '../i18n/reasonText.js';
import type { BodyLine } from '../layout/fitLines.js';
import { spreadLine } from '../layout/spreadLine.js';
import { MIN_DISPLAY, type BasicColor } from '../ScreenView.js';
import { bigDigits, bigDigitsWidth } from './bigDigits.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft } from './ScreenDraft.js';

// Pieces several screen families share: hints, centred text, label/value lines, amounts,
// reasons.

/** A blank line that goes first when the body is short of rows. */
export const SPACER: BodyLine = { spacer: true };

/** A key hint: the key cap and what it does (`OK 确认`, `CANCEL quit`). */
export function hint(messages: Messages, key: keyof Messages['keys'], action: HintAction): string {
  return `${messages.keys[key]} ${messages.hints[action]}`;
}

/** The hint for the two editing keys together, so the common hints fit a 40-column row. */
export function editHint(messages: Messages): string {
  return `${messages.keys.BACKSPACE}/${messages.keys.CLEAR} ${messages.hints.edit}`;
}

/** A centred line. */
export function centered(
  text: string,
  style: { bold?: boolean; color?: BasicColor } = {},
): BodyLine {
  return { text, align: 'center', ...style };
}

/**
 * The width of label/value lines: the whole display up to 40 columns, so that on a wider
 * display the figures stay together in a centred block instead of drifting to both edges.
 */
export function blockWidth(context: RenderContext): number {
  return Math.min(context.size.columns, MIN_DISPLAY.columns);
}

/** `label` on the left and `value` on the right of the centred block. */
export function labelled(
  label: string,
  value: string,
  context: RenderContext,
  style: { bold?: boolean; color?: BasicColor } = {},
): BodyLine {
  return centered(spreadLine(label, value, blockWidth(context)), style);
}

/**
 * An amount in large digits when they fit the display's width, with the currency and amount
 * as text below them (`人民币 ¥12.50`); only that text when the large digits do not fit.
 */
export function bigAmount(
  amount: Money,
  messages: Messages,
  context: RenderContext,
  color?: BasicColor,
): BodyLine[] {
  const digits = amountDigits(amount);
  const style = color === undefined ? { bold: true } : { bold: true, color };
  const words = centered(`${messages.currencies[amount.currency]} ${moneyText(amount)}`, style);
  if (bigDigitsWidth(digits) > context.size.columns) return [words];
  return [...bigDigits(digits).map((row) => centered(row, style)), words];
}

/**
 * The reason for a notice on an input screen, in yellow: the keyed entry is still there and
 * can be fixed. `CODE_RESENT` is good news and keeps the default colour.
 */
export function noticeLines(notice: Notice | undefined, context: RenderContext): BodyLine[] {
  if (notice === undefined) return [];
  const text = reasonText(notice, context);
  return [notice.code === 'CODE_RESENT' ? centered(text) : centered(text, { color: 'yellow' })];
}

/** The reason on a result screen, or the screen's own sentence when the flow gave none. */
export function outcomeText(
  outcome: Notice | undefined,
  fallback: string,
  context: RenderContext,
): string {
  return outcome === undefined ? fallback : reasonText(outcome, context);
}

/**
 * A screen where the customer or cashier keys something: a prompt, what was keyed so far (a
 * mask or digits, bold) and the notice, with the hints every such screen has (OK does `ok`,
 * CANCEL, the edit keys). `before` goes above the prompt (the amount it is for).
 */
export function keyedEntryDraft(
  parts: {
    title: string;
    prompt: string;
    entry: string;
    notice: Notice | undefined;
    ok?: HintAction;
    before?: BodyLine[];
  },
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  return {
    title: parts.title,
    lines: [
      ...(parts.before ?? []),
      SPACER,
      centered(parts.prompt),
      centered(parts.entry, { bold: true }),
      SPACER,
      ...noticeLines(parts.notice, context),
    ],
    hints: [
      hint(messages, 'OK', parts.ok ?? 'confirm'),
      hint(messages, 'CANCEL', 'cancel'),
      editHint(messages),
    ],
    tone: 'input',
  };
}
