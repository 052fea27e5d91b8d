import { formatMoney } from '../../src/core/money.js';
import { displayWidth, wrapToWidth } from '../../src/core/displayWidth.js';
import type {
  BatchFiguresView,
  PrintDocument,
  SalesSlip,
  SettlementReport,
  TestPage,
} from './PrintDocument.js';
import { SLIP_LABELS, type SlipLabels, type SlipLanguage } from './slipLabels.js';

/** Columns of a 58 mm thermal printer in its standard font. */
export const SLIP_COLUMNS = 32;

const RULE: SlipLine = { text: '-'.repeat(SLIP_COLUMNS), align: 'left' };
/** Column digits, `0123456789` repeated, exactly {@link SLIP_COLUMNS} wide. */
const RULER = Array.from({ length: SLIP_COLUMNS }, (_, column) => String(column % 10)).join('');
/** Printable ASCII from `!` to `~` (the space would not show). */
const ASCII_SET = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i)).join(
  '',
);
/**
 * The Chinese sample of the test page, in either language: 16 double-width characters that
 * fill the line, so they end under the ruler's last digit when the GB18030 font is right.
 */
const CHINESE_SAMPLE = '中文打印测试：一二三四五六七八九';
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * One line of a laid-out document: its text (no centring spaces), how it sits on the line and
 * how it stands out. `tall` lines are printed double height (same width), so they keep the
 * 32-column layout; `wide` lines are printed double width, so their text takes at most half of
 * it. The text takes at most {@link SLIP_COLUMNS} columns on paper either way.
 */
export interface SlipLine {
  readonly text: string;
  readonly align: 'left' | 'center';
  readonly bold?: boolean;
  readonly tall?: boolean;
  readonly wide?: boolean;
}

/** A stretch of paper printed in one go: a slip copy, a report or a test page. */
export type SlipPage = readonly SlipLine[];

/**
 * Lays a document out in pages of styled lines, the layout `renderDocumentText` describes: a
 * sales slip gives two pages (the merchant's copy, then the customer's), a settlement report
 * and a test page one each. Titles are bold and tall, the amount bold and tall, the reprint
 * mark and the settlement verdict bold.
 *
 * The test page shows the terminal id, the software version and the time (as slips show it),
 * then a ruler of column digits exactly as wide as the paper, the printable ASCII set, a line
 * of Chinese (16 characters filling the line, in both languages), a bold and a double-size
 * (double width and height) sample, and its end mark.
 *
 * @throws RangeError when the document's time is not an ISO 8601 time with a zone
 */
export function layoutDocument(document: PrintDocument): SlipPage[] {
  const language: SlipLanguage = document.language === 'en' ? 'en' : 'zh-CN';
  const labels = SLIP_LABELS[language];
  switch (document.kind) {
    case 'sales-slip':
      return [
        slipCopy(document, labels, language, labels.merchantCopy),
        slipCopy(document, labels, language, labels.customerCopy),
      ];
    case 'settlement-report':
      return [settlementReport(document, labels, language)];
    case 'test-page':
      return [testPage(document, labels, language)];
    default: {
      const unknown: never = document;
      throw new TypeError(`cannot print a ${String((unknown as { kind: unknown }).kind)}`);
    }
  }
}

/**
 * The line as plain text: a centred line gets `floor((32 - width) / 2)` leading spaces, where
 * the width is that on paper (twice the text's for a `wide` line, whose text is not doubled).
 */
export function plainLine(line: SlipLine): string {
  if (line.align === 'left') return line.text;
  const width = displayWidth(line.text) * (line.wide ? 2 : 1);
  return ' '.repeat(Math.floor((SLIP_COLUMNS - width) / 2)) + line.text;
}

