import { afterEach, describe, expect, it } from 'vitest';
import { FakeCardReader } from '../../drivers/nfc/FakeCardReader.js';
import type { PresentedCard } from '../../drivers/nfc/CardReader.js';
import { FakeSimPhone } from './FakeSimPhone.js';
import type { SimPhoneChange } from './SimPhone.js';

const card = { uid: '04A1B2C3D4E5F6', token: 'q3Zx8_Lk2mNp-Rt5Vw7Y' };

let reader: FakeCardReader;
afterEach(async () => {
  await reader.close();
});

async function setUp() {
  reader = new FakeCardReader();
  await reader.open();
  const phone = new FakeSimPhone(reader, card);
  const events: string[] = [];
  const changes: SimPhoneChange[] = [];
  reader.onCard((presented) => events.push(`card ${presented.uid}`));
  reader.onCardRemoved((uid) => events.push(`removed ${uid}`));
  phone.onChange((change) => changes.push(change));
  return { phone, events, changes };
}

describe('FakeSimPhone', () => {
  it('stays on the reader after a tap, and the reader reads its token, until pulled', async () => {
    const { phone, events, changes } = await setUp();
    let presented: PresentedCard | undefined;
    reader.onCard((tapped) => (presented = tapped));
    phone.tap();
    expect(phone.onReader).toBe(true);
    expect(events).toEqual([`card ${card.uid}`]);
    if (!presented) throw new Error('no card presented');
    await expect(reader.readAccount(presented)).resolves.toEqual(card);
    // Still there for a second read, as a phone lying on the reader.
    await expect(reader.readAccount(presented)).resolves.toEqual(card);

    phone.pull();
    expect(phone.onReader).toBe(false);
    expect(events).toEqual([`card ${card.uid}`, `removed ${card.uid}`]);
    await expect(reader.readAccount(presented)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    expect(changes).toEqual([{ onReader: true }, { onReader: false }]);
  });

  it('presents the card afresh when tapped again, and pulls nothing when away', async () => {
    const { phone, events } = await setUp();
    phone.pull();
    expect(events).toEqual([]);
    phone.tap();
    phone.tap();
    expect(events).toEqual([`card ${card.uid}`, `removed ${card.uid}`, `card ${card.uid}`]);
    expect(phone.onReader).toBe(true);
  });

  it('toggles between on and off the reader', async () => {
    const { phone, changes } = await setUp();
    phone.toggle();
    phone.toggle();
    phone.toggle();
    expect(changes.map((change) => change.onReader)).toEqual([true, false, true]);
  });

  it('leaves the reader when closed and does nothing after', async () => {
    const { phone, events, changes } = await setUp();
    phone.tap();
    phone.close();
    phone.tap();
    expect(phone.onReader).toBe(false);
    expect(events).toEqual([`card ${card.uid}`, `removed ${card.uid}`]);
    // Listeners are forgotten on close: the pull at close is the last thing they heard.
    expect(changes).toEqual([{ onReader: true }, { onReader: false }]);
  });
});
