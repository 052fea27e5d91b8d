import { BreakLine, CharacterSet, PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import { encodableText, needsMultiByte } from '../escpos/encodableText.js';
import { layoutDocument, SLIP_COLUMNS, type SlipLine } from '../layoutDocument.js';
import type { PrintDocument } from '../PrintDocument.js';

/** `ESC @`: clears the modes a print cut short may have left (bold, size, alignment). */
const INITIALISE = Buffer.from([0x1b, 0x40]);
/** `FS &` / `FS .`: Chinese character mode on (text read as GB18030) / off. */
const CHINESE_MODE_ON = Buffer.from([0x1c, 0x26]);
const CHINESE_MODE_OFF = Buffer.from([0x1c, 0x2e]);
/**
 * `GS !` with the width multiplier in bits 4–7 and the height's in bits 0–3 (each less one):
 * `0x01` double height, `0x11` double width and height. Written raw: node-thermal-printer's
 * `setTextSize(height, width)` puts `height` in bits 4–7, which Epson defines as the width, and
 * `ESC !` (its `setTextDoubleHeight`) does not enlarge Chinese characters.
 */
function characterSize(line: SlipLine): Buffer {
  return Buffer.from([0x1d, 0x21, (line.wide ? 0x10 : 0) | (line.tall ? 0x01 : 0)]);
}

const PLAIN: SlipLine = { text: '', align: 'left' };

/** Sends only the mode commands that differ between two lines. */
function changeModes(printer: ThermalPrinter, from: SlipLine, to: SlipLine): void {
  if (to.align !== from.align) {
    if (to.align === 'center') printer.alignCenter();
    else printer.alignLeft();
  }
  if (Boolean(to.bold) !== Boolean(from.bold)) printer.bold(Boolean(to.bold));
  if (Boolean(to.tall) !== Boolean(from.tall) || Boolean(to.wide) !== Boolean(from.wide)) {
    printer.add(characterSize(to));
  }
}

/** node-thermal-printer builds bytes only: the driver writes them through its own link. */
const NO_INTERFACE = {
  execute: (): Promise<never> =>
    Promise.reject(new Error('EscPosPrinter writes through its own link')),
};

/**
 * The ESC/POS bytes of a document for a 58 mm Epson-compatible printer (32 columns), built with
 * node-thermal-printer: each page of `layoutDocument` (merchant copy, customer copy; or the
 * report; or the test page) starts with `ESC @` and the character set, and ends with a feed
 * and a full cut. Tall lines are printed double height, wide ones double width (`GS !`).
 *
 * Chinese documents, and English ones whose text is not all ASCII (a Chinese merchant name, a
 * test page's Chinese sample), print in the CHINA character set with Chinese character mode on (`FS &`): GB18030, of which
 * the GBK characters are printed; others in PC437 with Chinese mode off. Characters the
 * printer cannot print become `?`.
 *
 * @throws RangeError when the document's time is not an ISO 8601 time with a zone
 */
export function encodeDocument(document: PrintDocument): Buffer {
  const pages = layoutDocument(document);
  const chinese =
    document.language !== 'en' || pages.some((page) => page.some((l) => needsMultiByte(l.text)));
  const printer = new ThermalPrinter({
    type: PrinterTypes.EPSON,
    // Typed as a string (a printer URI), but the library takes an interface object too.
    interface: NO_INTERFACE as unknown as string,
    width: SLIP_COLUMNS,
    characterSet: chinese ? CharacterSet.CHINA : CharacterSet.PC437_USA,
    breakLine: BreakLine.NONE,
  });
  printer.setBuffer(Buffer.alloc(0));
  for (const page of pages) {
    printer.add(INITIALISE);
    printer.setCharacterSet(chinese ? CharacterSet.CHINA : CharacterSet.PC437_USA);
    printer.add(chinese ? CHINESE_MODE_ON : CHINESE_MODE_OFF);
    let previous = PLAIN;
    for (const line of page) {
      changeModes(printer, previous, line);
      printer.println(encodableText(line.text, chinese ? 'gbk' : 'ascii'));
      previous = line;
    }
    changeModes(printer, previous, PLAIN);
    // Feeds four lines, so the last one clears the cutter, cuts, and resets (ESC @).
    printer.cut({ verticalTabAmount: 1 });
  }
  return Buffer.from(printer.getBuffer());
}
