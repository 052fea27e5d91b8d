import { SerialPort } from 'serialport';
import type { PrinterLink, PrinterLinkEvents } from './PrinterLink.js';

export interface SerialLinkOptions {
  /** The port, e.g. `/dev/ttyUSB0` or `/dev/ttyS1`. */
  readonly path: string;
  /** Bits per second (default 9600, the usual factory setting of serial receipt printers). */
  readonly baudRate?: number;
}

/** A serial printer on serialport: two-way, so real-time status works. */
export class SerialLink implements PrinterLink {
  readonly twoWay = true;
  readonly description: string;
  readonly #path: string;
  readonly #baudRate: number;
  #port: SerialPort | undefined;

  constructor(options: SerialLinkOptions) {
    this.#path = options.path;
    this.#baudRate = options.baudRate ?? 9600;
    this.description = `serial ${this.#path} @ ${this.#baudRate}`;
  }

  open(events: PrinterLinkEvents): Promise<void> {
    const port = new SerialPort({ path: this.#path, baudRate: this.#baudRate, autoOpen: false });
    let lost = false;
    const lose = (error: Error): void => {
      if (lost || this.#port !== port) return;
      lost = true;
      this.#port = undefined;
      events.lost(error);
    };
    // An 'error' event without a listener would crash the process.
    port.on('error', lose);
    port.on('close', (error: Error | null) => {
      lose(error ?? new Error(`${this.description} closed`));
    });
    port.on('data', (bytes: Buffer) => {
      events.data(bytes);
    });
    return new Promise((resolve, reject) => {
      port.open((error) => {
        if (error) {
          reject(error);
          return;
        }
        this.#port = port;
        resolve();
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    const port = this.#port;
    if (!port) return Promise.reject(new Error(`${this.description} is not open`));
    return new Promise((resolve, reject) => {
      port.write(Buffer.from(bytes), (error: Error | null | undefined) => {
        if (error) reject(error);
      });
      port.drain((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    const port = this.#port;
    this.#port = undefined;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      port.close(() => {
        resolve();
      });
    });
  }
}
