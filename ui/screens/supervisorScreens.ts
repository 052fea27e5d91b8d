import type { Messages } from '../i18n/Messages.js';
import { moneyText } from '../i18n/moneyText.js';
import type { BodyLine } from '../layout/fitLines.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft, ScreenOf } from './ScreenDraft.js';
import { centered, editHint, hint, labelled, noticeLines, SPACER } from './screenParts.js';
import { digitEntry, passwordMask, REFERENCE_DIGITS, TRACE_DIGITS } from './secretMask.js';

/** The supervisor password before a void or refund: its length as `*`, never its digits. */
export function supervisorScreen(
  screen: ScreenOf<'supervisor'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  return {
    title: messages.transactions[screen.for],
    lines: [
      SPACER,
      centered(messages.supervisor.prompt),
      centered(passwordMask(screen.length), { bold: true }),
      SPACER,
      ...noticeLines(screen.notice, context),
    ],
    hints: [
      hint(messages, 'OK', 'confirm'),
      hint(messages, 'CANCEL', 'cancel'),
      editHint(messages),
    ],
    tone: 'input',
  };
}

/** The trace number of the sale to void, as keyed, `_` for the digits still to come. */
export function voidTraceScreen(
  screen: ScreenOf<'voidTrace'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  return {
    title: messages.transactions.void,
    lines: [
      SPACER,
      centered(messages.voidTrace.prompt),
      centered(digitEntry(screen.digits, TRACE_DIGITS), { bold: true }),
      SPACER,
      ...noticeLines(screen.notice, context),
    ],
    hints: [hint(messages, 'OK', 'find'), hint(messages, 'CANCEL', 'cancel'), editHint(messages)],
    tone: 'input',
  };
}

/** The 12-digit reference of the sale to refund, in groups of four for reading back. */
export function refundReferenceScreen(
  screen: ScreenOf<'refundReference'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  return {
    title: messages.transactions.refund,
    lines: [
      SPACER,
      centered(messages.refundReference.prompt),
      centered(digitEntry(screen.digits, REFERENCE_DIGITS, 4), { bold: true }),
      SPACER,
      ...noticeLines(screen.notice, context),
    ],
    hints: [
      hint(messages, 'OK', 'confirm'),
      hint(messages, 'CANCEL', 'cancel'),
      editHint(messages),
    ],
    tone: 'input',
  };
}

/** The sale found by its trace, for the cashier to check before OK voids it. */
export function voidConfirmScreen(
  screen: ScreenOf<'voidConfirm'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { original } = screen;
  const { labels } = messages;
  const lines: BodyLine[] = [
    centered(messages.voidConfirm.question, { bold: true }),
    SPACER,
    labelled(labels.trace, original.trace, context),
    labelled(labels.amount, moneyText(original.amount), context, { bold: true }),
  ];
  if (original.authCode !== undefined) {
    lines.push(labelled(labels.authCode, original.authCode, context));
  }
  if (original.reference !== undefined) {
    lines.push(labelled(labels.reference, original.reference, context));
  }
  return {
    title: messages.transactions.void,
    lines,
    hints: [hint(messages, 'OK', 'voidIt'), hint(messages, 'CANCEL', 'cancel')],
    tone: 'input',
  };
}
