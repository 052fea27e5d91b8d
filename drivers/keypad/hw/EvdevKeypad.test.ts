import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { USB_KEYPAD_16, USB_KEYPAD_24, USB_KEYPAD_KEYS } from '../__fixtures__/usbKeypadEvents.js';
import type { InputEventSize } from '../evdev.js';
import { FifoInputDevice } from '../FifoInputDevice.js';
import type { Key } from '../Keypad.js';
import { describeKeypadContract } from '../keypadContract.js';
import { EvdevKeypad } from './EvdevKeypad.js';

const WAIT = { timeout: 5000, interval: 5 };
const FAST_RETRY = { initialMs: 10, maxMs: 50 };

let directory: string;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'combopay-evdev-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(directory, { recursive: true, force: true });
});

function fifoKeypad(recordSize: InputEventSize = 24, name = 'event0') {
  const device = new FifoInputDevice(join(directory, name), recordSize);
  device.plug();
  const keypad = new EvdevKeypad({ path: device.path, recordSize, backoff: FAST_RETRY });
  cleanups.push(() => keypad.close());
  const keys: Key[] = [];
  const status: boolean[] = [];
  keypad.onKey((key) => keys.push(key));
  keypad.onStatus((available) => status.push(available));
  return { device, keypad, keys, status };
}

const recording = (records: readonly string[]): Buffer => Buffer.from(records.join(''), 'hex');

describe('EvdevKeypad over a FIFO', () => {
  it.each<[InputEventSize, readonly string[]]>([
    [24, USB_KEYPAD_24],
    [16, USB_KEYPAD_16],
  ])('reads a recorded %i-byte session, split mid-record across writes', async (size, records) => {
    const { device, keypad, keys } = fifoKeypad(size);
    await keypad.open();
    const bytes = recording(records);
    const cuts = [0, 7, size + 5, 3 * size, 4 * size - 1, bytes.length];
    const chunks = cuts.slice(1).map((end, index) => bytes.subarray(cuts[index], end));
    expect(Buffer.concat(chunks)).toEqual(bytes);
    expect(await device.writeChunks(chunks, 20)).toBe(true);
    await vi.waitFor(() => {
      expect(keys).toEqual(USB_KEYPAD_KEYS);
    }, WAIT);
  });

  it('keeps reading after the writer closes, without reporting the device lost', async () => {
    const { device, keypad, keys, status } = fifoKeypad();
    await keypad.open();
    const bytes = recording(USB_KEYPAD_24);
    // The first writer goes away in the middle of a record: that fragment is dropped, and the
    // next writer's records are read from a clean start.
    expect(device.write(bytes.subarray(0, 24 * 6 + 10))).toBe(true);
    await vi.waitFor(() => {
      expect(keys).toEqual(['1']);
    }, WAIT);
    for (const key of ['2', '3', 'OK'] as const) {
      await vi.waitFor(() => {
        expect(device.press(key)).toBe(true);
      }, WAIT);
    }
    await vi.waitFor(() => {
      expect(keys).toEqual(['1', '2', '3', 'OK']);
    }, WAIT);
    expect(status).toEqual([]);
    expect(keypad.isConnected).toBe(true);
  });

  it('releases the device on close: a writer finds nobody reading', async () => {
    const { device, keypad } = fifoKeypad();
    await keypad.open();
    expect(device.press('1')).toBe(true);
    await keypad.close();
    expect(keypad.isConnected).toBe(false);
    expect(device.press('2')).toBe(false);
  });

  it('survives a path that is not an input device, retrying until closed', async () => {
    const path = join(directory, 'not-a-device');
    writeFileSync(path, 'hello');
    const keypad = new EvdevKeypad({ path, backoff: FAST_RETRY });
    cleanups.push(() => keypad.close());
    const status: boolean[] = [];
    keypad.onStatus((available) => status.push(available));
    await keypad.open();
    expect(status).toEqual([false]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(status).toEqual([false]);
    expect(keypad.isConnected).toBe(false);
  });

  it('keeps reading when a listener throws', async () => {
    const { device, keypad, keys } = fifoKeypad();
    keypad.onKey(() => {
      throw new Error('listener bug');
    });
    await keypad.open();
    device.press('7');
    await vi.waitFor(() => {
      expect(device.press('8')).toBe(true);
    }, WAIT);
    await vi.waitFor(() => {
      expect(keys).toEqual(['7', '8']);
    }, WAIT);
  });

  it('refuses bad key code overrides when made', () => {
    expect(() => new EvdevKeypad({ path: '/dev/null', keycodes: { '5': 'ENTER' as Key } })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describeKeypadContract('EvdevKeypad over a FIFO', () => {
  const dir = mkdtempSync(join(tmpdir(), 'combopay-evdev-contract-'));
  const device = new FifoInputDevice(join(dir, 'event0'), 24);
  device.plug();
  const keypad = new EvdevKeypad({ path: device.path, backoff: FAST_RETRY });
  return Promise.resolve({
    keypad,
    press: async (...keys: Key[]) => {
      // A writer that finds the keypad between two opens retries: only a keypad that is
      // closed or a device that is unplugged loses presses.
      // Always try once, so a keypad that kept reading after close() would be caught.
      for (let attempt = 0; attempt < 20; attempt++) {
        if (device.press(...keys)) return;
        if (!keypad.isConnected || !device.plugged) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    disconnect: () => {
      device.unplug();
      return Promise.resolve();
    },
    reconnect: () => {
      device.plug();
      return Promise.resolve();
    },
    dispose: async () => {
      await keypad.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
