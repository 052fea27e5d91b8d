import { setTimeout as sleep } from 'node:timers/promises';
import type { BinaryValue, Direction } from 'onoff';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/ManualClock.js';
import { PosError } from '../../../src/core/PosError.js';
import type { Key } from '../Keypad.js';
import { describeKeypadContract } from '../keypadContract.js';
import type { KeyMatrix } from '../matrixScanner.js';
import { GpioMatrixKeypad, type GpioClass, type GpioPin } from './GpioMatrixKeypad.js';

const KEY_MAP: KeyMatrix = [
  ['1', '2', '3', 'F1', 'CLEAR'],
  ['4', '5', '6', 'F2', 'BACKSPACE'],
  ['7', '8', '9', 'F3', null],
  ['CANCEL', '0', 'OK', 'F4', null],
];
const ROW_PINS = [5, 6, 13, 19];
const COLUMN_PINS = [12, 16, 20, 21, 26];

/**
 * A board with a key matrix on sysfs GPIOs, as onoff sees it: rows and columns exported as
 * pins, pull-ups on the columns, a closed key joining its row to its column.
 */
class FakeGpioBoard {
  accessible = true;
  readonly exported = new Map<number, { direction: Direction }>();
  readonly closed = new Set<Key>();
  /** Pins that cannot be exported (in use by another driver). */
  readonly busy = new Set<number>();
  readFailure: Error | undefined;
  /** Times a row was selected while another was driven. */
  overlaps = 0;

  close(...keys: Key[]): void {
    for (const key of keys) this.closed.add(key);
  }

  open(...keys: Key[]): void {
    for (const key of keys) this.closed.delete(key);
  }

