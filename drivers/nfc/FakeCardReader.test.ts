import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/core/errorCodes.js';
import { ManualClock } from '../../src/core/ManualClock.js';
import { isPosError } from '../../src/core/PosError.js';
import type { PresentedCard } from './CardReader.js';
import { FakeCardReader, PHONE_ATR } from './FakeCardReader.js';

const PHONE = { uid: '04A1B2C3D4E5F6', token: 'q3Zx8_Lk2mNp-Rt5Vw7Y' } as const;

/** Watches a promise without letting its rejection go unhandled. */
function watch<T>(promise: Promise<T>): { readonly state: () => string; readonly value: () => T } {
  let state = 'pending';
  let value: T | undefined;
  promise.then(
    (result) => {
      state = 'resolved';
      value = result;
    },
    (error: unknown) => {
      state = isPosError(error) ? error.code : `threw ${String(error)}`;
    },
  );
  return {
    state: () => state,
    value: () => {
      if (state !== 'resolved') throw new Error(`not resolved: ${state}`);
      return value as T;
    },
  };
}

/** Lets every queued microtask run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function rejection(promise: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (isPosError(error)) return error.code;
    throw error;
  }
}

/** An open reader on a manual clock, with every event it emits recorded in order. */
async function openReader(): Promise<{
  reader: FakeCardReader;
  clock: ManualClock;
  events: string[];
}> {
  const clock = new ManualClock();
  const reader = new FakeCardReader({ clock });
  const events: string[] = [];
  reader.onCard((card) => events.push(`card ${card.uid}`));
  reader.onCardRemoved((uid) => events.push(`removed ${uid}`));
  reader.onStatus((available) => events.push(`status ${available}`));
  await reader.open();
  return { reader, clock, events };
}

