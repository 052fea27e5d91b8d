import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/core/errorCodes.js';
import { ManualClock } from '../../src/core/ManualClock.js';
import { isPosError } from '../../src/core/PosError.js';
import { FakePrinter } from './FakePrinter.js';
import type { PrintDocument, SalesSlip } from './PrintDocument.js';
import { contractSlip } from './printerContract.js';
import { renderDocumentText } from './renderDocumentText.js';

const slip: SalesSlip = contractSlip;

const slipNo = (trace: string): SalesSlip => ({ ...slip, trace });

/** Watches a promise without letting its rejection go unhandled. */
function watch(promise: Promise<unknown>): () => string {
  let state = 'pending';
  promise.then(
    () => (state = 'printed'),
    (error: unknown) => (state = isPosError(error) ? error.code : `threw ${String(error)}`),
  );
  return () => state;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function outcome(promise: Promise<unknown>): Promise<ErrorCode | 'printed'> {
  try {
    await promise;
    return 'printed';
  } catch (error) {
    if (isPosError(error)) return error.code;
    throw error;
  }
}

async function openPrinter(
  printDelayMs = 0,
): Promise<{ printer: FakePrinter; clock: ManualClock }> {
  const clock = new ManualClock();
  const printer = new FakePrinter({ clock, printDelayMs });
  await printer.open();
  return { printer, clock };
}

const traces = (printer: FakePrinter): string[] =>
  printer.printed.map((document) => (document.kind === 'sales-slip' ? document.trace : '?'));

describe('FakePrinter', () => {
  it('records a deep-frozen copy of each document printed, and its text', async () => {
    const { printer } = await openPrinter();
    const document = structuredClone(slip) as { -readonly [K in keyof SalesSlip]: SalesSlip[K] };
    await printer.print(document);
    document.trace = '999999';
    document.merchant = { id: 'X', name: 'changed' };
    const [printed] = printer.printed;
    expect(printed).toEqual(slip);
    expect(Object.isFrozen(printed)).toBe(true);
    expect(Object.isFrozen((printed as SalesSlip).merchant)).toBe(true);
    expect(Object.isFrozen((printed as SalesSlip).amount)).toBe(true);
    expect(printer.text()).toBe(`${renderDocumentText(slip).join('\n')}\n`);
    expect(printer.text()).toContain('AMOUNT                 CNY 12.50\n');
  });

  it('prints a test page', async () => {
    const { printer } = await openPrinter();
    await printer.print({
      kind: 'test-page',
      language: 'en',
      terminalId: 'T0000001',
      version: '0.1.0',
      time: '2026-11-23T08:30:15Z',
    });
    expect(printer.printed.map((document) => document.kind)).toEqual(['test-page']);
    expect(printer.text()).toContain('          PRINTER TEST\n');
    expect(printer.text()).toContain('VERSION                    0.1.0\n');
    expect(printer.text().endsWith('     -- end of test page --\n')).toBe(true);
  });

  it('puts a blank line between documents in its text', async () => {
    const { printer } = await openPrinter();
    await printer.print(slip);
    await printer.print({ ...slip, language: 'zh-CN' });
    const lines = printer.text().split('\n');
    const first = renderDocumentText(slip).length;
    expect(lines[first - 1]).toBe('           Thank you');
    expect(lines[first]).toBe('');
    expect(lines[first + 1]).toBe('        ComboPay 签购单');
    expect(printer.text().endsWith('            谢谢惠顾\n')).toBe(true);
  });

  it('does not let a test change what was printed', async () => {
    const { printer } = await openPrinter();
    await printer.print(slip);
    (printer.printed as PrintDocument[]).length = 0;
    expect(printer.printed).toHaveLength(1);
  });

  it('reports its state', async () => {
    const printer = new FakePrinter();
    expect(await printer.status()).toEqual({
      paper: 'unknown',
      coverOpen: 'unknown',
      online: false,
    });
    await printer.open();
    expect(await printer.status()).toEqual({ paper: 'ok', coverOpen: false, online: true });
    printer.setPaper('out');
    printer.openCover();
    expect(await printer.status()).toEqual({ paper: 'out', coverOpen: true, online: true });
    printer.setOffline(true);
    expect(await printer.status()).toEqual({
      paper: 'unknown',
      coverOpen: 'unknown',
      online: false,
    });
    printer.setOffline(false);
    printer.setPaper('ok');
    printer.closeCover();
    expect(await printer.status()).toEqual({ paper: 'ok', coverOpen: false, online: true });
  });

  it('refuses to print without paper until paper is loaded', async () => {
    const { printer } = await openPrinter();
    printer.setPaper('out');
    expect(await outcome(printer.print(slipNo('000001')))).toBe('PRINTER_PAPER_OUT');
    printer.setPaper('ok');
    expect(await outcome(printer.print(slipNo('000002')))).toBe('printed');
    expect(traces(printer)).toEqual(['000002']);
  });

  it('refuses to print with the cover open until it is closed', async () => {
    const { printer } = await openPrinter();
    printer.openCover();
    printer.setPaper('out');
    expect(await outcome(printer.print(slip))).toBe('PRINTER_COVER_OPEN');
    printer.closeCover();
    expect(await outcome(printer.print(slip))).toBe('PRINTER_PAPER_OUT');
    expect(printer.printed).toEqual([]);
  });

  it('refuses to print offline or closed', async () => {
    const { printer } = await openPrinter();
    printer.setOffline(true);
    printer.openCover();
    expect(await outcome(printer.print(slip))).toBe('PRINTER_UNAVAILABLE');
    printer.setOffline(false);
    printer.closeCover();
    await printer.close();
    expect(await outcome(printer.print(slip))).toBe('PRINTER_UNAVAILABLE');
    await printer.open();
    await printer.open();
    expect(await outcome(printer.print(slip))).toBe('printed');
    expect(printer.printed).toHaveLength(1);
  });

  it.each(['PRINTER_PAPER_OUT', 'PRINTER_COVER_OPEN', 'PRINTER_UNAVAILABLE'] as const)(
    'fails the next print once with an injected %s, its state unchanged',
    async (code) => {
      const { printer } = await openPrinter();
      printer.failNext(code);
      expect(await outcome(printer.print(slipNo('000001')))).toBe(code);
      expect(await printer.status()).toEqual({ paper: 'ok', coverOpen: false, online: true });
      expect(await outcome(printer.print(slipNo('000002')))).toBe('printed');
      expect(traces(printer)).toEqual(['000002']);
    },
  );

  it('keeps an injected fault for a print that starts', async () => {
    const { printer } = await openPrinter();
    printer.failNext('PRINTER_UNAVAILABLE');
    printer.setPaper('out');
    expect(await outcome(printer.print(slip))).toBe('PRINTER_PAPER_OUT');
    printer.setPaper('ok');
    expect(await outcome(printer.print(slip))).toBe('PRINTER_UNAVAILABLE');
  });

  it('prints one document at a time, in the order asked', async () => {
    const { printer, clock } = await openPrinter(100);
    const first = watch(printer.print(slipNo('000001')));
    const second = watch(printer.print(slipNo('000002')));
    await settle();
    clock.advance(99);
    await settle();
    expect([first(), second()]).toEqual(['pending', 'pending']);
    clock.advance(1);
    await settle();
    expect([first(), second()]).toEqual(['printed', 'pending']);
    expect(traces(printer)).toEqual(['000001']);
    // Had both run at once, the second would be done by now.
    clock.advance(99);
    await settle();
    expect(second()).toBe('pending');
    clock.advance(1);
    await settle();
    expect(second()).toBe('printed');
    expect(traces(printer)).toEqual(['000001', '000002']);
  });

  it('ends a print when the paper runs out mid-print; the next waits its turn and fails too', async () => {
    const { printer, clock } = await openPrinter(100);
    const first = watch(printer.print(slipNo('000001')));
    const second = watch(printer.print(slipNo('000002')));
    await settle();
    clock.advance(50);
    printer.setPaper('out');
    await settle();
    expect([first(), second()]).toEqual(['PRINTER_PAPER_OUT', 'PRINTER_PAPER_OUT']);
    expect(printer.printed).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('goes on with the next document after one fails', async () => {
    const { printer, clock } = await openPrinter(100);
    const first = watch(printer.print(slipNo('000001')));
    await settle();
    clock.advance(50);
    printer.openCover();
    printer.closeCover();
    const second = watch(printer.print(slipNo('000002')));
    await settle();
    clock.advance(100);
    await settle();
    expect([first(), second()]).toEqual(['PRINTER_COVER_OPEN', 'printed']);
    expect(traces(printer)).toEqual(['000002']);
  });

  it('fails the print under way and those waiting when closed or taken offline', async () => {
    const { printer, clock } = await openPrinter(100);
    const first = watch(printer.print(slipNo('000001')));
    const second = watch(printer.print(slipNo('000002')));
    await settle();
    await printer.close();
    await settle();
    expect([first(), second()]).toEqual(['PRINTER_UNAVAILABLE', 'PRINTER_UNAVAILABLE']);

    await printer.open();
    const third = watch(printer.print(slipNo('000003')));
    await settle();
    printer.setOffline(true);
    await settle();
    expect(third()).toBe('PRINTER_UNAVAILABLE');
    clock.advance(1000);
    expect(printer.printed).toEqual([]);
  });

  it('tells its listeners about each document printed to the end', async () => {
    const { printer } = await openPrinter();
    const seen: string[] = [];
    const off = printer.onPrinted((document) => seen.push(document.kind));
    printer.failNext('PRINTER_PAPER_OUT');
    await outcome(printer.print(slip));
    await printer.print(slip);
    off();
    off();
    await printer.print(slip);
    expect(seen).toEqual(['sales-slip']);
  });

  it('fails a document it cannot lay out without using up an injected fault', async () => {
    const { printer } = await openPrinter();
    printer.failNext('PRINTER_PAPER_OUT');
    await expect(printer.print({ ...slip, time: 'yesterday' })).rejects.toThrow(RangeError);
    expect(await outcome(printer.print(slip))).toBe('PRINTER_PAPER_OUT');
  });

  it('refuses a negative print delay', () => {
    expect(() => new FakePrinter({ printDelayMs: -1 })).toThrow(RangeError);
    expect(() => {
      new FakePrinter().setPrintDelay(Number.NaN);
    }).toThrow(RangeError);
  });
});
