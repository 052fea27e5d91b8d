import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { isPosError } from '../../core/PosError.js';
import { FakeKeypad } from '../../../drivers/keypad/FakeKeypad.js';
import { FifoInputDevice } from '../../../drivers/keypad/FifoInputDevice.js';
import { EvdevKeypad } from '../../../drivers/keypad/hw/EvdevKeypad.js';
import { GpioMatrixKeypad } from '../../../drivers/keypad/hw/GpioMatrixKeypad.js';
import type { Key } from '../../../drivers/keypad/Keypad.js';
import { FakeModem } from '../../../drivers/modem/FakeModem.js';
import { openSerialByteStream } from '../../../drivers/modem/hw/serialByteStream.js';
import { SerialModem } from '../../../drivers/modem/hw/SerialModem.js';
import { FakeCardReader } from '../../../drivers/nfc/FakeCardReader.js';
import { PcscCardReader } from '../../../drivers/nfc/hw/PcscCardReader.js';
import { FakePrinter } from '../../../drivers/printer/FakePrinter.js';
import { EscPosPrinter } from '../../../drivers/printer/hw/EscPosPrinter.js';
import type { SalesSlip } from '../../../drivers/printer/PrintDocument.js';
import { openPtyPair, type PtyPair } from '../../testing/ptyPair.js';
import { deviceConfigSchema } from '../deviceConfig.js';
import { openDevices, type BoardDevices } from './openDevices.js';

// PC/SC and sysfs GPIO are not on a CI machine: their packages are replaced by stand-ins that
// record what the driver does with them, so the test sees when the driver first touches them.
const hw = await vi.hoisted(async () => {
  // Hoisted above the imports, so it imports what it needs itself.
  const { EventEmitter } = await import('node:events');
  class StandInReader extends (EventEmitter as new () => NodeJS.EventEmitter) {
    autoProcessing = true;
    constructor(readonly name: string) {
      super();
    }
    close(): void {
      this.removeAllListeners();
    }
  }
  class StandInNfc extends (EventEmitter as new () => NodeJS.EventEmitter) {
    constructor() {
      super();
      hw.contexts.push(this);
    }
    close(): void {
      this.removeAllListeners();
    }
  }
  class StandInGpio {
    static readonly accessible = true;
    constructor(
      readonly pin: number,
      direction: string,
    ) {
      hw.gpio.push(`export ${pin} ${direction}`);
    }
    readSync(): number {
      return 1; // no key closed (active low)
    }
    setDirection(): void {
      // Scanning drives rows; nothing to record.
    }
    unexport(): void {
      hw.gpio.push(`unexport ${this.pin}`);
    }
  }
  return {
    contexts: [] as NodeJS.EventEmitter[],
    gpio: [] as string[],
    StandInReader,
    StandInNfc,
    StandInGpio,
  };
});
vi.mock('nfc-pcsc', () => ({ NFC: hw.StandInNfc }));
vi.mock('onoff', () => ({ Gpio: hw.StandInGpio }));

/** `value` as an instance of `type`, which it must be. */
function instanceOf<T>(value: unknown, type: abstract new (...args: never[]) => T): T {
  if (!(value instanceof type)) throw new Error(`not a ${type.name}`);
  return value;
}

