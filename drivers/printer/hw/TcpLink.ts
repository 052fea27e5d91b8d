import net from 'node:net';
import type { PrinterLink, PrinterLinkEvents } from './PrinterLink.js';

export interface TcpLinkOptions {
  readonly host: string;
  /** Default 9100, the raw printing port of network receipt printers. */
  readonly port?: number;
  /** Gives up connecting after this long (default 3000 ms). */
  readonly connectTimeoutMs?: number;
}

/** A network printer's raw port: two-way, so real-time status works. */
export class TcpLink implements PrinterLink {
  readonly twoWay = true;
  readonly description: string;
  readonly #host: string;
  readonly #port: number;
  readonly #connectTimeoutMs: number;
  #socket: net.Socket | undefined;

  constructor(options: TcpLinkOptions) {
    this.#host = options.host;
    this.#port = options.port ?? 9100;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.description = `tcp ${this.#host}:${this.#port}`;
  }

  open(events: PrinterLinkEvents): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: this.#host, port: this.#port });
      let connected = false;
      let lastError: Error | undefined;
      socket.setTimeout(this.#connectTimeoutMs, () => {
        socket.destroy(
          new Error(`${this.description}: no connection after ${this.#connectTimeoutMs} ms`),
        );
      });
      socket.on('error', (error) => {
        lastError = error;
      });
      socket.on('connect', () => {
        connected = true;
        socket.setTimeout(0);
        socket.setNoDelay(true);
        // A printer switched off without a reset is noticed (and reconnected to) by keepalive.
        socket.setKeepAlive(true, 5_000);
        this.#socket = socket;
        resolve();
      });
      socket.on('data', (bytes) => {
        events.data(bytes);
      });
      socket.on('close', () => {
        const error = lastError ?? new Error(`${this.description} closed`);
        if (!connected) {
          reject(error);
          return;
        }
        if (this.#socket !== socket) return;
        this.#socket = undefined;
        events.lost(error);
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (!socket) return Promise.reject(new Error(`${this.description} is not open`));
    return new Promise((resolve, reject) => {
      socket.write(bytes, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      // A printer that stopped reading never lets the pending bytes go: give up after 1 s.
      const timer = setTimeout(() => socket.destroy(), 1_000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
      socket.destroySoon();
    });
  }
}
