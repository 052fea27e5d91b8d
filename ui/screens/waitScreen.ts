import type { Messages } from '../i18n/Messages.js';
import type { BodyLine } from '../layout/fitLines.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft, ScreenOf } from './ScreenDraft.js';
import { centered, noticeLines, SPACER } from './screenParts.js';

/**
 * "Please wait" while the terminal talks to the host, the phone or the printer: what it is
 * doing, and a warning where a person could spoil it (pulling the phone away while it is read;
 * starting the sale again while its outcome is being settled). No hints: no key does anything.
 */
export function waitScreen(
  screen: ScreenOf<'wait'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { wait } = messages;
  const warning: BodyLine[] =
    screen.for === 'card'
      ? [centered(wait.keepPhone, { color: 'yellow' })]
      : screen.for === 'resolve'
        ? [centered(wait.doNotRepeat, { color: 'yellow' })]
        : [];
  return {
    title: wait.title,
    lines: [
      SPACER,
      centered(wait.doing[screen.for], { bold: true }),
      SPACER,
      ...warning,
      ...noticeLines(screen.notice, context),
    ],
    hints: [],
    tone: 'wait',
  };
}
