/**
 * PcscCardReader's lifecycle with nfc-pcsc replaced by fakes: the reader unplugged and plugged
 * back while pcscd runs (which vpcd cannot do: its readers are fixed), pcscd not answering at
 * start, the context dying, the backoff. The real stack is exercised by
 * scripts/virtual-phone/PcscCardReader.vpcd.test.ts.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/ManualClock.js';
import { isPosError } from '../../../src/core/PosError.js';
import { PcscCardReader, type NfcContext } from './PcscCardReader.js';

class FakeNfc extends EventEmitter implements NfcContext {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

class FakeReader extends EventEmitter {
  autoProcessing = true;
  closed = false;
  constructor(readonly name: string) {
    super();
  }
  transmit(data: Buffer): Promise<Buffer> {
    const hex = data.toString('hex').toUpperCase();
    if (hex === 'FFCA000000') return Promise.resolve(Buffer.from('08A1B2C39000', 'hex'));
    if (hex.startsWith('00A40400')) return Promise.resolve(Buffer.from('9000', 'hex'));
    return Promise.resolve(Buffer.from(`${Buffer.from(TOKEN).toString('hex')}9000`, 'hex'));
  }
  close(): void {
    this.closed = true;
  }
}

const TOKEN = 'q3Zx8_Lk2mNp-Rt5Vw7Y';
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function rig(options: { answers?: boolean[] } = {}) {
  const clock = new ManualClock();
  const contexts: FakeNfc[] = [];
  const answers = [...(options.answers ?? [])];
  let probes = 0;
  const events: string[] = [];
  const reader = new PcscCardReader({
    clock,
    readerName: /^Virtual/,
    createNfc: () => {
      const nfc = new FakeNfc();
      contexts.push(nfc);
      return nfc;
    },
    serviceAvailable: () => {
      probes += 1;
      return Promise.resolve(answers.shift() ?? true);
    },
  });
  reader.onStatus((available) => events.push(`status ${String(available)}`));
  reader.onCard((card) => events.push(`card ${card.uid}`));
  reader.onCardRemoved((uid) => events.push(`removed ${uid}`));
  const plugIn = (nfc: FakeNfc, name = 'Virtual PCD 00 00'): FakeReader => {
    const device = new FakeReader(name);
    nfc.emit('reader', device);
    return device;
  };
  return { clock, contexts, events, reader, plugIn, probes: () => probes };
}

async function codeOf(read: Promise<unknown>): Promise<string> {
  try {
    await read;
    return 'resolved';
  } catch (error) {
    return isPosError(error) ? error.code : `threw ${String(error)}`;
  }
}

describe('PcscCardReader lifecycle (fake nfc-pcsc)', () => {
  it('waits for pcscd with a doubling backoff before making a PC/SC context', async () => {
    const { clock, contexts, reader, probes } = rig({ answers: [false, false, false] });
    await reader.open();
    await flush();
    expect(contexts).toHaveLength(0);
    clock.advance(250);
    await flush();
    expect(probes()).toBe(2);
    clock.advance(499);
    await flush();
    expect(probes()).toBe(2);
    clock.advance(1);
    await flush();
    expect(probes()).toBe(3);
    clock.advance(1000);
    await flush();
    expect(probes()).toBe(4);
    expect(contexts).toHaveLength(1);
    await reader.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports a reader unplugged and plugged back, and reads again', async () => {
    const { contexts, events, reader, plugIn } = rig();
    await reader.open();
    await flush();
    const nfc = contexts[0];
    if (!nfc) throw new Error('no context');
    const device = plugIn(nfc);
    expect(device.autoProcessing).toBe(false);
    device.emit('card', { atr: Buffer.from('3B80800101', 'hex') });
    await flush();
    expect(events).toEqual(['status true', 'card 08A1B2C3']);
    const card = { uid: '08A1B2C3', atr: new Uint8Array() };

    device.emit('error', new Error('SCardGetStatusChange error: Unknown reader'));
    device.emit('end');
    expect(events.slice(2)).toEqual(['removed 08A1B2C3', 'status false']);
    expect(await codeOf(reader.readAccount(card))).toBe('READER_UNAVAILABLE');

    const again = plugIn(nfc);
    again.emit('card', { atr: Buffer.from('3B80800101', 'hex') });
    await flush();
    expect(events.slice(4)).toEqual(['status true', 'card 08A1B2C3']);
    await expect(reader.readAccount(card)).resolves.toEqual({ uid: '08A1B2C3', token: TOKEN });
    expect(contexts).toHaveLength(1);
    await reader.close();
    expect(again.closed).toBe(true);
    expect(nfc.closed).toBe(true);
  });

  it('ignores readers whose name does not match, but closes them with the context', async () => {
    const { contexts, events, reader, plugIn } = rig();
    await reader.open();
    await flush();
    const nfc = contexts[0];
    if (!nfc) throw new Error('no context');
    const other = plugIn(nfc, 'ACS ACR122U');
    other.emit('card', { atr: Buffer.from('3B80800101', 'hex') });
    await flush();
    expect(events).toEqual([]);
    expect(reader.available).toBe(false);
    await reader.close();
    expect(other.closed).toBe(true);
  });

  it('drops a dead context, closes it outside the event, and reconnects with backoff', async () => {
    const { clock, contexts, events, reader, plugIn } = rig({ answers: [true, false] });
    await reader.open();
    await flush();
    const first = contexts[0];
    if (!first) throw new Error('no context');
    const device = plugIn(first);
    device.emit('card', { atr: Buffer.from('3B80800101', 'hex') });
    await flush();

    first.emit('error', new Error('SCardGetStatusChange error: RPC transport error.'));
    // pcsclite holds the reader's mutex during its events: closing must wait for a later turn.
    expect(device.closed).toBe(false);
    expect(events.slice(2)).toEqual(['removed 08A1B2C3', 'status false']);
    device.emit('error', new Error('SCardGetStatusChange error: RPC transport error.'));
    device.emit('end');
    await flush();
    expect(device.closed).toBe(true);
    expect(first.closed).toBe(true);

    clock.advance(250);
    await flush();
    expect(contexts).toHaveLength(1);
    clock.advance(500);
    await flush();
    const second = contexts[1];
    if (!second) throw new Error('no second context');
    plugIn(second);
    expect(events.slice(4)).toEqual(['status true']);
    await reader.close();
  });

  it('keeps going when a listener throws', async () => {
    const { contexts, reader, plugIn } = rig();
    const seen: string[] = [];
    reader.onStatus(() => {
      throw new Error('a broken listener');
    });
    reader.onStatus((available) => seen.push(String(available)));
    await reader.open();
    await flush();
    const nfc = contexts[0];
    if (!nfc) throw new Error('no context');
    plugIn(nfc);
    expect(seen).toEqual(['true']);
    await reader.close();
  });
});
