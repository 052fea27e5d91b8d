import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ManualClock.js';
import { hasErrorCode } from '../../src/core/PosError.js';
import { FakeMatrixPort } from './FakeMatrixPort.js';
import type { Key } from './Keypad.js';
import { MatrixScanner, validateKeyMatrix, type KeyMatrix } from './matrixScanner.js';

const KEY_MAP: KeyMatrix = [
  ['1', '2', '3', 'F1', 'CLEAR'],
  ['4', '5', '6', 'F2', 'BACKSPACE'],
  ['7', '8', '9', 'F3', null],
  ['CANCEL', '0', 'OK', 'F4', null],
];

/** Scans every 10 ms and settles after 3 equal scans; stuck after 5 s. */
function setup(keyMap: KeyMatrix = KEY_MAP) {
  const clock = new ManualClock();
  const port = new FakeMatrixPort(keyMap);
  const keys: Key[] = [];
  const log: string[] = [];
  const faults: unknown[] = [];
  const scanner = new MatrixScanner(
    port,
    clock,
    { keyMap, scanIntervalMs: 10, debounceScans: 3, stuckAfterMs: 5000 },
    {
      key: (key) => {
        keys.push(key);
        log.push(key);
      },
      stuck: (key) => log.push(`stuck ${key}`),
      unstuck: (key) => log.push(`unstuck ${key}`),
      fault: (error) => faults.push(error),
    },
  );
  scanner.start();
  clock.advance(100);
  /** Holds `key` closed for `ms`, then releases it and waits 100 ms. */
  const tap = (key: Key, ms = 100): void => {
    port.close(key);
    clock.advance(ms);
    port.open(key);
    clock.advance(100);
  };
  return { clock, port, scanner, keys, log, faults, tap };
}

