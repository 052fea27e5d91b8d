import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/displayWidth.js';
import { FakePrinter } from '../../drivers/printer/FakePrinter.js';
import type { SalesSlip } from '../../drivers/printer/PrintDocument.js';
import { slipLines, SlipShelf } from './SlipShelf.js';

const slip: SalesSlip = {
  kind: 'sales-slip',
  language: 'en',
  merchant: { id: 'M0000001', name: 'ComboPay 演示商户 Demo' },
  terminalId: 'T0000001',
  operator: '01',
  type: 'sale',
  account: '138****8000',
  batch: '000001',
  trace: '000007',
  authCode: 'A1B2C3',
  reference: '000000123456',
  time: '2026-11-23T08:30:15.000Z',
  amount: { value: 1250, currency: 'CNY' },
  reprint: false,
};

async function openPrinter(): Promise<FakePrinter> {
  const printer = new FakePrinter();
  await printer.open();
  return printer;
}

describe('slipLines', () => {
  it('gives the paper the ESC/POS bytes print: both copies, cut after each, Chinese kept', () => {
    const lines = slipLines(slip);
    expect(lines.filter((line) => line === '[cut]')).toHaveLength(2);
    expect(lines.at(-1)).toBe('[cut]');
    expect(lines.filter((line) => line.includes('CNY 12.50'))).toHaveLength(2);
    expect(lines.join('\n')).toContain('演示商户');
    expect(lines.join('\n')).toContain('000007');
    // A 58 mm roll: nothing wider than 32 columns (a Chinese character takes two).
    expect(lines.filter((line) => displayWidth(line) > 32)).toEqual([]);
  });

  it('prints what the printer cannot as "?" rather than hiding it', () => {
    const lines = slipLines({ ...slip, language: 'en', merchant: { id: 'M1', name: 'Café ☕' } });
    expect(lines.join('\n')).toMatch(/Caf.*\?/);
  });
});

describe('SlipShelf', () => {
  it('collects each printed document as text, newest last, and tells its listeners', async () => {
    const printer = await openPrinter();
    const shelf = new SlipShelf(printer);
    const heard: number[] = [];
    shelf.onSlip((printed) => heard.push(printed.index));
    await printer.print(slip);
    await printer.print({ ...slip, trace: '000008', amount: { value: 99, currency: 'CNY' } });
    expect(shelf.slips.map((printed) => printed.index)).toEqual([0, 1]);
    expect(heard).toEqual([0, 1]);
    expect(shelf.slips[1]?.kind).toBe('sales-slip');
    expect(shelf.slips[1]?.lines.join('\n')).toContain('CNY 0.99');
  });

  it('keeps only the last slips it is told to', async () => {
    const printer = await openPrinter();
    const shelf = new SlipShelf(printer, { keep: 2 });
    for (const trace of ['000001', '000002', '000003']) await printer.print({ ...slip, trace });
    expect(shelf.slips.map((printed) => printed.index)).toEqual([1, 2]);
    expect(shelf.slips[0]?.lines.join('\n')).toContain('000002');
  });

  it('collects nothing once closed, nor what failed to print', async () => {
    const printer = await openPrinter();
    const shelf = new SlipShelf(printer);
    printer.setPaper('out');
    await expect(printer.print(slip)).rejects.toMatchObject({ code: 'PRINTER_PAPER_OUT' });
    printer.setPaper('ok');
    shelf.close();
    await printer.print(slip);
    expect(shelf.slips).toEqual([]);
  });
});
