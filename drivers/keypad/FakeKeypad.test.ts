import { describe, expect, it } from 'vitest';
import { FakeKeypad, parseKeys } from './FakeKeypad.js';
import type { Key } from './Keypad.js';
import { describeKeypadContract } from './keypadContract.js';

async function openKeypad(): Promise<{ keypad: FakeKeypad; keys: Key[] }> {
  const keypad = new FakeKeypad();
  const keys: Key[] = [];
  keypad.onKey((key) => keys.push(key));
  await keypad.open();
  return { keypad, keys };
}

describe('FakeKeypad', () => {
  it('delivers presses one key at a time, in order', async () => {
    const { keypad, keys } = await openKeypad();
    keypad.press('1', '2', 'OK');
    keypad.press('CANCEL');
    expect(keys).toEqual(['1', '2', 'OK', 'CANCEL']);
  });

  it('types digits and named keys', async () => {
    const { keypad, keys } = await openKeypad();
    keypad.type('123456{OK}');
    keypad.type('{CLEAR}{BACKSPACE}0{F1}{F2}{F3}{F4}{CANCEL}');
    expect(keys).toEqual([
      ...['1', '2', '3', '4', '5', '6', 'OK'],
      ...['CLEAR', 'BACKSPACE', '0', 'F1', 'F2', 'F3', 'F4', 'CANCEL'],
    ]);
  });

  it.each(['12a', '1 2', '{ok}', '{ENTER}', '{OK', 'OK}', '{}', '１'])(
    'refuses to type %j and presses nothing',
    async (text) => {
      const { keypad, keys } = await openKeypad();
      expect(() => {
        keypad.type(text);
      }).toThrow(TypeError);
      expect(keys).toEqual([]);
    },
  );

  it('refuses a press of something that is not a key, pressing none of the others', async () => {
    const { keypad, keys } = await openKeypad();
    expect(() => {
      keypad.press('1', 'ENTER' as Key);
    }).toThrow(TypeError);
    expect(keys).toEqual([]);
  });

  it('parses the empty text to no keys', () => {
    expect(parseKeys('')).toEqual([]);
  });

  it('loses presses while closed; opening twice delivers each press once', async () => {
    const keypad = new FakeKeypad();
    const keys: Key[] = [];
    keypad.onKey((key) => keys.push(key));
    keypad.press('1');
    expect(keypad.isOpen).toBe(false);
    await keypad.open();
    await keypad.open();
    keypad.press('2');
    await keypad.close();
    keypad.press('3');
    expect(keys).toEqual(['2']);
    await keypad.open();
    keypad.press('4');
    expect(keys).toEqual(['2', '4']);
  });

  it('loses presses while disconnected and reports the connection while open', async () => {
    const { keypad, keys } = await openKeypad();
    const status: boolean[] = [];
    keypad.onStatus((available) => status.push(available));
    keypad.disconnect();
    keypad.disconnect();
    expect(keypad.isConnected).toBe(false);
    keypad.type('99');
    keypad.reconnect();
    keypad.reconnect();
    keypad.type('1');
    expect(keys).toEqual(['1']);
    expect(status).toEqual([false, true]);
    await keypad.close();
    keypad.disconnect();
    keypad.reconnect();
    expect(status).toEqual([false, true]);
  });

  it('calls listeners in registration order and stops calling those unsubscribed', async () => {
    const keypad = new FakeKeypad();
    await keypad.open();
    const calls: string[] = [];
    const offA = keypad.onKey((key) => calls.push(`a${key}`));
    keypad.onKey((key) => calls.push(`b${key}`));
    keypad.press('1');
    offA();
    offA();
    keypad.press('2');
    expect(calls).toEqual(['a1', 'b1', 'b2']);
  });
});

describeKeypadContract('FakeKeypad', () => {
  const keypad = new FakeKeypad();
  return Promise.resolve({
    keypad,
    press: (...keys: Key[]) => {
      keypad.press(...keys);
      return Promise.resolve();
    },
    disconnect: () => {
      keypad.disconnect();
      return Promise.resolve();
    },
    reconnect: () => {
      keypad.reconnect();
      return Promise.resolve();
    },
    dispose: () => keypad.close(),
  });
});

describe('FakeKeypad opened while disconnected', () => {
  it('reports false once on open, and nothing on a second open', async () => {
    const keypad = new FakeKeypad();
    const status: boolean[] = [];
    keypad.onStatus((available) => status.push(available));
    keypad.disconnect();
    await keypad.open();
    await keypad.open();
    expect(status).toEqual([false]);
    keypad.reconnect();
    expect(status).toEqual([false, true]);
  });
});
