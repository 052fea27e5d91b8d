import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Key, Keypad } from './Keypad.js';

/**
 * A keypad under test and the hands that work its device: for the fake, its test hooks; for a
 * real implementation, whatever feeds its device (a FIFO for EvdevKeypad).
 */
export interface KeypadHarness {
  readonly keypad: Keypad;
  /** Presses `keys` on the device; lost when nobody reads it (closed, device away). */
  readonly press: (...keys: Key[]) => Promise<void>;
  /** Takes the device away (unplugged). */
  readonly disconnect: () => Promise<void>;
  /** Brings the device back. */
  readonly reconnect: () => Promise<void>;
  /** Closes the keypad and frees what the harness made. */
  readonly dispose: () => Promise<void>;
}

/** Long enough for a real device to be read on a loaded CI machine. */
const WAIT = { timeout: 5000, interval: 5 };

/**
 * The {@link Keypad} contract, as one suite every implementation runs: call it from the
 * implementation's test file with a function that makes a fresh harness.
 */
export function describeKeypadContract(
  name: string,
  makeHarness: () => Promise<KeypadHarness>,
): void {
  describe(`Keypad contract: ${name}`, () => {
    let harness: KeypadHarness | undefined;

    async function start(): Promise<KeypadHarness> {
      harness = await makeHarness();
      return harness;
    }

    function record(keypad: Keypad): { keys: Key[]; status: boolean[] } {
      const keys: Key[] = [];
      const status: boolean[] = [];
      keypad.onKey((key) => keys.push(key));
      keypad.onStatus((available) => status.push(available));
      return { keys, status };
    }

    afterEach(async () => {
      await harness?.dispose();
      harness = undefined;
    });

    it('delivers each press once, in order, to listeners in registration order', async () => {
      const { keypad, press } = await start();
      const calls: string[] = [];
      keypad.onKey((key) => calls.push(`a${key}`));
      keypad.onKey((key) => calls.push(`b${key}`));
      await keypad.open();
      await press('1', '2');
      await press('OK');
      await vi.waitFor(() => {
        expect(calls).toEqual(['a1', 'b1', 'a2', 'b2', 'aOK', 'bOK']);
      }, WAIT);
    });

    it('maps every key of the key set', async () => {
      const { keypad, press } = await start();
      const { keys } = record(keypad);
      await keypad.open();
      const all: Key[] = [
        ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
        ...['OK', 'CANCEL', 'CLEAR', 'BACKSPACE', 'F1', 'F2', 'F3', 'F4'],
      ] as Key[];
      await press(...all);
      await vi.waitFor(() => {
        expect(keys).toEqual(all);
      }, WAIT);
    });

    it('stops calling a listener that unsubscribed', async () => {
      const { keypad, press } = await start();
      const first: Key[] = [];
      const { keys } = record(keypad);
      const off = keypad.onKey((key) => first.push(key));
      await keypad.open();
      await press('1');
      await vi.waitFor(() => {
        expect(keys).toEqual(['1']);
      }, WAIT);
      off();
      off();
      await press('2');
      await vi.waitFor(() => {
        expect(keys).toEqual(['1', '2']);
      }, WAIT);
      expect(first).toEqual(['1']);
    });

    it('loses presses while closed and works again when reopened', async () => {
      const { keypad, press } = await start();
      const { keys, status } = record(keypad);
      await keypad.open();
      await keypad.open();
      await press('1');
      await vi.waitFor(() => {
        expect(keys).toEqual(['1']);
      }, WAIT);
      await keypad.close();
      await keypad.close();
      await press('2');
      await keypad.open();
      await press('3');
      await vi.waitFor(() => {
        expect(keys).toEqual(['1', '3']);
      }, WAIT);
      expect(status).toEqual([]);
    });

    it('reports the device going away and coming back, losing presses meanwhile', async () => {
      const { keypad, press, disconnect, reconnect } = await start();
      const { keys, status } = record(keypad);
      await keypad.open();
      await press('5');
      await vi.waitFor(() => {
        expect(keys).toEqual(['5']);
      }, WAIT);
      await disconnect();
      await vi.waitFor(() => {
        expect(status).toEqual([false]);
      }, WAIT);
      await press('9');
      await reconnect();
      await vi.waitFor(() => {
        expect(status).toEqual([false, true]);
      }, WAIT);
      await press('6');
      await vi.waitFor(() => {
        expect(keys).toEqual(['5', '6']);
      }, WAIT);
    });

    it('opened while the device is away: resolves, reports false, then true when back', async () => {
      const { keypad, press, disconnect, reconnect } = await start();
      const { keys, status } = record(keypad);
      await disconnect();
      await keypad.open();
      await vi.waitFor(() => {
        expect(status).toEqual([false]);
      }, WAIT);
      await reconnect();
      await vi.waitFor(() => {
        expect(status).toEqual([false, true]);
      }, WAIT);
      await press('F1');
      await vi.waitFor(() => {
        expect(keys).toEqual(['F1']);
      }, WAIT);
    });

    it('reports no status while closed', async () => {
      const { keypad, disconnect, reconnect } = await start();
      const { status } = record(keypad);
      await keypad.open();
      await keypad.close();
      await disconnect();
      await reconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(status).toEqual([]);
    });
  });
}
