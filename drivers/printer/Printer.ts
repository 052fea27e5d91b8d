import type { PrintDocument } from './PrintDocument.js';

/** What the printer reports about itself. `unknown` where the link is one-way. */
export interface PrinterStatus {
  readonly paper: 'ok' | 'out' | 'unknown';
  readonly coverOpen: boolean | 'unknown';
  readonly online: boolean;
}

/**
 * The slip printer (ESC/POS over serial, a device file or TCP on the board; a fake in tests).
 *
 * `print` resolves once the whole document was handed to the printer (for a two-way link:
 * and the printer reported no fault). It rejects with:
 * - `PRINTER_PAPER_OUT` / `PRINTER_COVER_OPEN`: the cashier can fix it, then print again;
 *   the document may have been printed in part;
 * - `PRINTER_UNAVAILABLE`: no printer, or the link failed.
 * One document at a time: a second `print` waits for the first.
 */
export interface Printer {
  open(): Promise<void>;
  close(): Promise<void>;
  print(document: PrintDocument): Promise<void>;
  status(): Promise<PrinterStatus>;
}
