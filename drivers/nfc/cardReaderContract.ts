import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/core/errorCodes.js';
import { isPosError } from '../../src/core/PosError.js';
import type { CardReader, PhoneAccount, PresentedCard } from './CardReader.js';

/** A card a contract test puts in the field. */
export interface ContractCard {
  /** Upper-case hex UID of 4, 7 or 10 bytes. */
  readonly uid: string;
  /** What the applet returns to READ ACCOUNT. */
  readonly token: string;
  /** False for a card without the ComboPay applet; default true. */
  readonly applet?: boolean;
}

/**
 * One {@link CardReader} implementation with the physical world around it, as the contract
 * tests drive it. Every hook resolves once the reader has reported what happened, so the same
 * test runs against a synchronous fake and against PC/SC, where events take their time.
 */
export interface CardReaderHarness {
  /** The reader under test, open and available. */
  readonly reader: CardReader;
  /** Puts `card` in the field; resolves with what `onCard` reported. */
  readonly tap: (card: ContractCard) => Promise<PresentedCard>;
  /** Takes the card out of the field; resolves once `onCardRemoved` reported it. */
  readonly pull: () => Promise<void>;
  /** Starts a read of `card` and pulls the card before the read completes. */
  readonly readWhilePulling: (card: PresentedCard) => Promise<PhoneAccount>;
  /**
   * The reader goes away (USB pulled, pcscd stopped), taking the card in the field with it;
   * resolves once `onStatus(false)` was reported. Absent when the harness cannot do it.
   */
  readonly unplug?: () => Promise<void>;
  /** The reader is back; resolves once `onStatus(true)` was reported. */
  readonly plug?: () => Promise<void>;
  /** Closes the reader and releases what the harness holds. */
  readonly dispose: () => Promise<void>;
}

/** How long a contract test waits for an event that must come (PC/SC polls every ~400 ms). */
export const EVENT_TIMEOUT_MS = 10_000;

/**
 * Defines the {@link CardReader} contract tests for one implementation. Call it inside a test
 * file: `describeCardReaderContract('FakeCardReader', () => fakeHarness())`.
 */
