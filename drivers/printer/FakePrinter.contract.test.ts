import { FakePrinter } from './FakePrinter.js';
import { describePrinterContract } from './printerContract.js';

describePrinterContract('FakePrinter', () => {
  const printer = new FakePrinter();
  return Promise.resolve({
    printer,
    setPaper: (paper) => {
      printer.setPaper(paper);
    },
    openCover: () => {
      printer.openCover();
    },
    closeCover: () => {
      printer.closeCover();
    },
    setOffline: (offline) => {
      printer.setOffline(offline);
    },
    printedText: () => printer.text(),
    dispose: () => Promise.resolve(),
  });
});
