import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { PrinterLink, PrinterLinkEvents } from './PrinterLink.js';

/** How long a write may wait for the device to take bytes before the printer counts as gone. */
const WRITE_DEADLINE_MS = 10_000;
/** Wait between attempts while the device will not take bytes (EAGAIN). */
const RETRY_MS = 50;

/**
 * A printer behind a device file, such as the USB printer class device `/dev/usb/lp0`.
 * One-way: the driver writes only (reading usblp blocks when the printer has nothing to
 * say), so paper and cover are `unknown` and a print resolves once the bytes were written.
 *
 * The device is opened non-blocking: usblp blocks a write for as long as the printer is out
 * of paper or offline, which would hang the print, `close()` and one of Node's worker threads.
 * A write the device will not take within 10 s fails, and the link counts as lost.
 */
export class DeviceFileLink implements PrinterLink {
  readonly twoWay = false;
  readonly description: string;
  readonly #path: string;
  #file: FileHandle | undefined;
  #events: PrinterLinkEvents | undefined;

  constructor(path: string) {
    this.#path = path;
    this.description = `device ${path}`;
  }

  async open(events: PrinterLinkEvents): Promise<void> {
    // No O_CREAT: a missing device must fail, not become a regular file.
    this.#file = await open(this.#path, constants.O_WRONLY | constants.O_NONBLOCK);
    this.#events = events;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const file = this.#file;
    if (!file) throw new Error(`${this.description} is not open`);
    try {
      let offset = 0;
      const deadline = Date.now() + WRITE_DEADLINE_MS;
      while (offset < bytes.length) {
        try {
          const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset, null);
          offset += bytesWritten;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() > deadline) {
            throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    } catch (error) {
      // ENODEV / EIO: the printer was unplugged.
      this.#file = undefined;
      await file.close().catch(() => undefined);
      this.#events?.lost(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  async close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await file?.close();
  }
}
