import { SerialPort } from 'serialport';
import type { ConsolePort } from './ConsolePort.js';

/**
 * Opens the serial tty at `path` as the console: `baudRate` 8N1, no flow control. The port's
 * closing (a USB adapter pulled out) or an error ends the input. Rejects when it cannot open.
 */
export async function openSerialPort(path: string, baudRate: number): Promise<ConsolePort> {
  const port = new SerialPort({
    path,
    baudRate,
    dataBits: 8,
    parity: 'none',
    stopBits: 1,
    rtscts: false,
    xon: false,
    xoff: false,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => {
    port.open((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  const endListeners: ((reason: string) => void)[] = [];
  let ended = false;
  const end = (reason: string): void => {
    if (ended) return;
    ended = true;
    for (const listener of endListeners) listener(reason);
  };
  port.on('close', () => {
    end(`${path} closed`);
  });
  port.on('error', (error: Error) => {
    end(`${path}: ${error.message}`);
  });
  return {
    write: (text) => {
      if (!ended) port.write(text);
    },
    onData: (listener) => {
      port.on('data', (chunk: Buffer) => {
        listener(chunk);
      });
    },
    onEnd: (listener) => {
      endListeners.push(listener);
    },
    close: async () => {
      ended = true;
      if (!port.isOpen) return;
      await new Promise<void>((resolve) => {
        port.drain(() => {
          port.close(() => {
            resolve();
          });
        });
      });
    },
  };
}