  gpio(): GpioClass {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the class below needs the board
    const board = this;
    return class FakeGpio implements GpioPin {
      static get accessible(): boolean {
        return board.accessible;
      }
      readonly #pin: number;
      constructor(pin: number, direction: Direction) {
        if (board.busy.has(pin) || board.exported.has(pin)) throw new Error(`EBUSY: gpio${pin}`);
        this.#pin = pin;
        board.exported.set(pin, { direction });
      }
      readSync(): BinaryValue {
        if (board.readFailure) throw board.readFailure;
        const column = COLUMN_PINS.indexOf(this.#pin);
        const pulledLow = ROW_PINS.some((rowPin, row) => {
          const key = KEY_MAP[row]?.[column];
          return (
            board.exported.get(rowPin)?.direction === 'low' &&
            key !== undefined &&
            key !== null &&
            board.closed.has(key)
          );
        });
        return pulledLow ? 0 : 1;
      }
      setDirection(direction: Direction): void {
        const state = board.exported.get(this.#pin);
        if (!state) throw new Error(`gpio${this.#pin} not exported`);
        if (
          direction === 'low' &&
          ROW_PINS.some((pin) => board.exported.get(pin)?.direction === 'low')
        ) {
          board.overlaps++;
        }
        state.direction = direction;
      }
      unexport(): void {
        board.exported.delete(this.#pin);
      }
    };
  }
}

function setup() {
  const board = new FakeGpioBoard();
  const clock = new ManualClock();
  const keypad = new GpioMatrixKeypad({
    rowPins: ROW_PINS,
    columnPins: COLUMN_PINS,
    keyMap: KEY_MAP,
    scanIntervalMs: 10,
    debounceScans: 3,
    stuckAfterMs: 5000,
    backoff: { initialMs: 100, maxMs: 1000 },
    clock,
    gpio: board.gpio(),
  });
  const keys: Key[] = [];
  const status: boolean[] = [];
  keypad.onKey((key) => keys.push(key));
  keypad.onStatus((available) => status.push(available));
  const tap = (key: Key): void => {
    board.close(key);
    clock.advance(100);
    board.open(key);
    clock.advance(100);
  };
  return { board, clock, keypad, keys, status, tap };
}

describe('GpioMatrixKeypad', () => {
  it('cannot open on this machine with the real onoff: no sysfs GPIO', async () => {
    const keypad = new GpioMatrixKeypad({
      rowPins: ROW_PINS,
      columnPins: COLUMN_PINS,
      keyMap: KEY_MAP,
    });
    const { Gpio } = await import('onoff');
    if (Gpio.accessible) return; // a board with GPIO: nothing to check here
    const opening = keypad.open();
    await expect(opening).rejects.toBeInstanceOf(PosError);
    await expect(opening).rejects.toMatchObject({ code: 'KEYPAD_UNAVAILABLE' });
    expect(keypad.isOpen).toBe(false);
  });

  it('refuses to open when GPIO is not accessible', async () => {
    const { board, keypad } = setup();
    board.accessible = false;
    await expect(keypad.open()).rejects.toMatchObject({ code: 'KEYPAD_UNAVAILABLE' });
    expect(board.exported.size).toBe(0);
  });

  it('refuses to open when a pin cannot be claimed, releasing the others', async () => {
    const { board, keypad } = setup();
    board.busy.add(20);
    await expect(keypad.open()).rejects.toMatchObject({ code: 'KEYPAD_UNAVAILABLE' });
    expect(board.exported.size).toBe(0);
  });

  it('scans rows one at a time, leaving the others high-impedance, and reports taps', async () => {
    const { board, keypad, keys, tap } = setup();
    await keypad.open();
    expect([...board.exported.keys()].sort((a, b) => a - b)).toEqual(
      [...ROW_PINS, ...COLUMN_PINS].sort((a, b) => a - b),
    );
    for (const key of ['1', '2', '3', '4', 'OK', 'BACKSPACE', 'F4'] as const) tap(key);
    expect(keys).toEqual(['1', '2', '3', '4', 'OK', 'BACKSPACE', 'F4']);
    expect(board.overlaps).toBe(0);
    expect(ROW_PINS.map((pin) => board.exported.get(pin)?.direction)).toEqual([
      'in',
      'in',
      'in',
      'in',
    ]);
  });

  it('reports neither of two keys pressed together', async () => {
    const { board, clock, keypad, keys, tap } = setup();
    await keypad.open();
    board.close('5', '9');
    clock.advance(300);
    board.open('5', '9');
    clock.advance(100);
    tap('9');
    expect(keys).toEqual(['9']);
  });

  it('reports a stuck key and keeps the other keys working', async () => {
    const { board, clock, keypad, keys, tap } = setup();
    const stuck: string[] = [];
    keypad.onStuckKey((key, isStuck) => stuck.push(`${key} ${isStuck}`));
    await keypad.open();
    board.close('0');
    clock.advance(6000);
    tap('1');
    board.open('0');
    clock.advance(100);
    expect(keys).toEqual(['0', '1']);
    expect(stuck).toEqual(['0 true', '0 false']);
  });

  it('reports a GPIO failure as unavailable, then available once scans work again', async () => {
    const { board, clock, keypad, keys, status, tap } = setup();
    await keypad.open();
    board.readFailure = new Error('EIO');
    clock.advance(10);
    expect(status).toEqual([false]);
    expect(board.exported.size).toBe(0);
    clock.advance(1000);
    expect(status).toEqual([false]);
    board.readFailure = undefined;
    clock.advance(1000);
    expect(status).toEqual([false, true]);
    tap('7');
    expect(keys).toEqual(['7']);
  });

  it('releases every pin and stops scanning on close', async () => {
    const { board, clock, keypad } = setup();
    await keypad.open();
    await keypad.close();
    await keypad.close();
    expect(board.exported.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each<[string, { rowPins: number[]; columnPins: number[] }]>([
    ['too few row pins', { rowPins: [1, 2, 3], columnPins: COLUMN_PINS }],
    ['too many column pins', { rowPins: ROW_PINS, columnPins: [...COLUMN_PINS, 40] }],
    ['a pin twice', { rowPins: [5, 6, 13, 12], columnPins: COLUMN_PINS }],
    ['a negative pin', { rowPins: [5, 6, 13, -1], columnPins: COLUMN_PINS }],
  ])('refuses %s', (_, pins) => {
    expect(() => new GpioMatrixKeypad({ ...pins, keyMap: KEY_MAP })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describeKeypadContract('GpioMatrixKeypad on a fake GPIO board', () => {
  const board = new FakeGpioBoard();
  const keypad = new GpioMatrixKeypad({
    rowPins: ROW_PINS,
    columnPins: COLUMN_PINS,
    keyMap: KEY_MAP,
    scanIntervalMs: 2,
    debounceScans: 2,
    backoff: { initialMs: 5, maxMs: 20 },
    gpio: board.gpio(),
  });
  return Promise.resolve({
    keypad,
    press: async (...keys: Key[]) => {
      for (const key of keys) {
        board.close(key);
        await sleep(25);
        board.open(key);
        await sleep(25);
      }
    },
    disconnect: () => {
      board.readFailure = new Error('EIO');
      return Promise.resolve();
    },
    reconnect: () => {
      board.readFailure = undefined;
      return Promise.resolve();
    },
    dispose: () => keypad.close(),
  });
});
