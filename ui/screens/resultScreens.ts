import { ERROR_CODE_GROUPS, isErrorCode } from '../../src/core/errorCodes.js';
import type { Notice } from '../../src/terminal/flow/flowTypes.js';
import { dateTimeText } from '../i18n/dateTimeText.js';
import type { Messages } from '../i18n/Messages.js';
import { reasonText, resolutionOf } from '../i18n/reasonText.js';
import type { BodyLine } from '../layout/fitLines.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft, ScreenOf } from './ScreenDraft.js';
import { bigAmount, centered, hint, labelled, outcomeText, SPACER } from './screenParts.js';

/**
 * Approved: the amount in large green digits, the slip's references (trace, auth code,
 * reference), and the slip's printing: "printing…", or why it failed with OK to print again
 * (it also prints by itself once the printer is ready) and CANCEL to leave it for a reprint.
 */
export function approvedScreen(
  screen: ScreenOf<'approved'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { approval } = screen;
  const { labels } = messages;
  const lines: BodyLine[] = [
    ...bigAmount(approval.amount, messages, context, 'green'),
    SPACER,
    labelled(labels.trace, approval.trace, context),
  ];
  if (approval.authCode !== undefined) {
    lines.push(labelled(labels.authCode, approval.authCode, context));
  }
  if (approval.reference !== undefined) {
    lines.push(labelled(labels.reference, approval.reference, context));
  }
  lines.push(SPACER);
  let hints: string[];
  if (screen.printing) {
    lines.push(centered(messages.approved.printing));
    hints = [];
  } else if (screen.printError !== undefined) {
    lines.push(
      centered(reasonText({ code: screen.printError }, context), { color: 'yellow' }),
      centered(messages.approved.printsByItself),
    );
    hints = [hint(messages, 'OK', 'printAgain'), hint(messages, 'CANCEL', 'printLater')];
  } else {
    hints = [hint(messages, 'OK', 'done')];
  }
  return { title: messages.approved.titles[approval.type], lines, hints, tone: 'success' };
}

/** The balance of the phone's account, in large digits. */
export function balanceScreen(
  screen: ScreenOf<'balance'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  return {
    title: messages.balance.title,
    lines: [
      centered(messages.balance.label),
      SPACER,
      ...bigAmount(screen.balance, messages, context, 'green'),
    ],
    hints: [hint(messages, 'OK', 'done')],
    tone: 'success',
  };
}

/** True when nobody knows yet whether money moved: the cashier must not simply try again. */
function outcomeUnknown(outcome: Notice | undefined): boolean {
  const resolution = resolutionOf(outcome);
  if (resolution !== undefined) return resolution !== 'reversed';
  const code = outcome?.code;
  return isErrorCode(code) && ERROR_CODE_GROUPS[code] === 'outcome_unknown';
}

/**
 * Declined, in the reason's plain words (in red). When the outcome is unknown the title says
 * so and the words are yellow: it is a warning not to repeat, not a refusal.
 */
export function declinedScreen(
  screen: ScreenOf<'declined'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { declined } = messages;
  const unknown = outcomeUnknown(screen.outcome);
  return {
    title: unknown ? declined.unknownTitle : declined.title,
    lines: [
      SPACER,
      centered(outcomeText(screen.outcome, declined.noReason, context), {
        bold: true,
        color: unknown ? 'yellow' : 'red',
      }),
    ],
    hints: [hint(messages, 'OK', 'close')],
    tone: 'error',
  };
}

/** The account is locked: why, and when it unlocks, in the display's time zone. */
export function lockedScreen(
  screen: ScreenOf<'locked'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { locked } = messages;
  const until =
    screen.lockedUntil === undefined ? undefined : dateTimeText(screen.lockedUntil, context);
  const when =
    until === undefined
      ? [centered(locked.later)]
      : [centered(locked.until), centered(until, { bold: true })];
  return {
    title: locked.title,
    lines: [SPACER, centered(locked.why, { color: 'red' }), SPACER, ...when],
    hints: [hint(messages, 'OK', 'close')],
    tone: 'error',
  };
}

/** Cancelled: by the CANCEL key, after no key for a while, or because the code ran out. */
export function cancelledScreen(
  screen: ScreenOf<'cancelled'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { cancelled } = messages;
  return {
    title: cancelled.title,
    lines: [SPACER, centered(outcomeText(screen.outcome, cancelled.noReason, context))],
    hints: [hint(messages, 'OK', 'close')],
    tone: 'info',
  };
}

/** Something the cashier asked for could not be done (nothing to reprint, locked out…). */
export function noticeScreen(
  screen: ScreenOf<'notice'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { notice } = messages;
  return {
    title: notice.title,
    lines: [
      SPACER,
      centered(outcomeText(screen.outcome, notice.noReason, context), { color: 'yellow' }),
    ],
    hints: [hint(messages, 'OK', 'close')],
    tone: 'info',
  };
}