function slipCopy(
  slip: SalesSlip,
  labels: SlipLabels,
  language: SlipLanguage,
  copyTitle: string,
): SlipLine[] {
  const sign = slip.type === 'sale' ? '' : '-';
  return [
    ...centred(labels.salesSlipTitle, { bold: true, tall: true }),
    ...centred(copyTitle),
    ...(slip.reprint ? centred(labels.reprint, { bold: true }) : []),
    RULE,
    ...merchantLines(slip.merchant, labels),
    ...labelled(labels.terminalId, slip.terminalId),
    ...labelled(labels.operator, slip.operator),
    RULE,
    ...labelled(labels.transactionType, labels[slip.type]),
    ...labelled(labels.account, slip.account),
    ...labelled(labels.batch, slip.batch),
    ...labelled(labels.trace, slip.trace),
    ...labelled(labels.authCode, slip.authCode),
    ...labelled(labels.reference, slip.reference),
    ...(slip.type === 'sale' ? [] : labelled(labels.originalReference, slip.originalReference)),
    ...labelled(labels.time, slipTime(slip.time, language)),
    RULE,
    ...labelled(labels.amount, `${sign}${formatMoney(slip.amount, { style: 'code' })}`, {
      bold: true,
      tall: true,
    }),
    RULE,
    ...wrapped(labels.confirmedBy),
    ...wrapped(labels.noSignature),
    ...centred(labels.thanks),
  ];
}

function settlementReport(
  report: SettlementReport,
  labels: SlipLabels,
  language: SlipLanguage,
): SlipLine[] {
  const row = (label: string, pick: (figures: BatchFiguresView) => string): FiguresRow => ({
    label,
    terminal: pick(report.terminal),
    host: pick(report.host),
  });
  const money = (figures: BatchFiguresView, total: 'sale' | 'refund'): string =>
    formatMoney(figures.totals[total], { style: 'code' });
  return [
    ...centred(labels.settlementTitle, { bold: true, tall: true }),
    RULE,
    ...merchantLines(report.merchant, labels),
    ...labelled(labels.terminalId, report.terminalId),
    ...labelled(labels.batch, report.batch),
    ...labelled(labels.time, slipTime(report.time, language)),
    RULE,
    ...figuresTable(labels, [
      row(labels.saleCount, (f) => String(f.counts.sale)),
      row(labels.voidCount, (f) => String(f.counts.void)),
      row(labels.refundCount, (f) => String(f.counts.refund)),
      row(labels.saleTotal, (f) => money(f, 'sale')),
      row(labels.refundTotal, (f) => money(f, 'refund')),
    ]),
    RULE,
    ...labelled(
      labels.result,
      report.result === 'balanced' ? labels.balanced : labels.outOfBalance,
      { bold: true },
    ),
  ];
}

function testPage(page: TestPage, labels: SlipLabels, language: SlipLanguage): SlipLine[] {
  return [
    ...centred(labels.testPageTitle, { bold: true, tall: true }),
    RULE,
    ...labelled(labels.terminalId, page.terminalId),
    ...labelled(labels.version, page.version),
    ...labelled(labels.time, slipTime(page.time, language)),
    RULE,
    left(RULER),
    ...wrapped(ASCII_SET),
    ...wrapped(CHINESE_SAMPLE),
    ...wrapped(labels.boldSample, { bold: true }),
    ...wrapToWidth(labels.doubleSizeSample, SLIP_COLUMNS / 2).map((line) =>
      left(line, { tall: true, wide: true }),
    ),
    RULE,
    ...centred(labels.endOfTestPage),
  ];
}

interface FiguresRow {
  readonly label: string;
  readonly terminal: string;
  readonly host: string;
}

/** Widest label and figure for the one-line layout: 10 + 11 + 11 columns. */
const NARROW_LABEL = 10;
const NARROW_FIGURE = 10;
/** Widest figure for the two-column layout under the label: 16 + 16 columns. */
const WIDE_FIGURE = 15;

