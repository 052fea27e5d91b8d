/**
 * The simulator's PC/SC mode against the real stack: pcscd with vsmartcard's vpcd reader (CI
 * installs both; the test starts pcscd when it is not running and stops only the one it
 * started), the board's PcscCardReader, and the virtual phone as the card.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { nextEvent } from '../../drivers/nfc/cardReaderContract.js';
import { stateName } from '../../src/terminal/createTerminal.js';
import { Pcscd } from '../../src/testing/pcscd.js';
import { openSimReader } from './openSimReader.js';
import type { SimPhoneChange } from './SimPhone.js';
import { startSimulator } from './startSimulator.js';

let pcscd: Pcscd | undefined;

beforeAll(async () => {
  pcscd = await Pcscd.use();
}, 150_000);

afterAll(async () => {
  await pcscd?.release();
});

const CARD = { uid: '04A1B2C3D4E5F6', token: 'q3Zx8_Lk2mNp-Rt5Vw7Y' } as const;

describe('openSimReader on pcscd + vpcd', () => {
  it('taps the virtual phone on vpcd, and the PC/SC reader reads its account', async () => {
    const { reader, phone, kind } = openSimReader('pcsc', CARD);
    expect(kind).toBe('pcsc');
    const changes: SimPhoneChange[] = [];
    phone.onChange((change) => changes.push(change));
    try {
      await nextEvent(
        reader.onStatus.bind(reader),
        () => reader.open(),
        (available) => available,
      );
      const card = await nextEvent(
        reader.onCard.bind(reader),
        () => {
          phone.toggle();
        },
        (presented) => presented.uid === CARD.uid,
      );
      expect(phone.onReader).toBe(true);
      await expect(reader.readAccount(card)).resolves.toEqual(CARD);
      await nextEvent(
        reader.onCardRemoved.bind(reader),
        () => {
          phone.toggle();
        },
        (uid) => uid === CARD.uid,
      );
      expect(phone.onReader).toBe(false);
      expect(changes).toEqual([{ onReader: true }, { onReader: false }]);
    } finally {
      phone.close();
      await reader.close();
    }
  });

  it('presents the phone afresh when it is tapped again while on the reader', async () => {
    const { reader, phone } = openSimReader('pcsc', CARD);
    try {
      await nextEvent(
        reader.onStatus.bind(reader),
        () => reader.open(),
        (available) => available,
      );
      await nextEvent(reader.onCard.bind(reader), () => {
        phone.tap();
      });
      const events: string[] = [];
      reader.onCardRemoved(() => events.push('removed'));
      await nextEvent(reader.onCard.bind(reader), () => {
        phone.tap();
      });
      expect(events).toEqual(['removed']);
      expect(phone.onReader).toBe(true);
    } finally {
      phone.close();
      await reader.close();
    }
  });
});

describe('the simulator with --reader auto where pcscd and vpcd run', () => {
  it('uses PC/SC, and a tap of the phone reaches the terminal', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'combopay-sim-pcsc-'));
    const sim = await startSimulator({ dataDir, lang: 'en', reader: 'auto' });
    try {
      expect(sim.readerKind).toBe('pcsc');
      const reached = (state: string) =>
        waitFor(sim.terminal.actor, (snapshot) => stateName(snapshot) === state, {
          timeout: 15_000,
        });
      await reached('idle');
      sim.phone.tap();
      await reached('menu');
      expect(sim.terminal.screen()).toMatchObject({ id: 'menu', cardPresent: true });
    } finally {
      await sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