describe('FakeCardReader', () => {
  it('reports a tapped phone and reads its account', async () => {
    const { reader, events } = await openReader();
    const seen: PresentedCard[] = [];
    reader.onCard((card) => seen.push(card));
    const card = reader.tap(PHONE);
    expect(events).toEqual([`card ${PHONE.uid}`]);
    expect(seen).toEqual([card]);
    expect(card.uid).toBe(PHONE.uid);
    expect([...card.atr]).toEqual([0x3b, 0x80, 0x80, 0x01, 0x01]);
    expect(Object.isFrozen(card)).toBe(true);
    await expect(reader.readAccount(card)).resolves.toEqual({ uid: PHONE.uid, token: PHONE.token });
    expect(reader.readCount).toBe(1);
  });

  it('gives a phone tapped without a token a valid default token, and keeps a given ATR', async () => {
    const { reader } = await openReader();
    const atr = Uint8Array.of(0x3b, 0x8f, 0x80, 0x01);
    const card = reader.tap({ uid: '04A1B2C3', atr });
    atr[0] = 0;
    expect([...card.atr]).toEqual([0x3b, 0x8f, 0x80, 0x01]);
    const account = await reader.readAccount(card);
    expect(account.token).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
    expect(PHONE_ATR[0]).toBe(0x3b);
  });

  it('reads a card presented again after a snapshot, by its UID', async () => {
    const { reader } = await openReader();
    reader.tap(PHONE);
    const restored: PresentedCard = JSON.parse(
      JSON.stringify({ uid: PHONE.uid, atr: [] }),
    ) as never;
    await expect(reader.readAccount(restored)).resolves.toMatchObject({ uid: PHONE.uid });
  });

  it('refuses a card without the applet, or whose applet returns no account token', async () => {
    const { reader } = await openReader();
    const transitCard = reader.tap({ uid: '04A1B2C3', applet: false, token: PHONE.token });
    expect(await rejection(reader.readAccount(transitCard))).toBe('CARD_NOT_SUPPORTED');
    for (const token of ['short', 'has spaces in the middle!', 'x'.repeat(129), '']) {
      const card = reader.tap({ uid: '04A1B2C3', token });
      expect(await rejection(reader.readAccount(card)), token).toBe('CARD_NOT_SUPPORTED');
    }
  });

  it('never puts the token in an error', async () => {
    const { reader } = await openReader();
    const token = 'not a token, but secret';
    const card = reader.tap({ uid: '04A1B2C3', token });
    const error: unknown = await reader.readAccount(card).catch((e: unknown) => e);
    expect(isPosError(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain('secret');
    expect(String(error)).not.toContain('secret');
  });

  it.each(['CARD_REMOVED', 'CARD_UNREADABLE', 'CARD_NOT_SUPPORTED'] as const)(
    'fails the next read once with an injected %s, the card staying in the field',
    async (code) => {
      const { reader, events } = await openReader();
      const card = reader.tap(PHONE);
      reader.failNextRead(code);
      expect(await rejection(reader.readAccount(card))).toBe(code);
      expect(await rejection(reader.readAccount(card))).toBe('resolved');
      expect(events).toEqual([`card ${PHONE.uid}`]);
      expect(reader.readCount).toBe(2);
    },
  );

  it('keeps an injected fault for a read that reaches a card', async () => {
    const { reader } = await openReader();
    reader.failNextRead('CARD_UNREADABLE');
    const card = reader.tap(PHONE);
    reader.pull();
    expect(await rejection(reader.readAccount(card))).toBe('CARD_REMOVED');
    reader.tap(PHONE);
    expect(await rejection(reader.readAccount(card))).toBe('CARD_UNREADABLE');
    expect(reader.readCount).toBe(2);
  });

  it('answers CARD_REMOVED for a card that is not the one in the field', async () => {
    const { reader } = await openReader();
    const first = reader.tap(PHONE);
    expect(await rejection(reader.readAccount({ uid: '04A1B2C3', atr: PHONE_ATR }))).toBe(
      'CARD_REMOVED',
    );
    reader.pull();
    expect(await rejection(reader.readAccount(first))).toBe('CARD_REMOVED');
  });

  it('completes a read after the delay on its clock', async () => {
    const { reader, clock } = await openReader();
    reader.setReadDelay(300);
    const card = reader.tap(PHONE);
    const read = watch(reader.readAccount(card));
    clock.advance(299);
    await settle();
    expect(read.state()).toBe('pending');
    clock.advance(1);
    await settle();
    expect(read.state()).toBe('resolved');
    expect(read.value()).toEqual({ uid: PHONE.uid, token: PHONE.token });
  });

  it('fails a read with CARD_REMOVED when the card is pulled mid-read', async () => {
    const { reader, clock, events } = await openReader();
    reader.setReadDelay(500);
    const card = reader.tap(PHONE);
    const read = watch(reader.readAccount(card));
    clock.advance(200);
    reader.pull();
    await settle();
    expect(read.state()).toBe('CARD_REMOVED');
    expect(events).toEqual([`card ${PHONE.uid}`, `removed ${PHONE.uid}`]);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1000);
    await settle();
    expect(read.state()).toBe('CARD_REMOVED');
  });

  it('fails a read with CARD_REMOVED when another card replaces it mid-read', async () => {
    const { reader, clock, events } = await openReader();
    reader.setReadDelay(500);
    const read = watch(reader.readAccount(reader.tap(PHONE)));
    const other = reader.tap({ uid: '04A1B2C3D4E5F6A7B8C9' });
    await settle();
    expect(read.state()).toBe('CARD_REMOVED');
    expect(events).toEqual([
      `card ${PHONE.uid}`,
      `removed ${PHONE.uid}`,
      'card 04A1B2C3D4E5F6A7B8C9',
    ]);
    const second = watch(reader.readAccount(other));
    clock.advance(500);
    await settle();
    expect(second.state()).toBe('resolved');
  });

  it('fails a read with a zero delay when the card is pulled before it completes', async () => {
    const { reader } = await openReader();
    const read = reader.readAccount(reader.tap(PHONE));
    reader.pull();
    expect(await rejection(read)).toBe('CARD_REMOVED');
  });

  it('emits nothing while closed, and reports a card already in the field when opened', async () => {
    const clock = new ManualClock();
    const reader = new FakeCardReader({ clock });
    const events: string[] = [];
    reader.onCard((card) => events.push(`card ${card.uid}`));
    reader.onCardRemoved((uid) => events.push(`removed ${uid}`));
    reader.onStatus((available) => events.push(`status ${available}`));
    expect(reader.isOpen).toBe(false);
    reader.tap({ uid: '04A1B2C3' });
    reader.pull();
    reader.unplug();
    reader.plug();
    const card = reader.tap(PHONE);
    expect(events).toEqual([]);
    expect(await rejection(reader.readAccount(card))).toBe('READER_UNAVAILABLE');

    await reader.open();
    await reader.open();
    expect(reader.isOpen).toBe(true);
    expect(events).toEqual([`card ${PHONE.uid}`]);
    await expect(reader.readAccount(card)).resolves.toMatchObject({ uid: PHONE.uid });

    await reader.close();
    await reader.close();
    reader.pull();
    reader.tap(PHONE);
    reader.unplug();
    expect(events).toEqual([`card ${PHONE.uid}`]);
    expect(await rejection(reader.readAccount(card))).toBe('READER_UNAVAILABLE');
  });

  it('rejects a read under way with READER_UNAVAILABLE on close, and works again when reopened', async () => {
    const { reader, clock, events } = await openReader();
    reader.setReadDelay(500);
    const card = reader.tap(PHONE);
    const read = watch(reader.readAccount(card));
    await reader.close();
    await settle();
    expect(read.state()).toBe('READER_UNAVAILABLE');
    expect(clock.pendingTimers).toBe(0);
    await reader.open();
    expect(events).toEqual([`card ${PHONE.uid}`, `card ${PHONE.uid}`]);
    const again = watch(reader.readAccount(card));
    clock.advance(500);
    await settle();
    expect(again.state()).toBe('resolved');
  });

  it('goes unavailable when unplugged: reads fail, the card is gone, taps are ignored', async () => {
    const { reader, clock, events } = await openReader();
    reader.setReadDelay(500);
    const card = reader.tap(PHONE);
    const read = watch(reader.readAccount(card));
    reader.unplug();
    reader.unplug();
    await settle();
    expect(read.state()).toBe('READER_UNAVAILABLE');
    expect(events).toEqual([`card ${PHONE.uid}`, `removed ${PHONE.uid}`, 'status false']);

    const ignored = reader.tap(PHONE);
    reader.pull();
    expect(await rejection(reader.readAccount(ignored))).toBe('READER_UNAVAILABLE');
    expect(events).toHaveLength(3);

    reader.plug();
    reader.plug();
    expect(events.slice(3)).toEqual(['status true']);
    expect(await rejection(reader.readAccount(ignored))).toBe('CARD_REMOVED');
    const back = watch(reader.readAccount(reader.tap(PHONE)));
    clock.advance(500);
    await settle();
    expect(back.state()).toBe('resolved');
  });

  it('calls listeners in registration order and stops calling those unsubscribed', async () => {
    const { reader } = await openReader();
    const calls: string[] = [];
    const offA = reader.onCard(() => calls.push('a'));
    reader.onCard(() => calls.push('b'));
    const offC = reader.onCardRemoved(() => calls.push('c'));
    reader.tap(PHONE);
    reader.pull();
    expect(calls).toEqual(['a', 'b', 'c']);
    offA();
    offA();
    offC();
    reader.tap(PHONE);
    reader.pull();
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });

  it.each([
    '04a1b2c3',
    '04A1B2',
    '04A1B2C3D4',
    '04A1B2C3D4E5F6A7',
    '04A1B2C3D4E5F6A7B8C9D0',
    'ZZA1B2C3',
    '',
  ])('refuses to tap a card with UID %j', async (uid) => {
    const { reader, events } = await openReader();
    expect(() => reader.tap({ uid })).toThrow(TypeError);
    expect(events).toEqual([]);
  });

  it('refuses a negative or endless read delay', () => {
    const reader = new FakeCardReader();
    expect(() => reader.setReadDelay(-1)).toThrow(RangeError);
    expect(() => reader.setReadDelay(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
