import { describe, expect, it } from 'vitest';
import { PrinterEmulator } from './PrinterEmulator.js';

function emulator(): { printer: PrinterEmulator; answers: number[] } {
  const answers: number[] = [];
  const printer = new PrinterEmulator();
  printer.attach((bytes) => answers.push(...bytes));
  return { printer, answers };
}

describe('PrinterEmulator', () => {
  it('prints data, answers DLE EOT at once and GS r 1 in turn, keeping neither', () => {
    const { printer, answers } = emulator();
    printer.receive(Uint8Array.of(0x41, 0x10, 0x04, 0x01, 0x42, 0x1d, 0x72, 0x01, 0x0a));
    expect([...printer.printed]).toEqual([0x41, 0x42, 0x0a]);
    expect(answers).toEqual([0x12, 0x00]);
  });

  it('joins a request split across chunks', () => {
    const { printer, answers } = emulator();
    printer.receive(Uint8Array.of(0x41, 0x10));
    printer.receive(Uint8Array.of(0x04));
    printer.receive(Uint8Array.of(0x04, 0x42));
    expect([...printer.printed]).toEqual([0x41, 0x42]);
    expect(answers).toEqual([0x12]);
  });

  it('runs out of paper part-way: drops the rest, reports the paper end, leaves GS r unanswered', () => {
    const { printer, answers } = emulator();
    printer.runOutOfPaperAfter(2);
    printer.receive(Uint8Array.of(0x41, 0x42, 0x43, 0x1d, 0x72, 0x01, 0x10, 0x04, 0x04));
    expect([...printer.printed]).toEqual([0x41, 0x42]);
    expect(printer.paperOut).toBe(true);
    expect(answers).toEqual([0x7e]);
    printer.setPaper('ok');
    printer.receive(Uint8Array.of(0x44, 0x1d, 0x72, 0x01));
    expect([...printer.printed]).toEqual([0x41, 0x42, 0x44]);
    expect(answers).toEqual([0x7e, 0x00]);
  });

  it('prints nothing with the cover open, and says so', () => {
    const { printer, answers } = emulator();
    printer.openCover();
    printer.receive(Uint8Array.of(0x41, 0x10, 0x04, 0x02));
    expect(printer.printed).toHaveLength(0);
    expect(answers).toEqual([0x16]);
    printer.closeCover();
    printer.receive(Uint8Array.of(0x41));
    expect(printer.printed).toHaveLength(1);
  });
});
