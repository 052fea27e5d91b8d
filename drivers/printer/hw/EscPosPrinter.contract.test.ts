import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPtyPair, type PtyPair } from '../../../src/testing/ptyPair.js';
import { decodeEscPos, toText } from '../escpos/decodeEscPos.js';
import { PrinterEmulator } from '../escpos/PrinterEmulator.js';
import { describePrinterContract } from '../printerContract.js';
import { EscPosPrinter } from './EscPosPrinter.js';
import { startSerialPrinterSink, startTcpPrinterSink, type PrinterSink } from './printerSinks.js';
import { SerialLink } from './SerialLink.js';
import { TcpLink } from './TcpLink.js';

const fast = { statusTimeoutMs: 500, pollMs: 20, reconnectDelayMs: 20, maxReconnectDelayMs: 100 };

describePrinterContract('EscPosPrinter over TCP', async () => {
  const sink = await startTcpPrinterSink();
  const printer = new EscPosPrinter({
    link: new TcpLink({ host: '127.0.0.1', port: sink.port }),
    ...fast,
  });
  return {
    printer,
    setPaper: (paper) => {
      sink.printer.setPaper(paper);
    },
    openCover: () => {
      sink.printer.openCover();
    },
    closeCover: () => {
      sink.printer.closeCover();
    },
    setOffline: (offline) => sink.setOnline(!offline),
    printedText: () => toText(decodeEscPos(sink.printer.printed)),
    dispose: () => sink.close(),
  };
});

describePrinterContract('EscPosPrinter over a serial PTY pair', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'printer-pty-'));
  const paths = [path.join(dir, 'terminal'), path.join(dir, 'printer')] as const;
  let pty: PtyPair = await openPtyPair({ paths });
  const emulator = new PrinterEmulator();
  let sink: PrinterSink = await startSerialPrinterSink(pty.b, { printer: emulator });
  const printer = new EscPosPrinter({ link: new SerialLink({ path: pty.a }), ...fast });
  return {
    printer,
    setPaper: (paper) => {
      emulator.setPaper(paper);
    },
    openCover: () => {
      emulator.openCover();
    },
    closeCover: () => {
      emulator.closeCover();
    },
    // The port disappears (socat stops, like a USB adapter pulled) and comes back at the same path.
    setOffline: async (offline) => {
      if (offline) {
        await sink.close();
        await pty.close();
        return;
      }
      pty = await openPtyPair({ paths });
      sink = await startSerialPrinterSink(pty.b, { printer: emulator });
    },
    printedText: () => toText(decodeEscPos(emulator.printed)),
    dispose: async () => {
      await sink.close();
      await pty.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
