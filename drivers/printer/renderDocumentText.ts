import { formatMoney } from '../../src/core/money.js';
import { displayWidth, wrapToWidth } from './displayWidth.js';
import type {
  BatchFiguresView,
  PrintDocument,
  SalesSlip,
  SettlementReport,
} from './PrintDocument.js';
import { SLIP_LABELS, type SlipLabels, type SlipLanguage } from './slipLabels.js';

/** Columns of a 58 mm thermal printer in its standard font. */
export const SLIP_COLUMNS = 32;

const RULE = '-'.repeat(SLIP_COLUMNS);
/** Blank lines fed between the merchant and the customer copy (where the paper is torn). */
const COPY_GAP = ['', ''];
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Lays a document out as plain text lines for a 58 mm printer: at most {@link SLIP_COLUMNS}
 * columns each, counted with `displayWidth` (a Chinese character takes two), no trailing
 * spaces. Labels come from `SLIP_LABELS` in the document's language; any language other than
 * `'en'` prints in Simplified Chinese, the terminal's default.
 *
 * - A sales slip gives two copies, the merchant's then the customer's, with two blank lines
 *   between them. Void and refund amounts are shown negative (`-CNY 12.50`); the original
 *   reference is printed only for them. Optional fields that are absent are left out.
 * - A settlement report puts the terminal's and the host's counts and totals side by side
 *   (label and both figures on one line when they fit, otherwise the figures under their
 *   label, otherwise each figure on its own line) and ends with the verdict.
 *
 * Times: the document's ISO 8601 time is printed as `YYYY-MM-DD HH:MM:SS`. A Chinese slip shows
 * Beijing time (UTC+8, no daylight saving), the time the cashier and customer live in; an
 * English slip shows UTC marked `UTC`, since its reader may be anywhere. Seconds are cut, not
 * rounded, so the slip never shows a later second than the approval.
 *
 * Text from the document (merchant name, ids) has control characters replaced by spaces, so
 * nothing in it can reach the printer as a command; long merchant names wrap.
 *
 * @throws RangeError when the document's time is not an ISO 8601 time with a zone
 */
export function renderDocumentText(document: PrintDocument): string[] {
  const language: SlipLanguage = document.language === 'en' ? 'en' : 'zh-CN';
  const labels = SLIP_LABELS[language];
  switch (document.kind) {
    case 'sales-slip':
      return [
        ...slipCopy(document, labels, language, labels.merchantCopy),
        ...COPY_GAP,
        ...slipCopy(document, labels, language, labels.customerCopy),
      ];
    case 'settlement-report':
      return settlementReport(document, labels, language);
    default: {
      const unknown: never = document;
      throw new TypeError(`cannot print a ${String((unknown as { kind: unknown }).kind)}`);
    }
  }
}

function slipCopy(
  slip: SalesSlip,
  labels: SlipLabels,
  language: SlipLanguage,
  copyTitle: string,
): string[] {
  const sign = slip.type === 'sale' ? '' : '-';
  return [
    ...centred(labels.salesSlipTitle),
    ...centred(copyTitle),
    ...(slip.reprint ? centred(labels.reprint) : []),
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
    ...labelled(labels.amount, `${sign}${formatMoney(slip.amount, { style: 'code' })}`),
    RULE,
    ...wrapToWidth(labels.confirmedBy, SLIP_COLUMNS),
    ...wrapToWidth(labels.noSignature, SLIP_COLUMNS),
    ...centred(labels.thanks),
  ];
}

function settlementReport(
  report: SettlementReport,
  labels: SlipLabels,
  language: SlipLanguage,
): string[] {
  const row = (label: string, pick: (figures: BatchFiguresView) => string): FiguresRow => ({
    label,
    terminal: pick(report.terminal),
    host: pick(report.host),
  });
  const money = (figures: BatchFiguresView, total: 'sale' | 'refund'): string =>
    formatMoney(figures.totals[total], { style: 'code' });
  return [
    ...centred(labels.settlementTitle),
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
    ),
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
function figuresTable(labels: SlipLabels, rows: readonly FiguresRow[]): string[] {
  const widest = (pick: (row: FiguresRow) => string): number =>
    Math.max(...rows.map((row) => displayWidth(pick(row))));
  const figureWidth = Math.max(
    widest((r) => r.terminal),
    widest((r) => r.host),
  );
  const { terminalColumn, hostColumn } = labels;
  if (widest((r) => r.label) <= NARROW_LABEL && figureWidth <= NARROW_FIGURE) {
    const line = (label: string, a: string, b: string): string =>
      padEnd(label, NARROW_LABEL) + padStart(a, NARROW_FIGURE + 1) + padStart(b, NARROW_FIGURE + 1);
    return [
      line('', terminalColumn, hostColumn),
      ...rows.map((r) => line(r.label, r.terminal, r.host)),
    ];
  }
  if (figureWidth <= WIDE_FIGURE) {
    const half = SLIP_COLUMNS / 2;
    const line = (a: string, b: string): string => padStart(a, half) + padStart(b, half);
    return [
      line(terminalColumn, hostColumn),
      ...rows.flatMap((r) => [...wrapToWidth(r.label, SLIP_COLUMNS), line(r.terminal, r.host)]),
    ];
  }
  return rows.flatMap((r) => [
    ...wrapToWidth(r.label, SLIP_COLUMNS),
    ...labelled(`  ${terminalColumn}`, r.terminal),
    ...labelled(`  ${hostColumn}`, r.host),
  ]);
}

/** The merchant's name (under its label, wrapped) and id. */
function merchantLines(merchant: SalesSlip['merchant'], labels: SlipLabels): string[] {
  return [
    labels.merchantName,
    ...wrapToWidth(printable(merchant.name), SLIP_COLUMNS),
    ...labelled(labels.merchantId, merchant.id),
  ];
}

/**
 * A label on the left and its value on the right of one line; when both do not fit, the value
 * goes right-aligned on the lines below. Nothing when the value is absent or blank.
 */
function labelled(label: string, value: string | undefined): string[] {
  const text = printable(value ?? '').trim();
  if (text === '') return [];
  const gap = SLIP_COLUMNS - displayWidth(label) - displayWidth(text);
  if (gap >= 1) return [label + ' '.repeat(gap) + text];
  return [
    ...wrapToWidth(label, SLIP_COLUMNS),
    ...wrapToWidth(text, SLIP_COLUMNS).map((line) => padStart(line, SLIP_COLUMNS)),
  ];
}

function centred(text: string): string[] {
  return wrapToWidth(text, SLIP_COLUMNS).map(
    (line) => ' '.repeat(Math.floor((SLIP_COLUMNS - displayWidth(line)) / 2)) + line,
  );
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
