import type { Messages } from '../i18n/Messages.js';
import { moneyText } from '../i18n/moneyText.js';
import type { BodyLine } from '../layout/fitLines.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft, ScreenOf } from './ScreenDraft.js';
import { centered, hint, keyedEntryDraft, labelled, SPACER } from './screenParts.js';
import { digitEntry, passwordMask, REFERENCE_DIGITS, TRACE_DIGITS } from './secretMask.js';

/** The supervisor password before a void or refund: its length as `*`, never its digits. */
export function supervisorScreen(
  screen: ScreenOf<'supervisor'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  return keyedEntryDraft(
    {
      title: messages.transactions[screen.for],
      prompt: messages.supervisor.prompt,
      entry: passwordMask(screen.length),
      notice: screen.notice,
    },
    context,
    messages,
  );
}

/** The trace number of the sale to void, as keyed, `_` for the digits still to come. */
export function voidTraceScreen(
  screen: ScreenOf<'voidTrace'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  return keyedEntryDraft(
    {
      title: messages.transactions.void,
      prompt: messages.voidTrace.prompt,
      entry: digitEntry(screen.digits, TRACE_DIGITS),
      notice: screen.notice,
      ok: 'find',
    },
    context,
    messages,
  );
}

/** The 12-digit reference of the sale to refund, in groups of four for reading back. */
export function refundReferenceScreen(
  screen: ScreenOf<'refundReference'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  return keyedEntryDraft(
    {
      title: messages.transactions.refund,
      prompt: messages.refundReference.prompt,
      entry: digitEntry(screen.digits, REFERENCE_DIGITS, 4),
      notice: screen.notice,
    },
    context,
    messages,
  );
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
