import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../src/core/PosError.js';
import { USB_KEYPAD_16, USB_KEYPAD_24, USB_KEYPAD_KEYS } from './__fixtures__/usbKeypadEvents.js';
import {
  DEFAULT_KEYCODE_MAP,
  EV_KEY,
  InputEventDecoder,
  KEY_PRESS,
  KEYCODES,
  encodeInputEvent,
  inputEventSizeFor,
  keyPressed,
  keycodeMap,
  type InputEvent,
  type InputEventSize,
} from './evdev.js';
import type { Key } from './Keypad.js';

const recording = (records: readonly string[]): Buffer => Buffer.from(records.join(''), 'hex');

function keysOf(events: readonly InputEvent[], map = DEFAULT_KEYCODE_MAP): Key[] {
  return events.map((event) => keyPressed(event, map)).filter((key) => key !== undefined);
}

describe.each<[InputEventSize, readonly string[]]>([
  [24, USB_KEYPAD_24],
  [16, USB_KEYPAD_16],
])('decoding %i-byte input_event records', (size, records) => {
  it('decodes every field of a recorded session', () => {
    const events = new InputEventDecoder(size).push(recording(records));
    expect(events).toHaveLength(records.length);
    expect(events[0]).toEqual({
      seconds: 1767225600,
      microseconds: 100_000,
      type: 4,
      code: 4,
      value: 0x70059,
    });
    expect(events[1]).toEqual({
      seconds: 1767225600,
      microseconds: 100_000,
      type: EV_KEY,
      code: KEYCODES.KEY_KP1,
      value: KEY_PRESS,
    });
    expect(events.at(-2)).toMatchObject({ seconds: 1767225601, microseconds: 290_000 });
  });

  it('reports each press once: no releases, no auto-repeat, no scan codes', () => {
    const events = new InputEventDecoder(size).push(recording(records));
    expect(keysOf(events)).toEqual(USB_KEYPAD_KEYS);
  });

  it('puts records split across chunks back together', () => {
    const bytes = recording(records);
    for (const step of [1, 5, size - 1, size + 3, 100]) {
      const decoder = new InputEventDecoder(size);
      const events: InputEvent[] = [];
      for (let at = 0; at < bytes.length; at += step) {
        events.push(...decoder.push(bytes.subarray(at, at + step)));
      }
      expect(keysOf(events)).toEqual(USB_KEYPAD_KEYS);
      expect(events).toHaveLength(records.length);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('holds back a partial record until reset', () => {
    const decoder = new InputEventDecoder(size);
    const bytes = recording(records);
    expect(decoder.push(bytes.subarray(0, size + 7))).toHaveLength(1);
    expect(decoder.pendingBytes).toBe(7);
    decoder.reset();
    expect(decoder.pendingBytes).toBe(0);
    expect(decoder.push(bytes.subarray(size * 2, size * 3))).toHaveLength(1);
  });

  it('encodes records the way the kernel lays them out', () => {
    const events = new InputEventDecoder(size).push(recording(records));
    expect(Buffer.concat(events.map((event) => encodeInputEvent(event, size)))).toEqual(
      recording(records),
    );
  });
});

describe('evdev key codes', () => {
  it('maps digits, keypad digits, both Enters, Esc, Backspace, Delete and F1–F4', () => {
    const press = (code: number): Key | undefined =>
      keyPressed({ seconds: 0, microseconds: 0, type: EV_KEY, code, value: 1 }, keycodeMap());
    expect([11, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(press)).toEqual([
      ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    ]);
    expect([82, 79, 80, 81, 75, 76, 77, 71, 72, 73].map(press)).toEqual([
      ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    ]);
    expect([28, 96, 1, 14, 111, 59, 60, 61, 62].map(press)).toEqual([
      ...['OK', 'OK', 'CANCEL', 'BACKSPACE', 'CLEAR', 'F1', 'F2', 'F3', 'F4'],
    ]);
    expect([0, 30, 69, 83, 63].map(press)).toEqual(Array.from({ length: 5 }, () => undefined));
  });

  it('ignores releases, repeats and events that are not keys', () => {
    const base = { seconds: 0, microseconds: 0, code: KEYCODES.KEY_5 };
    expect(keyPressed({ ...base, type: EV_KEY, value: 0 }, DEFAULT_KEYCODE_MAP)).toBeUndefined();
    expect(keyPressed({ ...base, type: EV_KEY, value: 2 }, DEFAULT_KEYCODE_MAP)).toBeUndefined();
    expect(keyPressed({ ...base, type: 4, value: 1 }, DEFAULT_KEYCODE_MAP)).toBeUndefined();
    expect(keyPressed({ ...base, type: EV_KEY, value: 1 }, DEFAULT_KEYCODE_MAP)).toBe('5');
  });

  it('applies overrides: a new code, a changed key, a code ignored', () => {
    const map = keycodeMap({ '83': 'CLEAR', '28': 'F4', '96': null });
    expect(map.get(83)).toBe('CLEAR');
    expect(map.get(28)).toBe('F4');
    expect(map.has(96)).toBe(false);
    expect(map.get(11)).toBe('0');
    expect(DEFAULT_KEYCODE_MAP.get(96)).toBe('OK');
  });

  it.each<Record<string, unknown>>([
    { x: 'OK' },
    { '-1': 'OK' },
    { '768': 'OK' },
    { '5': 'ENTER' },
  ])('refuses the override %j', (overrides) => {
    expect(() => keycodeMap(overrides as Record<string, Key>)).toThrow(
      expect.toSatisfy((error: unknown) => hasErrorCode(error, 'CONFIG_INVALID')),
    );
  });

  it('picks the record size from the process architecture', () => {
    expect(['x64', 'arm64', 'riscv64', 'ppc64', 'loong64'].map(inputEventSizeFor)).toEqual([
      24, 24, 24, 24, 24,
    ]);
    expect(['arm', 'ia32', 'mipsel'].map(inputEventSizeFor)).toEqual([16, 16, 16]);
  });

  it('refuses a record size the kernel never uses', () => {
    expect(() => new InputEventDecoder(32)).toThrow(
      expect.toSatisfy((error: unknown) => hasErrorCode(error, 'CONFIG_INVALID')),
    );
  });
});
