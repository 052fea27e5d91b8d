import { displayWidth } from '../../src/core/displayWidth.js';
import type { RecoveryItem } from '../../src/terminal/flow/flowTypes.js';
import type { Messages } from '../i18n/Messages.js';
import { moneyText } from '../i18n/moneyText.js';
import type { BodyLine } from '../layout/fitLines.js';
import { spreadLine } from '../layout/spreadLine.js';
import { FRAME_ROWS, type ViewLine } from '../ScreenView.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft, ScreenOf } from './ScreenDraft.js';
import { blockWidth, centered, hint, outcomeText, SPACER } from './screenParts.js';

/**
 * The idle screen: invites the customer to tap, tells the cashier OK opens the menu, and shows
 * the merchant, the batch and any transactions still waiting for the host (in words and
 * yellow: the cashier should know before settling).
 */
export function idleScreen(
  screen: ScreenOf<'idle'>,
  _context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { idle } = messages;
  const lines: BodyLine[] = [SPACER];
  if (screen.merchant !== undefined) lines.push(centered(screen.merchant, { bold: true }), SPACER);
  lines.push(centered(idle.tapPhone, { bold: true }), centered(idle.forMenu), SPACER);
  if (screen.batch !== undefined) lines.push(centered(idle.batch(screen.batch)));
  if (screen.pendingLeft > 0) {
    lines.push(centered(idle.pending(screen.pendingLeft), { color: 'yellow' }));
  }
  return { title: idle.title, lines, hints: [hint(messages, 'OK', 'menu')], tone: 'info' };
}

/** Sign-in failed: why, how many times, and that it retries by itself (OK retries at once). */
export function signInRetryScreen(
  screen: ScreenOf<'signInRetry'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { signInRetry } = messages;
  return {
    title: signInRetry.title,
    lines: [
      SPACER,
      centered(outcomeText(screen.outcome, signInRetry.noReason, context), { color: 'red' }),
      SPACER,
      centered(signInRetry.failures(screen.failures)),
    ],
    hints: [hint(messages, 'OK', 'retryNow')],
    tone: 'error',
  };
}

const OUTCOME_COLOR: Readonly<Record<RecoveryItem['outcome'], ViewLine['color']>> = {
  printed: undefined,
  reversed: undefined,
  declined: undefined,
  // An undo the host refused may have charged the customer: someone must check.
  refused: 'red',
  pending: 'yellow',
};

/** One recovered transaction: one line when it fits the block, else two. */
function itemLines(item: RecoveryItem, context: RenderContext, messages: Messages): ViewLine[] {
  const what = [messages.transactions[item.type], item.trace];
  if (item.amount !== undefined) what.push(moneyText(item.amount));
  const left = what.join(' ');
  const outcome = messages.recovery.outcomes[item.outcome];
  const color = OUTCOME_COLOR[item.outcome];
  const style: ViewLine = color === undefined ? { text: '' } : { text: '', color };
  const width = blockWidth(context);
  if (displayWidth(left) + 1 + displayWidth(outcome) <= width) {
    return [{ ...style, text: spreadLine(left, outcome, width), align: 'center' }];
  }
  return [
    { ...style, text: spreadLine(left, '', width), align: 'center' },
    { ...style, text: spreadLine('', outcome, width), align: 'center' },
  ];
}

/**
 * What boot recovery did with each unfinished transaction: kind, trace, amount, and the outcome
 * in words (an undo the host refused in red: the customer may have been charged). When they do
 * not all fit, the last row says how many more there are rather than cutting one in half.
 */
export function recoveryReportScreen(
  screen: ScreenOf<'recoveryReport'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { recovery } = messages;
  const footer: BodyLine[] =
    screen.pendingLeft > 0
      ? [centered(recovery.pendingLeft(screen.pendingLeft), { color: 'yellow' })]
      : [];
  const budget = context.size.rows - FRAME_ROWS - footer.length;
  const blocks = screen.items.map((item) => itemLines(item, context, messages));
  const needed = blocks.reduce((sum, block) => sum + block.length, 0);
  const lines: BodyLine[] = [];
  if (needed <= budget) {
    lines.push(...blocks.flat());
  } else {
    let used = 0;
    let shown = 0;
    for (const block of blocks) {
      // One row stays free for the "N more" line.
      if (used + block.length > budget - 1) break;
      lines.push(...block);
      used += block.length;
      shown += 1;
    }
    lines.push(centered(recovery.more(blocks.length - shown)));
  }
  lines.push(...footer);
  const refused = screen.items.some((item) => item.outcome === 'refused');
  return {
    title: recovery.title,
    lines,
    hints: [hint(messages, 'OK', 'continue')],
    tone: refused ? 'error' : 'info',
  };
}
