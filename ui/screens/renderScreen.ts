import type { Screen } from '../../src/terminal/flow/screenOf.js';
import type { Language } from '../Language.js';
import { messagesFor } from '../i18n/messagesFor.js';
import { fitLines } from '../layout/fitLines.js';
import { truncateToWidth } from '../layout/truncateToWidth.js';
import { FRAME_ROWS, type DisplaySize, type ScreenView } from '../ScreenView.js';
import { settleConfirmScreen, settlementResultScreen } from './batchScreens.js';
import { idleScreen, recoveryReportScreen, signInRetryScreen } from './bootScreens.js';
import { cardErrorScreen, menuScreen, tapCardScreen } from './cardScreens.js';
import {
  approvedScreen,
  balanceScreen,
  cancelledScreen,
  declinedScreen,
  lockedScreen,
  noticeScreen,
} from './resultScreens.js';
import { amountScreen, codeScreen, pinScreen } from './saleEntryScreens.js';
import type { ScreenDraft } from './ScreenDraft.js';
import { serviceScreen } from './serviceScreen.js';
import {
  refundReferenceScreen,
  supervisorScreen,
  voidConfirmScreen,
  voidTraceScreen,
} from './supervisorScreens.js';
import { waitScreen } from './waitScreen.js';

/** What a screen is rendered for. */
export interface RenderContext {
  language: Language;
  /** Epoch ms of the flow's clock, the same clock as the code's `expiresAt`: the countdown. */
  now: number;
  /** The display; every line of the result fits its columns and the body its rows. */
  size: DisplaySize;
  /** IANA zone of the times shown (`lockedUntil`); default the process's zone. */
  timeZone?: string | undefined;
}

function draftOf(screen: Screen, context: RenderContext): ScreenDraft {
  const messages = messagesFor(context.language);
  switch (screen.id) {
    case 'wait':
      return waitScreen(screen, context, messages);
    case 'signInRetry':
      return signInRetryScreen(screen, context, messages);
    case 'recoveryReport':
      return recoveryReportScreen(screen, context, messages);
    case 'idle':
      return idleScreen(screen, context, messages);
    case 'cardError':
      return cardErrorScreen(screen, context, messages);
    case 'menu':
      return menuScreen(screen, context, messages);
    case 'tapCard':
      return tapCardScreen(screen, context, messages);
    case 'amount':
      return amountScreen(screen, context, messages);
    case 'pin':
      return pinScreen(screen, context, messages);
    case 'code':
      return codeScreen(screen, context, messages);
    case 'approved':
      return approvedScreen(screen, context, messages);
    case 'balance':
      return balanceScreen(screen, context, messages);
    case 'declined':
      return declinedScreen(screen, context, messages);
    case 'locked':
      return lockedScreen(screen, context, messages);
    case 'cancelled':
      return cancelledScreen(screen, context, messages);
    case 'notice':
      return noticeScreen(screen, context, messages);
    case 'supervisor':
      return supervisorScreen(screen, context, messages);
    case 'voidTrace':
      return voidTraceScreen(screen, context, messages);
    case 'voidConfirm':
      return voidConfirmScreen(screen, context, messages);
    case 'refundReference':
      return refundReferenceScreen(screen, context, messages);
    case 'settleConfirm':
      return settleConfirmScreen(screen, context, messages);
    case 'settlementResult':
      return settlementResultScreen(screen, context, messages);
    case 'service':
      return serviceScreen(screen, context, messages);
  }
}

/**
 * The flow's screen laid out for the display, in the context's language: a pure function of
 * the screen, the language, the time (countdowns) and the size. The title and every hint are
 * cut to the width, the body wrapped and fitted to `rows - FRAME_ROWS` lines (see `fitLines`),
 * all measured in display columns, so Chinese text never overflows. A PIN, code or password
 * shows as a mask of its length; the screen never holds its digits.
 */
export function renderScreen(screen: Screen, context: RenderContext): ScreenView {
  const draft = draftOf(screen, context);
  const { columns, rows } = context.size;
  return {
    title: truncateToWidth(draft.title, columns),
    lines: fitLines(draft.lines, columns, rows - FRAME_ROWS),
    hints: draft.hints.map((hint) => truncateToWidth(hint, columns)),
    tone: draft.tone,
  };
}
