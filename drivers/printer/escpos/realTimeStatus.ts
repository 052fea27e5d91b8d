import type { PrinterStatus } from '../Printer.js';

/**
 * Real-time status (`DLE EOT n`, Epson ESC/POS): the printer answers each request with one
 * byte at once, even while it prints or is offline. Every answer has bits 1 and 4 set and
 * bits 0 and 7 clear, which tells it from other bytes on the line.
 *
 * - n = 1, printer status: bit 3 offline.
 * - n = 2, offline cause: bit 2 cover open, bit 3 paper fed with the button, bit 5 printing
 *   stopped at the paper end, bit 6 an error occurred.
 * - n = 4, roll paper sensor: bits 2–3 paper near its end, bits 5–6 paper end (no paper).
 */
export type StatusRequest = 1 | 2 | 4;

/** The requests the driver sends before (and after) a print, in order. */
export const STATUS_REQUESTS: readonly StatusRequest[] = [1, 2, 4];

export function statusRequest(n: StatusRequest): Uint8Array {
  return Uint8Array.of(0x10, 0x04, n);
}

/** True for a byte shaped like a real-time status answer (bits 1 and 4 set, 0 and 7 clear). */
export function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/** What the three answers say. */
export interface RealTimeStatus {
  readonly offline: boolean;
  readonly coverOpen: boolean;
  readonly paperOut: boolean;
  readonly paperNearEnd: boolean;
  readonly error: boolean;
}

/** Reads the answers to `DLE EOT 1`, `2` and `4`. */
export function readRealTimeStatus(
  answers: Readonly<Record<StatusRequest, number>>,
): RealTimeStatus {
  return {
    offline: (answers[1] & 0x08) !== 0,
    coverOpen: (answers[2] & 0x04) !== 0,
    paperOut: (answers[4] & 0x60) !== 0 || (answers[2] & 0x20) !== 0,
    paperNearEnd: (answers[4] & 0x0c) !== 0,
    error: (answers[2] & 0x40) !== 0,
  };
}

/** The codes a status can fail a print with, per the `Printer` contract. */
export type PrinterFaultCode = 'PRINTER_PAPER_OUT' | 'PRINTER_COVER_OPEN' | 'PRINTER_UNAVAILABLE';

/**
 * The fault that stops printing, if any: an open cover first (the cashier must close it
 * before anything else, and with the cover open the paper sensor may read "no paper"), then
 * no paper, then any other error.
 */
export function faultOf(status: RealTimeStatus): PrinterFaultCode | undefined {
  if (status.coverOpen) return 'PRINTER_COVER_OPEN';
  if (status.paperOut) return 'PRINTER_PAPER_OUT';
  if (status.error) return 'PRINTER_UNAVAILABLE';
  return undefined;
}

/** The `Printer` view of a status read over a working link. */
export function toPrinterStatus(status: RealTimeStatus): PrinterStatus {
  return { paper: status.paperOut ? 'out' : 'ok', coverOpen: status.coverOpen, online: true };
}

/** The state a printer emulator answers from. */
export interface EmulatedPrinterState {
  readonly coverOpen: boolean;
  readonly paperOut: boolean;
  readonly error?: boolean;
}

/** The byte a printer in `state` answers to `DLE EOT n` (for emulators and tests). */
export function statusAnswer(n: number, state: EmulatedPrinterState): number {
  const stopped = state.coverOpen || state.paperOut || state.error === true;
  switch (n) {
    case 1:
      return 0x12 | (stopped ? 0x08 : 0);
    case 2:
      return (
        0x12 | (state.coverOpen ? 0x04 : 0) | (state.paperOut ? 0x20 : 0) | (state.error ? 0x40 : 0)
      );
    case 4:
      return 0x12 | (state.paperOut ? 0x6c : 0);
    default:
      return 0x12;
  }
}