describe('MatrixScanner', () => {
  it('reports one press per tap, once the contact has settled', () => {
    const { clock, port, keys, tap } = setup();
    port.close('5');
    clock.advance(20);
    expect(keys).toEqual([]);
    clock.advance(10);
    expect(keys).toEqual(['5']);
    clock.advance(2000);
    port.open('5');
    clock.advance(100);
    tap('1');
    tap('OK');
    tap('BACKSPACE');
    tap('1');
    expect(keys).toEqual(['5', '1', 'OK', 'BACKSPACE', '1']);
  });

  it('selects one row at a time, every row on every scan', () => {
    const { clock, port } = setup();
    port.selections.length = 0;
    clock.advance(20);
    expect(port.selections).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it('ignores contact bounce on press and on release', () => {
    const { clock, port, keys } = setup();
    for (let scan = 0; scan < 8; scan++) {
      if (scan % 2 === 0) port.close('7');
      else port.open('7');
      clock.advance(10);
    }
    expect(keys).toEqual([]);
    port.close('7');
    clock.advance(500);
    for (let scan = 0; scan < 8; scan++) {
      if (scan % 2 === 0) port.open('7');
      else port.close('7');
      clock.advance(10);
    }
    port.open('7');
    clock.advance(500);
    expect(keys).toEqual(['7']);
  });

  it('ignores a glitch shorter than the debounce', () => {
    const { clock, port, keys } = setup();
    port.close('3');
    clock.advance(20);
    port.open('3');
    clock.advance(200);
    expect(keys).toEqual([]);
  });

  it('reports neither of two keys pressed together, and the next lone press', () => {
    const { clock, port, keys, tap } = setup();
    port.close('1', '9');
    clock.advance(500);
    port.open('1');
    clock.advance(500);
    port.open('9');
    clock.advance(100);
    expect(keys).toEqual([]);
    tap('9');
    expect(keys).toEqual(['9']);
  });

  it('reports the first of two overlapping presses, never the second', () => {
    const { clock, port, keys } = setup();
    port.close('2');
    clock.advance(100);
    port.close('8');
    clock.advance(100);
    port.open('2');
    clock.advance(500);
    port.open('8');
    clock.advance(100);
    expect(keys).toEqual(['2']);
  });

  it('never reports the ghost a third key makes on a diode-less matrix', () => {
    const { clock, port, keys } = setup();
    port.close('1');
    clock.advance(100);
    port.close('2', '4');
    // With 1, 2 and 4 closed, 5 reads closed as well (the path 5-row → 4 → 1 → 2 → 5-column).
    port.driveRow(1, true);
    expect(port.readColumns()).toEqual([true, true, false, false, false]);
    port.driveRow(1, false);
    clock.advance(500);
    port.open('1', '2', '4');
    clock.advance(100);
    expect(keys).toEqual(['1']);
  });

  it('reports a key already held when scanning starts once, as a press', () => {
    const clock = new ManualClock();
    const port = new FakeMatrixPort(KEY_MAP);
    const keys: Key[] = [];
    port.close('0');
    const scanner = new MatrixScanner(
      port,
      clock,
      { keyMap: KEY_MAP },
      { key: (k) => keys.push(k) },
    );
    scanner.start();
    clock.advance(1000);
    port.open('0');
    clock.advance(100);
    expect(keys).toEqual(['0']);
    port.close('0');
    clock.advance(100);
    expect(keys).toEqual(['0', '0']);
  });

  it('reports a stuck key once, then ignores it until released', () => {
    const { clock, port, log, tap } = setup();
    port.close('5');
    clock.advance(4900);
    expect(log).toEqual(['5']);
    clock.advance(200);
    expect(log).toEqual(['5', 'stuck 5']);
    clock.advance(60_000);
    tap('1');
    tap('OK');
    expect(log).toEqual(['5', 'stuck 5', '1', 'OK']);
    port.open('5');
    clock.advance(100);
    tap('5');
    expect(log).toEqual(['5', 'stuck 5', '1', 'OK', 'unstuck 5', '5']);
  });

  it('reports a key held from the start stuck as well', () => {
    const clock = new ManualClock();
    const port = new FakeMatrixPort(KEY_MAP);
    const log: string[] = [];
    port.close('F4');
    const scanner = new MatrixScanner(
      port,
      clock,
      { keyMap: KEY_MAP, stuckAfterMs: 3000 },
      { key: (key) => log.push(key), stuck: (key) => log.push(`stuck ${key}`) },
    );
    scanner.start();
    clock.advance(3100);
    expect(log).toEqual(['F4', 'stuck F4']);
  });

  it('stops and reports a fault when the port fails; starts afresh', () => {
    const { clock, port, scanner, keys, faults, tap } = setup();
    const failure = new Error('EIO');
    port.fail(failure);
    clock.advance(10);
    expect(faults).toEqual([failure]);
    expect(scanner.running).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    port.fail(undefined);
    scanner.start();
    clock.advance(100);
    tap('6');
    expect(keys).toEqual(['6']);
  });

  it('reports a port that reads the wrong number of columns as a fault', () => {
    const clock = new ManualClock();
    const faults: unknown[] = [];
    const scanner = new MatrixScanner(
      { driveRow: () => undefined, readColumns: () => [false] },
      clock,
      { keyMap: KEY_MAP },
      { key: () => undefined, fault: (error) => faults.push(error) },
    );
    scanner.start();
    clock.advance(100);
    expect(faults).toHaveLength(1);
    expect(faults[0]).toBeInstanceOf(RangeError);
  });

  it('stops scanning on stop', () => {
    const { clock, port, scanner, keys } = setup();
    scanner.stop();
    port.close('1');
    clock.advance(1000);
    expect(keys).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each<[string, unknown]>([
    ['no rows', []],
    ['an empty row', [[]]],
    ['ragged rows', [['1', '2'], ['3']]],
    ['a key twice', [['1', '1']]],
    ['something that is not a key', [['1', 'ENTER']]],
  ])('refuses a key map with %s', (_, keyMap) => {
    expect(() => validateKeyMatrix(keyMap as KeyMatrix)).toThrow(
      expect.toSatisfy((error: unknown) => hasErrorCode(error, 'CONFIG_INVALID')),
    );
  });

  it('refuses a scan interval that is not a positive integer', () => {
    expect(
      () =>
        new MatrixScanner(
          new FakeMatrixPort(KEY_MAP),
          new ManualClock(),
          { keyMap: KEY_MAP, scanIntervalMs: 0 },
          { key: () => undefined },
        ),
    ).toThrow(expect.toSatisfy((error: unknown) => hasErrorCode(error, 'CONFIG_INVALID')));
  });
});