const logger = createLogger({ name: 'test', level: 'silent' });
const config = (devices: unknown) => deviceConfigSchema.parse(devices);
/** A moment for anything a constructor might have started to show. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
const WAIT = { timeout: 5_000, interval: 10 };

const slip: SalesSlip = {
  kind: 'sales-slip',
  language: 'en',
  merchant: { id: 'M0001', name: 'Board Test Cafe' },
  terminalId: 'T0000042',
  operator: '01',
  type: 'sale',
  batch: '000001',
  trace: '000007',
  time: '2026-11-23T08:00:00Z',
  amount: { value: 1250, currency: 'CNY' },
  reprint: false,
};

describe('openDevices', () => {
  let dir: string;
  const cleanups: (() => Promise<unknown> | undefined)[] = [];
  const keep = (devices: BoardDevices): BoardDevices => {
    cleanups.push(
      () => devices.reader.close(),
      () => devices.keypad.close(),
      () => devices.printer.close(),
      () => devices.modem?.close(),
    );
    return devices;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'combopay-devices-'));
    hw.contexts.length = 0;
    hw.gpio.length = 0;
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the fakes in a simulator, and no modem for kind none', () => {
    const devices = keep(
      openDevices(
        config({
          simulator: true,
          reader: { kind: 'fake' },
          keypad: { kind: 'fake' },
          printer: { kind: 'fake' },
          modem: { kind: 'fake' },
        }),
        { logger },
      ),
    );
    expect(devices.reader).toBeInstanceOf(FakeCardReader);
    expect(devices.keypad).toBeInstanceOf(FakeKeypad);
    expect(devices.printer).toBeInstanceOf(FakePrinter);
    expect(devices.modem).toBeInstanceOf(FakeModem);
    const none = openDevices(
      config({
        simulator: true,
        reader: { kind: 'fake' },
        keypad: { kind: 'fake' },
        printer: { kind: 'fake' },
        modem: { kind: 'none' },
      }),
      { logger },
    );
    expect(none.modem).toBeUndefined();
  });

  it('refuses fakes without simulator, even in a config made in code', () => {
    const made = { ...config({ modem: { kind: 'none' } }), reader: { kind: 'fake' as const } };
    let error: unknown;
    try {
      openDevices(made, { logger });
    } catch (thrown) {
      error = thrown;
    }
    expect(isPosError(error) && error.code).toBe('CONFIG_INVALID');
    expect(isPosError(error) && error.details.issues).toEqual([
      expect.objectContaining({ field: 'devices.reader.kind' }),
    ]);
  });

  it('makes a PC/SC reader that reaches pcscd only when opened, and picks readers by name', async () => {
    // pcscd's socket, as the driver finds it: it asks it before making a PC/SC context.
    const socket = path.join(dir, 'pcscd.comm');
    let asked = 0;
    const pcscd = net.createServer((connection) => {
      asked += 1;
      connection.destroy();
    });
    await new Promise<void>((resolve) => pcscd.listen(socket, resolve));
    cleanups.push(() => new Promise((resolve) => pcscd.close(resolve)));
    vi.stubEnv('PCSCLITE_CSOCK_NAME', socket);

    const { reader } = keep(
      openDevices(config({ reader: { kind: 'pcsc', name: 'ACR122' }, modem: { kind: 'none' } }), {
        logger,
      }),
    );
    expect(reader).toBeInstanceOf(PcscCardReader);
    await settle();
    expect(asked).toBe(0);
    expect(hw.contexts).toHaveLength(0);

    await reader.open();
    await vi.waitFor(() => {
      expect(hw.contexts).toHaveLength(1);
    }, WAIT);
    expect(asked).toBe(1);
    const status: boolean[] = [];
    reader.onStatus((available) => status.push(available));
    const [context] = hw.contexts;
    // "ACR122" is a part of the name: PC/SC adds slot numbers, and a SAM slot shows too.
    context?.emit('reader', new hw.StandInReader('Generic SAM Reader 00 00'));
    expect(status).toEqual([]);
    context?.emit('reader', new hw.StandInReader('ACS ACR122U PICC Interface 01 00'));
    expect(status).toEqual([true]);
  });

  it('makes an evdev keypad that reads its device only when opened', async () => {
    const device = new FifoInputDevice(path.join(dir, 'pos-keypad'), 24);
    device.plug();
    const { keypad } = keep(
      openDevices(
        config({
          keypad: { kind: 'evdev', path: device.path, recordSize: 24 },
          modem: { kind: 'none' },
        }),
        { logger },
      ),
    );
    expect(keypad).toBeInstanceOf(EvdevKeypad);
    await settle();
    // A press with nobody reading the device is lost.
    expect(device.press('1')).toBe(false);

    const keys: Key[] = [];
    keypad.onKey((key) => keys.push(key));
    await keypad.open();
    await vi.waitFor(() => {
      expect(device.press('7')).toBe(true);
    }, WAIT);
    await vi.waitFor(() => {
      expect(keys).toEqual(['7']);
    }, WAIT);
  });

  it('makes a GPIO keypad that claims its pins only when opened', async () => {
    const { keypad } = keep(
      openDevices(
        config({
          keypad: {
            kind: 'gpio',
            rowPins: [5, 6],
            columnPins: [13, 19],
            keyMap: [
              ['1', '2'],
              ['OK', 'CANCEL'],
            ],
          },
          modem: { kind: 'none' },
        }),
        { logger },
      ),
    );
    expect(keypad).toBeInstanceOf(GpioMatrixKeypad);
    await settle();
    expect(hw.gpio).toEqual([]);
    await keypad.open();
    expect(hw.gpio).toEqual(['export 5 in', 'export 6 in', 'export 13 in', 'export 19 in']);
    await keypad.close();
    expect(hw.gpio.filter((line) => line.startsWith('unexport'))).toHaveLength(4);
  });

  it('makes a network printer that connects only when opened', async () => {
    const connections: net.Socket[] = [];
    const server = net.createServer((connection) => {
      connections.push(connection);
      connection.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.close(resolve);
          for (const connection of connections) connection.destroy();
        }),
    );
    const port = (server.address() as net.AddressInfo).port;
    const { printer } = keep(
      openDevices(
        config({ printer: { kind: 'tcp', host: '127.0.0.1', port }, modem: { kind: 'none' } }),
        {
          logger,
        },
      ),
    );
    expect(printer).toBeInstanceOf(EscPosPrinter);
    await settle();
    expect(connections).toHaveLength(0);
    await printer.open();
    await vi.waitFor(() => {
      expect(connections).toHaveLength(1);
    }, WAIT);
    expect(instanceOf(printer, EscPosPrinter).connected).toBe(true);
  });

  it('makes a device-file printer that writes its slips to that file once opened', async () => {
    const file = path.join(dir, 'lp0');
    writeFileSync(file, '');
    const { printer } = keep(
      openDevices(config({ printer: { kind: 'file', path: file }, modem: { kind: 'none' } }), {
        logger,
      }),
    );
    await settle();
    expect(readFileSync(file)).toHaveLength(0);
    await printer.open();
    await printer.print(slip);
    expect(readFileSync(file).toString('latin1')).toContain('T0000042');

    // A device that is not there is never created as a file.
    const missing = path.join(dir, 'lp1');
    const other = keep(
      openDevices(config({ printer: { kind: 'file', path: missing }, modem: { kind: 'none' } }), {
        logger,
      }),
    );
    await other.printer.open();
    expect(instanceOf(other.printer, EscPosPrinter).connected).toBe(false);
    expect(existsSync(missing)).toBe(false);
  });

  describe('on a serial port (a socat PTY pair)', () => {
    let pty: PtyPair;
    beforeEach(async () => {
      pty = await openPtyPair();
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await pty.close();
    });

    it('makes a serial printer that opens its port only when opened', async () => {
      const { printer } = keep(
        openDevices(
          config({
            printer: { kind: 'serial', path: pty.a, baudRate: 19_200 },
            modem: { kind: 'none' },
          }),
          { logger },
        ),
      );
      expect(printer).toBeInstanceOf(EscPosPrinter);
      await settle();
      expect(instanceOf(printer, EscPosPrinter).connected).toBe(false);
      await printer.open();
      expect(instanceOf(printer, EscPosPrinter).connected).toBe(true);
    });

    it('makes a serial modem that speaks to its port only when opened', async () => {
      const far = await openSerialByteStream(pty.b);
      cleanups.push(() => far.close());
      let heard = '';
      far.onData((bytes) => {
        heard += Buffer.from(bytes).toString('latin1');
      });
      const { modem } = keep(
        openDevices(config({ modem: { kind: 'serial', path: pty.a } }), { logger }),
      );
      expect(modem).toBeInstanceOf(SerialModem);
      await settle();
      expect(heard).toBe('');
      // The modem never answers here: open() waits for it, then fails; the driver keeps trying.
      void modem?.open().catch(() => undefined);
      await vi.waitFor(() => {
        expect(heard).toMatch(/^AT\r/);
      }, WAIT);
    });
  });
});