/** The terminal's and the host's figures side by side, in the tightest layout all rows fit. */
function figuresTable(labels: SlipLabels, rows: readonly FiguresRow[]): SlipLine[] {
  const widest = (pick: (row: FiguresRow) => string): number =>
    Math.max(...rows.map((row) => displayWidth(pick(row))));
  const figureWidth = Math.max(
    widest((r) => r.terminal),
    widest((r) => r.host),
  );
  const { terminalColumn, hostColumn } = labels;
  if (widest((r) => r.label) <= NARROW_LABEL && figureWidth <= NARROW_FIGURE) {
    const line = (label: string, a: string, b: string): SlipLine =>
      left(
        padEnd(label, NARROW_LABEL) +
          padStart(a, NARROW_FIGURE + 1) +
          padStart(b, NARROW_FIGURE + 1),
      );
    return [
      line('', terminalColumn, hostColumn),
      ...rows.map((r) => line(r.label, r.terminal, r.host)),
    ];
  }
  if (figureWidth <= WIDE_FIGURE) {
    const half = SLIP_COLUMNS / 2;
    const line = (a: string, b: string): SlipLine => left(padStart(a, half) + padStart(b, half));
    return [
      line(terminalColumn, hostColumn),
      ...rows.flatMap((r) => [...wrapped(r.label), line(r.terminal, r.host)]),
    ];
  }
  return rows.flatMap((r) => [
    ...wrapped(r.label),
    ...labelled(`  ${terminalColumn}`, r.terminal),
    ...labelled(`  ${hostColumn}`, r.host),
  ]);
}

/** The merchant's name (under its label, wrapped) and id. */
function merchantLines(merchant: SalesSlip['merchant'], labels: SlipLabels): SlipLine[] {
  return [
    left(labels.merchantName),
    ...wrapped(printable(merchant.name)),
    ...labelled(labels.merchantId, merchant.id),
  ];
}

/**
 * A label on the left and its value on the right of one line; when both do not fit, the value
 * goes right-aligned on the lines below. Nothing when the value is absent or blank.
 */
function labelled(label: string, value: string | undefined, style: Style = {}): SlipLine[] {
  const text = printable(value ?? '').trim();
  if (text === '') return [];
  const gap = SLIP_COLUMNS - displayWidth(label) - displayWidth(text);
  if (gap >= 1) return [left(label + ' '.repeat(gap) + text, style)];
  return [
    ...wrapped(label, style),
    ...wrapToWidth(text, SLIP_COLUMNS).map((line) => left(padStart(line, SLIP_COLUMNS), style)),
  ];
}

type Style = Pick<SlipLine, 'bold' | 'tall' | 'wide'>;

function left(text: string, style: Style = {}): SlipLine {
  return { text, align: 'left', ...style };
}

function wrapped(text: string, style: Style = {}): SlipLine[] {
  return wrapToWidth(text, SLIP_COLUMNS).map((line) => left(line, style));
}

function centred(text: string, style: Style = {}): SlipLine[] {
  return wrapToWidth(text, SLIP_COLUMNS).map((line) => ({ text: line, align: 'center', ...style }));
}

function padStart(text: string, columns: number): string {
  return ' '.repeat(Math.max(0, columns - displayWidth(text))) + text;
}

function padEnd(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - displayWidth(text)));
}

/** Replaces control characters and line or paragraph separators with spaces. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ');
}

/** `YYYY-MM-DD HH:MM:SS` in Beijing time for Chinese, in UTC with ` UTC` for English. */
function slipTime(iso: string, language: SlipLanguage): string {
  const epochMs = isCalendarTime(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(epochMs)) throw new RangeError(`not an ISO 8601 time: ${JSON.stringify(iso)}`);
  const offsetMs = language === 'en' ? 0 : BEIJING_OFFSET_MS;
  const shown = new Date(epochMs + offsetMs).toISOString();
  const text = `${shown.slice(0, 10)} ${shown.slice(11, 19)}`;
  return language === 'en' ? `${text} UTC` : text;
}

/** ISO 8601 with a zone, on a day that exists (`Date.parse` reads 02-30 as 03-02). */
function isCalendarTime(iso: string): boolean {
  const match = ISO_TIME.exec(iso);
  if (!match) return false;
  const [year = 0, month = 0, day = 0] = match.slice(1, 4).map(Number);
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1;
}
