import { SerialPort } from 'serialport';
import { PosError } from '../../../src/core/PosError.js';
import type { ByteStream } from '../AtChannel.js';
import { Listeners } from '../../Listeners.js';

/** A serial port as a {@link ByteStream}, with the means to close it. */
export interface SerialByteStream extends ByteStream {
  readonly path: string;
  /** Closes the port; `onClose` listeners run. Never rejects. */
  close(): Promise<void>;
}

/**
 * Opens `path` (e.g. `/dev/ttyModemAT`, a PTY) with serialport at `baudRate` (8N1, no flow
 * control). Rejects with `MODEM_UNAVAILABLE` when the port cannot be opened. The port's `error`
 * events never escape (an unhandled one would end the process): they end the stream instead,
 * as a disconnect does.
 */
export async function openSerialByteStream(
  path: string,
  baudRate = 115_200,
): Promise<SerialByteStream> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  const data = new Listeners<Uint8Array>();
  const closes = new Listeners<Error | undefined>();
  let ended = false;
  const end = (error?: Error): void => {
    if (ended) return;
    ended = true;
    closes.emit(error);
    data.clear();
    closes.clear();
  };
  port.on('data', (chunk: Buffer) => {
    data.emit(chunk);
  });
  port.on('close', (error?: Error | null) => {
    end(error ?? undefined);
  });
  port.on('error', (error: Error) => {
    if (port.isOpen) port.close(() => undefined);
    end(error);
  });
  await new Promise<void>((resolve, reject) => {
    port.open((error) => {
      if (error) {
        reject(
          new PosError('MODEM_UNAVAILABLE', `cannot open the modem port ${path}`, {
            details: { path },
            cause: error,
          }),
        );
      } else resolve();
    });
  });
  return {
    path,
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        if (ended) {
          reject(new Error('the port is closed'));
          return;
        }
        port.write(Buffer.from(bytes), (error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
    onData: (listener) => data.add(listener),
    onClose: (listener) => closes.add(listener),
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) {
          end();
          resolve();
          return;
        }
        port.close(() => {
          end();
          resolve();
        });
      }),
  };
}
