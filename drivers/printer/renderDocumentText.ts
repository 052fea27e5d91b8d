import { layoutDocument, plainLine } from './layoutDocument.js';
import type { PrintDocument } from './PrintDocument.js';

export { SLIP_COLUMNS } from './layoutDocument.js';

/** Blank lines fed between the merchant and the customer copy (where the paper is torn). */
const COPY_GAP = ['', ''];

/**
 * Lays a document out as plain text lines for a 58 mm printer (the lines of
 * {@link layoutDocument}, centred ones padded with spaces): at most {@link SLIP_COLUMNS} columns each, counted with `displayWidth` (a Chinese character takes two), no trailing
 * spaces. Labels come from `SLIP_LABELS` in the document's language; any language other than
 * `'en'` prints in Simplified Chinese, the terminal's default.
 *
 * - A sales slip gives two copies, the merchant's then the customer's, with two blank lines
 *   between them. Void and refund amounts are shown negative (`-CNY 12.50`); the original
 *   reference is printed only for them. Optional fields that are absent are left out.
 * - A settlement report puts the terminal's and the host's counts and totals side by side
 *   (label and both figures on one line when they fit, otherwise the figures under their
 *   label, otherwise each figure on its own line) and ends with the verdict.
 * - A test page shows the terminal id, the software version and the time, a ruler of column
 *   digits as wide as the paper, the printable ASCII set, a line of Chinese (in both
 *   languages), a bold and a double-size sample, and its end mark. A double-size line's text
 *   is not doubled here: it takes twice its width on paper, at most {@link SLIP_COLUMNS}.
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
  const pages = layoutDocument(document).map((page) => page.map(plainLine));
  return pages.flatMap((page, index) => (index === 0 ? page : [...COPY_GAP, ...page]));
}
