import { systemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { PosError } from '../../core/PosError.js';
import { FakeKeypad } from '../../../drivers/keypad/FakeKeypad.js';
import { EvdevKeypad } from '../../../drivers/keypad/hw/EvdevKeypad.js';
import { GpioMatrixKeypad } from '../../../drivers/keypad/hw/GpioMatrixKeypad.js';
import type { Keypad } from '../../../drivers/keypad/Keypad.js';
import { FakeModem } from '../../../drivers/modem/FakeModem.js';
import { SerialModem } from '../../../drivers/modem/hw/SerialModem.js';
import type { Modem } from '../../../drivers/modem/Modem.js';
import type { CardReader } from '../../../drivers/nfc/CardReader.js';
import { FakeCardReader } from '../../../drivers/nfc/FakeCardReader.js';
import { PcscCardReader } from '../../../drivers/nfc/hw/PcscCardReader.js';
import { FakePrinter } from '../../../drivers/printer/FakePrinter.js';
import { DeviceFileLink } from '../../../drivers/printer/hw/DeviceFileLink.js';
import { EscPosPrinter } from '../../../drivers/printer/hw/EscPosPrinter.js';
import type { PrinterLink } from '../../../drivers/printer/hw/PrinterLink.js';
import { SerialLink } from '../../../drivers/printer/hw/SerialLink.js';
import { TcpLink } from '../../../drivers/printer/hw/TcpLink.js';
import type { Printer } from '../../../drivers/printer/Printer.js';
import type {
  DeviceConfig,
  KeypadConfig,
  ModemConfig,
  PrinterConfig,
  ReaderConfig,
} from '../deviceConfig.js';

/** The devices of a terminal as the config names them, made but not opened. */
export interface BoardDevices {
  reader: CardReader;
  keypad: Keypad;
  printer: Printer;
  /** Absent for `modem: { kind: 'none' }`. */
  modem?: Modem | undefined;
}

export interface OpenDevicesOptions {
  /** Each driver logs through a child of it (`device: 'reader'`…). */
  logger: Logger;
  /** Runs the drivers' timeouts, polls and backoffs; default the system clock. */
  clock?: Clock | undefined;
}

/** `text` as a pattern matching itself literally. */
function literally(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

function makeReader(config: ReaderConfig, clock: Clock, logger: Logger): CardReader {
  switch (config.kind) {
    case 'pcsc':
      return new PcscCardReader({
        // A filter, not the exact name: PC/SC appends slot numbers (`… 00 00`) that vary.
        readerName: config.name === undefined ? undefined : literally(config.name),
        logger: logger.child({ device: 'reader' }),
        clock,
      });
    case 'fake':
      return new FakeCardReader({ clock });
  }
}

function makeKeypad(config: KeypadConfig, clock: Clock, logger: Logger): Keypad {
  const log = logger.child({ device: 'keypad' });
  switch (config.kind) {
    case 'evdev':
      return new EvdevKeypad({
        path: config.path,
        keycodes: config.keycodes,
        recordSize: config.recordSize,
        clock,
        logger: log,
      });
    case 'gpio':
      return new GpioMatrixKeypad({
        rowPins: config.rowPins,
        columnPins: config.columnPins,
        keyMap: config.keyMap,
        activeLow: config.activeLow,
        scanIntervalMs: config.scanIntervalMs,
        debounceScans: config.debounceScans,
        stuckAfterMs: config.stuckAfterMs,
        clock,
        logger: log,
      });
    case 'fake':
      return new FakeKeypad();
  }
}

function makePrinterLink(config: Exclude<PrinterConfig, { kind: 'fake' }>): PrinterLink {
  switch (config.kind) {
    case 'serial':
      return new SerialLink({ path: config.path, baudRate: config.baudRate });
    case 'tcp':
      return new TcpLink({ host: config.host, port: config.port });
    case 'file':
      return new DeviceFileLink(config.path);
  }
}

function makePrinter(config: PrinterConfig, clock: Clock, logger: Logger): Printer {
  if (config.kind === 'fake') return new FakePrinter({ clock });
  return new EscPosPrinter({
    link: makePrinterLink(config),
    clock,
    log: logger.child({ device: 'printer' }),
  });
}

function makeModem(config: ModemConfig, clock: Clock, logger: Logger): Modem | undefined {
  switch (config.kind) {
    case 'serial':
      return new SerialModem({
        path: config.path,
        baudRate: config.baudRate,
        clock,
        logger: logger.child({ device: 'modem' }),
      });
    case 'none':
      return undefined;
    case 'fake':
      return new FakeModem({ clock });
  }
}

/**
 * Makes the devices `config` names: the real drivers of drivers/\*\/hw, or the fakes of drivers/
 * where it says `fake`. Nothing is opened and no device is touched: `Terminal.start()` opens
 * the reader, keypad and printer, and the caller opens the modem (which the terminal does not
 * use). The caller owns them all from here.
 *
 * @throws PosError `CONFIG_INVALID` for a fake device without `simulator: true` (the schema
 *   refuses that already; this holds for a config made in code too), or a keypad setting the
 *   driver refuses
 */
export function openDevices(config: DeviceConfig, options: OpenDevicesOptions): BoardDevices {
  const fakes = (['reader', 'keypad', 'printer', 'modem'] as const).filter(
    (name) => config[name].kind === 'fake',
  );
  if (fakes.length > 0 && !config.simulator) {
    throw new PosError('CONFIG_INVALID', 'fake devices need `simulator: true` in devices', {
      details: {
        issues: fakes.map((name) => ({
          field: `devices.${name}.kind`,
          source: 'config',
          problem: 'fake devices need `simulator: true` in devices',
        })),
      },
    });
  }
  const clock = options.clock ?? systemClock;
  const { logger } = options;
  return {
    reader: makeReader(config.reader, clock, logger),
    keypad: makeKeypad(config.keypad, clock, logger),
    printer: makePrinter(config.printer, clock, logger),
    modem: makeModem(config.modem, clock, logger),
  };
}
