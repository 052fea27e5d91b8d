import net from 'node:net';
import { SerialPort } from 'serialport';
import { PrinterEmulator } from '../escpos/PrinterEmulator.js';

/** An emulated printer at the far end of a link, for integration tests and simulators. */
export interface PrinterSink {
  readonly printer: PrinterEmulator;
  close(): Promise<void>;
}

export interface TcpPrinterSink extends PrinterSink {
  readonly port: number;
  /** Switched off: connections dropped, the port closed. On: listening on the same port again. */
  setOnline(online: boolean): Promise<void>;
}

/**
 * A network printer: a TCP server (default 127.0.0.1 on a free port) with a
 * {@link PrinterEmulator} (a new one, or `printer` to keep one across sinks).
 */
export async function startTcpPrinterSink(
  options: { port?: number; host?: string; printer?: PrinterEmulator } = {},
): Promise<TcpPrinterSink> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<net.Socket>();
  const printer = options.printer ?? new PrinterEmulator();
  printer.attach((bytes) => {
    for (const socket of sockets) socket.write(bytes);
  });
  let server: net.Server | undefined;
  const listen = async (port: number): Promise<number> => {
    const started = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk) => {
        printer.receive(chunk);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      started.once('error', reject);
      started.listen(port, host, () => {
        resolve();
      });
    });
    server = started;
    const address = started.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    return address.port;
  };
  const stop = (): Promise<void> => {
    const running = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (!running) return Promise.resolve();
    return new Promise((resolve) => {
      running.close(() => {
        resolve();
      });
    });
  };
  const port = await listen(options.port ?? 0);
  return {
    printer,
    port,
    setOnline: async (online) => {
      if (online && !server) await listen(port);
      if (!online) await stop();
    },
    close: stop,
  };
}

/**
 * A serial printer on `path` (one end of a PTY pair) with a {@link PrinterEmulator} (a new
 * one, or `printer` to keep one across sinks).
 */
export async function startSerialPrinterSink(
  path: string,
  options: { baudRate?: number; printer?: PrinterEmulator } = {},
): Promise<PrinterSink> {
  const port = new SerialPort({ path, baudRate: options.baudRate ?? 9600, autoOpen: false });
  const printer = options.printer ?? new PrinterEmulator();
  printer.attach((bytes) => {
    if (port.isOpen) port.write(Buffer.from(bytes));
  });
  port.on('data', (chunk: Buffer) => {
    printer.receive(chunk);
  });
  port.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    port.open((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  return {
    printer,
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) {
          resolve();
          return;
        }
        port.close(() => {
          resolve();
        });
      }),
  };
}
