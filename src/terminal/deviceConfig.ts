import { z } from 'zod';
import { keycodeMap } from '../../drivers/keypad/evdev.js';
import { KEYS } from '../../drivers/keypad/Keypad.js';
import { validateKeyMatrix } from '../../drivers/keypad/matrixScanner.js';
import { isPosError } from '../core/PosError.js';

/**
 * Where the devices of a typical board are: stable names that udev rules give them (keyed on
 * USB vendor/product and interface, so they survive re-enumeration; docs/modem.md), and the
 * USB printer class device.
 */
export const BOARD_DEVICE_PATHS = Object.freeze({
  /** The keypad's input device (`SYMLINK+="pos-keypad"` on its event node). */
  keypad: '/dev/pos-keypad',
  /** A serial slip printer (`SYMLINK+="pos-printer"` on its tty). */
  printer: '/dev/pos-printer',
  /** A USB printer (usblp's `/dev/usb/lp*`, `SYMLINK+="pos-printer"`), for `kind: 'file'`. */
  usbPrinter: '/dev/pos-printer',
  /** The modem's AT port (docs/modem.md). */
  modem: '/dev/ttyModemAT',
});

const devicePath = z.string().regex(/^\/./, 'an absolute path (/dev/…)');
const baudRate = z.int().min(300).max(4_000_000);
const positiveInt = z.int().min(1);
const key = z.enum(KEYS);

/** The NFC reader. */
const readerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** PC/SC through pcscd (`PcscCardReader`). */
    kind: z.literal('pcsc'),
    /**
     * Use the first reader whose name contains this text (case-sensitive), e.g. `ACR122`;
     * default the first reader PC/SC reports. Useful where a SAM slot or a second reader shows.
     */
    name: z.string().min(1).optional(),
  }),
  z.strictObject({ kind: z.literal('fake') }),
]);

const evdevKeypad = z.strictObject({
  /** A Linux input device (`EvdevKeypad`): the kernel's gpio-matrix-keypad or a USB keypad. */
  kind: z.literal('evdev'),
  /** Default `/dev/pos-keypad`. */
  path: devicePath.default(BOARD_DEVICE_PATHS.keypad),
  /** Key code overrides on the default map (`{ "83": "CLEAR", "96": null }`; see evdev.ts). */
  keycodes: z
    .record(z.string(), key.nullable())
    .superRefine((codes, ctx) => {
      try {
        keycodeMap(codes);
      } catch (error) {
        if (!isPosError(error)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
      }
    })
    .optional(),
  /** `input_event` size, 16 or 24; default from the process's word size. */
  recordSize: z.union([z.literal(16), z.literal(24)]).optional(),
});

const gpioPin = z.int().min(0);

const gpioKeypad = z
  .strictObject({
    /** A key matrix on sysfs GPIO lines (`GpioMatrixKeypad`; old kernels only). */
    kind: z.literal('gpio'),
    /** GPIO numbers of the rows, one per row of `keyMap`. */
    rowPins: z.array(gpioPin).min(1),
    /** GPIO numbers of the columns, one per column of `keyMap`. */
    columnPins: z.array(gpioPin).min(1),
    /** The key at each crossing, rows top to bottom; `null` where no key is wired. */
    keyMap: z.array(z.array(key.nullable()).min(1)).min(1),
    /** Default true: a closed key pulls its column low (pull-ups on the board). */
    activeLow: z.boolean().default(true),
    /** Default 10 ms. */
    scanIntervalMs: positiveInt.max(1_000).optional(),
    /** Default 3 scans. */
    debounceScans: positiveInt.max(100).optional(),
    /** Default 10 000 ms. */
    stuckAfterMs: positiveInt.optional(),
  })
  .superRefine((keypad, ctx) => {
    // The driver checks the same when it is made; here the error names the config field.
    let columns: number;
    try {
      columns = validateKeyMatrix(keypad.keyMap);
    } catch (error) {
      if (!isPosError(error)) throw error;
      ctx.addIssue({ code: 'custom', path: ['keyMap'], message: error.message });
      return;
    }
    if (keypad.rowPins.length !== keypad.keyMap.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['rowPins'],
        message: `keyMap has ${keypad.keyMap.length} rows: give as many row pins`,
      });
    }
    if (keypad.columnPins.length !== columns) {
      ctx.addIssue({
        code: 'custom',
        path: ['columnPins'],
        message: `keyMap has ${columns} columns: give as many column pins`,
      });
    }
    const pins = [...keypad.rowPins, ...keypad.columnPins];
    if (new Set(pins).size !== pins.length) {
      ctx.addIssue({ code: 'custom', path: ['columnPins'], message: 'a pin is used twice' });
    }
  });

