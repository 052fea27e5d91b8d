import { ManualClock } from '../../src/core/ManualClock.js';
import {
  describeCardReaderContract,
  nextEvent,
  type CardReaderHarness,
} from './cardReaderContract.js';
import { FakeCardReader } from './FakeCardReader.js';

/** The fake's test hooks behind the contract's harness. */
async function fakeHarness(): Promise<CardReaderHarness> {
  // A clock nobody advances: a read with a delay stays pending until something ends it.
  const clock = new ManualClock();
  const reader = new FakeCardReader({ clock });
  await reader.open();
  return {
    reader,
    tap: (card) => nextEvent(reader.onCard.bind(reader), () => reader.tap(card)),
    pull: async () => {
      await nextEvent(reader.onCardRemoved.bind(reader), () => {
        reader.pull();
      });
    },
    readWhilePulling: (card) => {
      reader.setReadDelay(1000);
      const read = reader.readAccount(card);
      reader.pull();
      reader.setReadDelay(0);
      return read;
    },
    unplug: async () => {
      await nextEvent(reader.onStatus.bind(reader), () => {
        reader.unplug();
      });
    },
    plug: async () => {
      await nextEvent(reader.onStatus.bind(reader), () => {
        reader.plug();
      });
    },
    dispose: () => reader.close(),
  };
}

describeCardReaderContract('FakeCardReader', fakeHarness);
