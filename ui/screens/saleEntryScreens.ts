import type { Messages } from '../i18n/Messages.js';
import { moneyText } from '../i18n/moneyText.js';
import type { BasicColor } from '../ScreenView.js';
import { countdownText, secondsLeft } from './countdownText.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft, ScreenOf } from './ScreenDraft.js';
import {
  bigAmount,
  centered,
  editHint,
  hint,
  keyedEntryDraft,
  labelled,
  noticeLines,
  SPACER,
} from './screenParts.js';
import { secretMask } from './secretMask.js';

/** Below this many seconds the countdown turns yellow: the customer should hurry. */
const HURRY_SECONDS = 30;

/**
 * The amount being keyed (digits fill from the right, as on a till), in large digits the
 * customer can read from across the counter, with the currency in words below; the amount as
 * plain text only when the large digits do not fit the width.
 */
export function amountScreen(
  screen: ScreenOf<'amount'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  return {
    title: messages.transactions[screen.for],
    lines: [
      centered(messages.amount.prompt[screen.for]),
      SPACER,
      ...bigAmount(screen.amount, messages, context),
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

/**
 * The PIN: the amount it pays (none for a balance inquiry), and one `*` per digit keyed with
 * `_` for the rest of the six. The screen gets the PIN's length only, never a digit of it.
 */
export function pinScreen(
  screen: ScreenOf<'pin'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const before =
    screen.amount === undefined
      ? []
      : [labelled(messages.labels.amount, moneyText(screen.amount), context, { bold: true })];
  return keyedEntryDraft(
    {
      title: messages.transactions[screen.for],
      prompt: messages.pin.prompt,
      entry: secretMask(screen.length),
      notice: screen.notice,
      before,
    },
    context,
    messages,
  );
}

/**
 * The SMS code: where it was sent, the code keyed so far as a mask, the time left to the host's
 * expiry as `mm:ss` (yellow near the end, red once run out), the tries left, and F1 to ask for
 * a new code only while the host still allows one.
 */
export function codeScreen(
  screen: ScreenOf<'code'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { code } = messages;
  const seconds = secondsLeft(context.now, screen.expiresAt);
  const clockColor: BasicColor | undefined =
    seconds === 0 ? 'red' : seconds <= HURRY_SECONDS ? 'yellow' : undefined;
  const hints = [hint(messages, 'OK', 'confirm'), hint(messages, 'CANCEL', 'cancel')];
  if (screen.resendsLeft > 0) hints.push(hint(messages, 'F1', 'resend'));
  hints.push(editHint(messages));
  return {
    title: code.title,
    lines: [
      labelled(messages.labels.amount, moneyText(screen.amount), context, { bold: true }),
      centered(code.sentTo(screen.sentTo)),
      SPACER,
      centered(code.prompt),
      centered(secretMask(screen.length), { bold: true }),
      SPACER,
      centered(
        code.timeLeft(countdownText(context.now, screen.expiresAt)),
        clockColor === undefined ? {} : { color: clockColor },
      ),
      centered(code.attemptsLeft(screen.attemptsLeft)),
      ...noticeLines(screen.notice, context),
    ],
    hints,
    tone: 'input',
  };
}