/** The keypad. */
const keypadSchema = z.discriminatedUnion('kind', [
  evdevKeypad,
  gpioKeypad,
  z.strictObject({ kind: z.literal('fake') }),
]);

/** The slip printer (`EscPosPrinter` on one of three links). */
const printerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** A serial printer (`SerialLink`): two-way, so paper and cover are known. */
    kind: z.literal('serial'),
    /** Default `/dev/pos-printer`. */
    path: devicePath.default(BOARD_DEVICE_PATHS.printer),
    /** Default 9600, the usual factory setting of serial receipt printers. */
    baudRate: baudRate.default(9600),
  }),
  z.strictObject({
    /** A network printer's raw port (`TcpLink`): two-way. */
    kind: z.literal('tcp'),
    host: z.string().min(1),
    /** Default 9100, the raw printing port. */
    port: z.int().min(1).max(65_535).default(9100),
  }),
  z.strictObject({
    /** A device file (`DeviceFileLink`), such as a USB printer: one-way, paper unknown. */
    kind: z.literal('file'),
    /** Default `/dev/pos-printer` (the udev rule's name for the USB printer). */
    path: devicePath.default(BOARD_DEVICE_PATHS.usbPrinter),
  }),
  z.strictObject({ kind: z.literal('fake') }),
]);

/** The cellular modem's AT port. */
const modemSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** `SerialModem` on the AT port (docs/modem.md). */
    kind: z.literal('serial'),
    /** Default `/dev/ttyModemAT`. */
    path: devicePath.default(BOARD_DEVICE_PATHS.modem),
    /** Default 115200 (USB modems ignore it). */
    baudRate: baudRate.default(115_200),
  }),
  /** No modem: the link is wired or Wi-Fi; the status bar shows no signal. */
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('fake') }),
]);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const displaySchema = z.strictObject({
  /** IANA zone of the clock and lock times shown, e.g. `Asia/Shanghai`; default the process's. */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').optional(),
});

/** The devices that may be fakes. */
const FAKEABLE = ['reader', 'keypad', 'printer', 'modem'] as const;

/**
 * Which devices the terminal runs on (`devices` in the terminal config). Every part may be
 * left out; the defaults are a typical board: a PC/SC reader, an evdev keypad at
 * `/dev/pos-keypad`, a serial printer at `/dev/pos-printer` (9600 baud) and a modem at
 * `/dev/ttyModemAT` (115200), the names the board's udev rules give them.
 *
 * `kind: 'fake'` (the simulated devices of drivers/) is refused unless `simulator` is true, so
 * a shop terminal cannot end up taking payments on a fake reader by a config mistake.
 */
export const deviceConfigSchema = z
  .strictObject({
    /** Allows fake devices: tests, the simulator, a bench without some hardware. Default false. */
    simulator: z.boolean().default(false),
    reader: readerSchema.prefault({ kind: 'pcsc' }),
    keypad: keypadSchema.prefault({ kind: 'evdev' }),
    printer: printerSchema.prefault({ kind: 'serial' }),
    modem: modemSchema.prefault({ kind: 'serial' }),
    display: displaySchema.prefault({}),
  })
  .superRefine(
    (devices, ctx) => {
      // Read defensively: this runs even when other fields failed, so that the error lists
      // every problem at once, and then `devices` is only partly parsed.
      const raw = devices as Partial<Record<string, unknown>>;
      if (raw.simulator === true) return;
      for (const name of FAKEABLE) {
        const device = raw[name] as { kind?: unknown } | undefined;
        if (device?.kind !== 'fake') continue;
        ctx.addIssue({
          code: 'custom',
          path: [name, 'kind'],
          message: 'fake devices need `simulator: true` in devices (tests and simulator only)',
        });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export type DeviceConfig = z.output<typeof deviceConfigSchema>;
export type ReaderConfig = DeviceConfig['reader'];
export type KeypadConfig = DeviceConfig['keypad'];
export type PrinterConfig = DeviceConfig['printer'];
export type ModemConfig = DeviceConfig['modem'];
