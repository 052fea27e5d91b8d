import { displayWidth } from '../../src/core/displayWidth.js';
import type { Money } from '../../src/core/money.js';
import type { Figures } from '../../src/terminal/flow/flowTypes.js';
import type { Messages } from '../i18n/Messages.js';
import { moneyText } from '../i18n/moneyText.js';
import type { BodyLine } from '../layout/fitLines.js';
import { spreadLine } from '../layout/spreadLine.js';
import type { RenderContext } from './renderScreen.js';
import type { ScreenDraft, ScreenOf } from './ScreenDraft.js';
import { blockWidth, centered, hint, labelled, SPACER } from './screenParts.js';

/** The batch's figures before settling: counts and totals, for the cashier to confirm. */
export function settleConfirmScreen(
  screen: ScreenOf<'settleConfirm'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { settle } = messages;
  const { counts, totals } = screen.figures;
  const lines: BodyLine[] = [];
  if (screen.batch !== undefined) {
    lines.push(centered(`${messages.labels.batch} ${screen.batch}`), SPACER);
  }
  lines.push(
    labelled(settle.count('sale', counts.sale), moneyText(totals.sale), context),
    labelled(settle.count('void', counts.void), '', context),
    labelled(settle.count('refund', counts.refund), moneyText(totals.refund), context),
    SPACER,
    centered(settle.question, { bold: true }),
  );
  return {
    title: settle.title,
    lines,
    hints: [hint(messages, 'OK', 'settle'), hint(messages, 'CANCEL', 'back')],
    tone: 'input',
  };
}

type Row = keyof Messages['settlement']['rows'];

const ROWS: readonly Row[] = ['saleCount', 'saleTotal', 'voidCount', 'refundCount', 'refundTotal'];

function cell(figures: Figures, row: Row, grouping = true): string {
  const amount = (money: Money) => moneyText(money, grouping);
  switch (row) {
    case 'saleCount':
      return String(figures.counts.sale);
    case 'saleTotal':
      return amount(figures.totals.sale);
    case 'voidCount':
      return String(figures.counts.void);
    case 'refundCount':
      return String(figures.counts.refund);
    case 'refundTotal':
      return amount(figures.totals.refund);
  }
}

// Marks a row where the terminal and the host disagree with a sign, not only with colour,
// for a display or a person that cannot tell yellow.
const DIFFERS = '!';

interface Cells {
  row: Row;
  mine: string;
  theirs: string;
}

function cellsOf(
  settlement: ScreenOf<'settlementResult'>['settlement'],
  grouping: boolean,
): Cells[] {
  return ROWS.map((row) => ({
    row,
    mine: cell(settlement.terminal, row, grouping),
    theirs: cell(settlement.host, row, grouping),
  }));
}

/**
 * The terminal's and the host's figures side by side, each row that differs marked `!` and
 * yellow. Three columns when they fit the block (amounts without thousands separators if that
 * is what it takes); otherwise one line per row, `terminal / host` where they differ (two
 * lines when that does not fit beside the label).
 */
function comparison(
  settlement: ScreenOf<'settlementResult'>['settlement'],
  context: RenderContext,
  messages: Messages,
): BodyLine[] {
  const { rows, terminal, host } = messages.settlement;
  const width = blockWidth(context);
  const labelWidth = Math.max(...ROWS.map((row) => displayWidth(rows[row]))) + 2;
  const column = Math.floor((width - labelWidth) / 2);
  // Each cell keeps at least one space before it, so neighbouring columns never touch.
  const fitsColumns = (cells: Cells[]) =>
    cells.every(({ mine, theirs }) => displayWidth(mine) < column && displayWidth(theirs) < column);
  const table = [cellsOf(settlement, true), cellsOf(settlement, false)].find(fitsColumns);
  const pad = (text: string, size: number) => ' '.repeat(Math.max(0, size - displayWidth(text)));
  const mark = (differs: boolean, label: string) => `${differs ? DIFFERS : ' '}${label}`;
  const yellowIf = (differs: boolean) => (differs ? { color: 'yellow' as const } : {});
  if (table !== undefined) {
    // Padded to the block's width like the rows, so that centring keeps the columns aligned.
    const header =
      ' '.repeat(labelWidth) + pad(terminal, column) + terminal + pad(host, column) + host;
    const lines: BodyLine[] = [centered(header + pad(header, width))];
    for (const { row, mine, theirs } of table) {
      const differs = mine !== theirs;
      const label = mark(differs, rows[row]);
      const text =
        label + pad(label, labelWidth) + pad(mine, column) + mine + pad(theirs, column) + theirs;
      lines.push(centered(text + pad(text, width), yellowIf(differs)));
    }
    return lines;
  }
  const lines: BodyLine[] = [centered(spreadLine('', `${terminal} / ${host}`, width))];
  for (const { row, mine, theirs } of cellsOf(settlement, true)) {
    const differs = mine !== theirs;
    const label = mark(differs, rows[row]);
    const figures = differs ? `${mine} / ${theirs}` : mine;
    if (displayWidth(label) + 1 + displayWidth(figures) <= width) {
      lines.push(centered(spreadLine(label, figures, width), yellowIf(differs)));
      continue;
    }
    lines.push(
      centered(spreadLine(label, '', width), yellowIf(differs)),
      centered(spreadLine('', figures, width), yellowIf(differs)),
    );
  }
  return lines;
}

/** The batch's figures as both sides agreed them. */
function agreed(figures: Figures, context: RenderContext, messages: Messages): BodyLine[] {
  const { rows } = messages.settlement;
  return ROWS.map((row) => labelled(rows[row], cell(figures, row), context));
}

/**
 * The settlement's result: balanced (green) with the agreed figures, or out of balance (yellow,
 * in words) with the terminal's and the host's figures side by side; and the new batch.
 */
export function settlementResultScreen(
  screen: ScreenOf<'settlementResult'>,
  context: RenderContext,
  messages: Messages,
): ScreenDraft {
  const { settlement } = screen;
  const texts = messages.settlement;
  const balanced = settlement.result === 'balanced';
  return {
    title: texts.title,
    lines: [
      centered(`${messages.labels.batch} ${settlement.batch}`),
      centered(texts.results[settlement.result], {
        bold: true,
        color: balanced ? 'green' : 'yellow',
      }),
      SPACER,
      ...(balanced
        ? agreed(settlement.terminal, context, messages)
        : comparison(settlement, context, messages)),
      SPACER,
      centered(texts.nextBatch(settlement.nextBatch)),
    ],
    hints: [hint(messages, 'OK', 'done')],
    tone: balanced ? 'success' : 'error',
  };
}
