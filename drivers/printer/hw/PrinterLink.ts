/** What a link reports to the driver after it opened. */
export interface PrinterLinkEvents {
  /** Bytes the printer sent (two-way links only). */
  readonly data: (bytes: Buffer) => void;
  /** The link dropped by itself (port unplugged, socket closed, write failed); called once. */
  readonly lost: (error: Error) => void;
}

/**
 * A byte pipe to an ESC/POS printer: serial port, device file or TCP socket. Opened and closed
 * by `EscPosPrinter`, which reconnects by opening it again after `lost`.
 */
export interface PrinterLink {
  /** Whether the printer's answers come back (real-time status needs them). */
  readonly twoWay: boolean;
  /** Where it goes, for logs (`serial /dev/ttyUSB0 @ 9600`). */
  readonly description: string;
  /** Opens the link; rejects when the device is not there or refuses. */
  open(events: PrinterLinkEvents): Promise<void>;
  /** Resolves once the bytes were handed to the operating system; rejects when the link failed. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the link (no `lost` for it); a closed link may be opened again. */
  close(): Promise<void>;
}
