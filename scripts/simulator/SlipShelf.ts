import { decodeEscPos, toText } from '../../drivers/printer/escpos/decodeEscPos.js';
import { encodeDocument } from '../../drivers/printer/hw/encodeDocument.js';
import type { PrintDocument } from '../../drivers/printer/PrintDocument.js';
import { SLIP_COLUMNS } from '../../drivers/printer/renderDocumentText.js';

/** One printed document, as the paper shows it. */
export interface Slip {
  /** Counts every document printed since the shelf was made, from 0. */
  readonly index: number;
  readonly kind: PrintDocument['kind'];
  /** The paper, line by line; each cut is a `[cut]` line (between the two copies, at the end). */
  readonly lines: readonly string[];
  /** When it came out of the printer (epoch ms). */
  readonly printedAt: number;
}

/** What the shelf needs of the printer: the fake printer's `onPrinted`. */
export interface PrintedSource {
  onPrinted(listener: (document: PrintDocument) => void): () => void;
}

/**
 * The paper as the real printer would print it: the document encoded to ESC/POS by the board
 * printer's own encoder (`encodeDocument`), then decoded back by `decodeEscPos` and laid on a
 * 58 mm roll. The fake printer keeps documents, not bytes; going through the bytes shows what
 * the board would print, characters its printer cannot print (`?`) included.
 *
 * @throws RangeError when the document's time is not an ISO 8601 time (as the printer would)
 */
export function slipLines(document: PrintDocument): string[] {
  const text = toText(decodeEscPos(encodeDocument(document)), { columns: SLIP_COLUMNS });
  return text.split('\n').slice(0, -1);
}

/**
 * The slips the simulated printer printed, newest last, the last `keep` of them: the tray the
 * UI shows. A document that cannot be decoded to text (which the printer would have refused
 * too) is left out.
 */
export class SlipShelf {
  readonly #keep: number;
  readonly #slips: Slip[] = [];
  readonly #listeners = new Set<(slip: Slip) => void>();
  readonly #unsubscribe: () => void;
  #count = 0;

  constructor(printer: PrintedSource, options: { keep?: number } = {}) {
    this.#keep = Math.max(1, options.keep ?? 10);
    this.#unsubscribe = printer.onPrinted((document) => {
      this.#add(document);
    });
  }

  /** The slips kept, oldest first. */
  get slips(): readonly Slip[] {
    return [...this.#slips];
  }

  /** Called with each new slip. Returns an unsubscribe. Listeners must not throw. */
  onSlip(listener: (slip: Slip) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops collecting. Idempotent. */
  close(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #add(document: PrintDocument): void {
    let lines: string[];
    try {
      lines = slipLines(document);
    } catch {
      return;
    }
    const slip: Slip = Object.freeze({
      index: this.#count,
      kind: document.kind,
      lines: Object.freeze(lines),
      printedAt: Date.now(),
    });
    this.#count += 1;
    this.#slips.push(slip);
    if (this.#slips.length > this.#keep) this.#slips.splice(0, this.#slips.length - this.#keep);
    for (const listener of [...this.#listeners]) listener(slip);
  }
}