export function describeCardReaderContract(
  name: string,
  create: () => Promise<CardReaderHarness>,
): void {
  describe(`CardReader contract: ${name}`, () => {
    let current: CardReaderHarness | undefined;
    const harness = async (): Promise<CardReaderHarness> => {
      current = await create();
      return current;
    };

    afterEach(async () => {
      await current?.dispose();
      current = undefined;
    });

    it('reports a tapped phone with its UID and reads its account token', async () => {
      const { reader, tap } = await harness();
      const card = await tap(PHONE);
      expect(card.uid).toBe(PHONE.uid);
      expect([...card.atr]).toEqual([0x3b, 0x80, 0x80, 0x01, 0x01]);
      await expect(reader.readAccount(card)).resolves.toEqual({
        uid: PHONE.uid,
        token: PHONE.token,
      });
      // A second read of the same tap works too (the flow may read again after a retry).
      await expect(reader.readAccount(card)).resolves.toEqual({
        uid: PHONE.uid,
        token: PHONE.token,
      });
    });

    it('refuses a card without the applet with CARD_NOT_SUPPORTED', async () => {
      const { reader, tap } = await harness();
      const card = await tap({ uid: TRANSIT_UID, token: PHONE.token, applet: false });
      expect(card.uid).toBe(TRANSIT_UID);
      expect(await failure(reader.readAccount(card))).toBe('CARD_NOT_SUPPORTED');
    });

    it('refuses an applet whose reply is not an account token, never showing it', async () => {
      const { reader, tap } = await harness();
      const card = await tap({ uid: PHONE.uid, token: 'short secret' });
      const error = await reader.readAccount(card).catch((e: unknown) => e);
      expect(isPosError(error) && error.code).toBe('CARD_NOT_SUPPORTED');
      expect(JSON.stringify(error)).not.toContain('secret');
      expect(String(error)).not.toContain('secret');
    });

    it('reports a pulled card removed, and answers CARD_REMOVED for it', async () => {
      const { reader, tap, pull } = await harness();
      const removed: string[] = [];
      reader.onCardRemoved((uid) => removed.push(uid));
      const card = await tap(PHONE);
      await pull();
      expect(removed).toEqual([PHONE.uid]);
      expect(await failure(reader.readAccount(card))).toBe('CARD_REMOVED');
    });

    it('answers CARD_REMOVED when the card is pulled during the read', async () => {
      const { reader, tap, readWhilePulling } = await harness();
      const card = await tap(PHONE);
      expect(await failure(readWhilePulling(card))).toBe('CARD_REMOVED');
      expect(await failure(reader.readAccount(card))).toBe('CARD_REMOVED');
    });

    it('answers CARD_REMOVED for a card other than the one in the field', async () => {
      const { reader, tap } = await harness();
      const card = await tap(PHONE);
      expect(await failure(reader.readAccount({ uid: TRANSIT_UID, atr: card.atr }))).toBe(
        'CARD_REMOVED',
      );
    });

    it('stops reporting and answers READER_UNAVAILABLE once closed', async () => {
      const { reader, tap } = await harness();
      const card = await tap(PHONE);
      const events: string[] = [];
      reader.onCard(() => events.push('card'));
      reader.onCardRemoved(() => events.push('removed'));
      reader.onStatus(() => events.push('status'));
      await reader.close();
      expect(await failure(reader.readAccount(card))).toBe('READER_UNAVAILABLE');
      expect(events).toEqual([]);
    });

    it('goes unavailable when unplugged and reads again when plugged back', async (context) => {
      const h = await harness();
      if (!h.unplug || !h.plug) {
        // In CI every harness must be able to: a skip there would pass silently.
        if (process.env.CI) throw new Error('this harness cannot take the reader away');
        context.skip('this harness cannot take the reader away');
        return;
      }
      const statuses: boolean[] = [];
      const removed: string[] = [];
      h.reader.onStatus((available) => statuses.push(available));
      h.reader.onCardRemoved((uid) => removed.push(uid));
      const card = await h.tap(PHONE);
      await h.unplug();
      expect(statuses).toEqual([false]);
      expect(removed).toEqual([PHONE.uid]);
      expect(await failure(h.reader.readAccount(card))).toBe('READER_UNAVAILABLE');
      await h.plug();
      expect(statuses).toEqual([false, true]);
      const again = await h.tap(PHONE);
      await expect(h.reader.readAccount(again)).resolves.toEqual({
        uid: PHONE.uid,
        token: PHONE.token,
      });
    });
  });
}

const PHONE: ContractCard = { uid: '08A1B2C3', token: 'q3Zx8_Lk2mNp-Rt5Vw7Y' };
const TRANSIT_UID = '04A1B2C3D4E5F6';

/** The code a read failed with; the test fails if it resolved or threw something else. */
async function failure(read: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  try {
    await read;
    return 'resolved';
  } catch (error) {
    if (isPosError(error)) return error.code;
    throw error;
  }
}

/**
 * Resolves with the first value a reader event reports that matches `accept`, subscribing
 * before `action` runs (a fake reports during the call itself).
 */
export async function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  action: () => unknown,
  accept: (value: T) => boolean = () => true,
  timeoutMs = EVENT_TIMEOUT_MS,
): Promise<T> {
  let unsubscribe: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const seen = new Promise<T>((resolve, reject) => {
    unsubscribe = subscribe((value) => {
      if (accept(value)) resolve(value);
    });
    timer = setTimeout(() => {
      reject(new Error(`no matching reader event within ${String(timeoutMs)} ms`));
    }, timeoutMs);
  });
  try {
    await action();
    return await seen;
  } finally {
    unsubscribe();
    clearTimeout(timer);
  }
}
