/**
 * The technician's side of the console: a byte stream both ways (a serial tty, or this
 * process's stdin and stdout). Text written goes out as UTF-8, with the line ends already
 * CRLF.
 */
export interface ConsolePort {
  write(text: string): void;
  /** Bytes typed by the technician, as they come. */
  onData(listener: (bytes: Uint8Array) => void): void;
  /** The input ended: stdin reached its end, or the serial port closed or disappeared. */
  onEnd(listener: (reason: string) => void): void;
  /** Stops reading and releases the port (restores the tty's mode). */
  close(): Promise<void>;
}
