import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPosError } from '../../src/core/PosError.js';
import type { Printer } from './Printer.js';
import type { SalesSlip } from './PrintDocument.js';

/** A printer under test with the hooks that move the device it drives. */
export interface PrinterUnderTest {
  readonly printer: Printer;
  setPaper(paper: 'ok' | 'out'): void | Promise<void>;
  openCover(): void | Promise<void>;
  closeCover(): void | Promise<void>;
  /** The link to the printer drops (true) or comes back (false). */
  setOffline(offline: boolean): void | Promise<void>;
  /** What the paper shows so far, as text. */
  printedText(): string;
  dispose(): Promise<void>;
}

export const contractSlip: SalesSlip = {
  kind: 'sales-slip',
  language: 'en',
  merchant: { id: '898310048160001', name: 'Lucky Noodle' },
  terminalId: 'T0000001',
  operator: '01',
  type: 'sale',
  account: '138****8000',
  batch: '000001',
  trace: '000123',
  authCode: 'A1B2C3',
  reference: '000000123456',
  time: '2026-11-23T08:30:15.000Z',
  amount: { value: 1250, currency: 'CNY' },
  reprint: false,
};

const slipNo = (trace: string): SalesSlip => ({ ...contractSlip, trace });

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'printed';
  } catch (error) {
    if (isPosError(error)) return error.code;
    throw error;
  }
}

/** Polls until `check` holds (the real driver reconnects on its own time). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The trace number of each slip copy on the paper, in order. */
const traces = (text: string): string[] =>
  text.split('\n').flatMap((line) => /^TRACE NO +(\d+)$/.exec(line)?.slice(1) ?? []);

const traceCount = (text: string, trace: string): number =>
  traces(text).filter((other) => other === trace).length;

/**
 * The {@link Printer} contract as tests, run against every implementation (FakePrinter,
 * EscPosPrinter over a TCP or PTY sink). `create` returns a printer that is not yet open.
 */
export function describePrinterContract(
  name: string,
  create: () => Promise<PrinterUnderTest>,
): void {
  describe(`Printer contract: ${name}`, () => {
    let subject: PrinterUnderTest;
    let printer: Printer;

    beforeEach(async () => {
      subject = await create();
      printer = subject.printer;
    });

    afterEach(async () => {
      await printer.close();
      await subject.dispose();
    });

    it('is offline before open and prints both copies of a slip once open', async () => {
      expect((await printer.status()).online).toBe(false);
      expect(await outcome(printer.print(contractSlip))).toBe('PRINTER_UNAVAILABLE');
      await printer.open();
      expect(await printer.status()).toEqual({ paper: 'ok', coverOpen: false, online: true });
      expect(await outcome(printer.print(contractSlip))).toBe('printed');
      const text = subject.printedText();
      expect(text).toContain('MERCHANT COPY');
      expect(text).toContain('CUSTOMER COPY');
      expect(traceCount(text, '000123')).toBe(2);
    });

    it('refuses to print without paper, and prints the slip again once paper is back', async () => {
      await printer.open();
      await subject.setPaper('out');
      expect(await printer.status()).toMatchObject({ paper: 'out', online: true });
      expect(await outcome(printer.print(slipNo('000001')))).toBe('PRINTER_PAPER_OUT');
      await subject.setPaper('ok');
      expect(await outcome(printer.print(slipNo('000001')))).toBe('printed');
      expect(traceCount(subject.printedText(), '000001')).toBe(2);
    });

    it('refuses to print with the cover open until it is closed', async () => {
      await printer.open();
      await subject.openCover();
      expect(await printer.status()).toMatchObject({ coverOpen: true, online: true });
      expect(await outcome(printer.print(contractSlip))).toBe('PRINTER_COVER_OPEN');
      await subject.closeCover();
      expect(await outcome(printer.print(contractSlip))).toBe('printed');
    });

    it('fails with PRINTER_UNAVAILABLE while the link is down, and prints once it is back', async () => {
      await printer.open();
      await subject.setOffline(true);
      await eventually(async () => !(await printer.status()).online);
      expect(await outcome(printer.print(contractSlip))).toBe('PRINTER_UNAVAILABLE');
      await subject.setOffline(false);
      await eventually(async () => (await printer.status()).online);
      expect(await outcome(printer.print(contractSlip))).toBe('printed');
    });

    it('fails with PRINTER_UNAVAILABLE once closed, and prints after opening again', async () => {
      await printer.open();
      await printer.close();
      expect(await outcome(printer.print(contractSlip))).toBe('PRINTER_UNAVAILABLE');
      expect((await printer.status()).online).toBe(false);
      await printer.open();
      expect(await outcome(printer.print(contractSlip))).toBe('printed');
    });

    it('prints one document at a time, in the order asked', async () => {
      await printer.open();
      const results = await Promise.all([
        outcome(printer.print(slipNo('000001'))),
        outcome(printer.print(slipNo('000002'))),
      ]);
      expect(results).toEqual(['printed', 'printed']);
      expect(traces(subject.printedText())).toEqual(['000001', '000001', '000002', '000002']);
    });

    it('rejects a document it cannot lay out and goes on printing', async () => {
      await printer.open();
      await expect(printer.print({ ...contractSlip, time: 'yesterday' })).rejects.toThrow(
        RangeError,
      );
      expect(await outcome(printer.print(contractSlip))).toBe('printed');
    });
  });
}
