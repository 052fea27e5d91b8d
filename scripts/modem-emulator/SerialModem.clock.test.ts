import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ManualClock.js';
import { PosError } from '../../src/core/PosError.js';
import { createBytePipe, type PipeEnd } from '../../drivers/modem/memoryBytePipe.js';
import { SerialModem, type SerialModemOptions } from '../../drivers/modem/hw/SerialModem.js';
import type { ModemStatus } from '../../drivers/modem/Modem.js';
import { ModemEmulator } from './ModemEmulator.js';

// SerialModem's loop on a manual clock: the emulator on an in-memory pipe instead of a PTY, so
// that minutes of health checks, resets and backoffs run in milliseconds and exactly.

const modems: SerialModem[] = [];

afterEach(async () => {
  for (const modem of modems.splice(0)) await modem.close();
});

function rig(options: Partial<SerialModemOptions> = {}) {
  const clock = new ManualClock();
  const emulator = new ModemEmulator({ clock, registerDelayMs: 5000 });
  let plugged = true;
  let port: PipeEnd | undefined;
  const opens: number[] = [];
  const modem = new SerialModem({
    path: '/dev/ttyModemAT',
    clock,
    healthIntervalMs: 30_000,
    ...options,
    openStream: (path) => {
      opens.push(clock.now());
      if (!plugged) {
        return Promise.reject(
          new PosError('MODEM_UNAVAILABLE', `no ${path}`, { details: { path } }),
        );
      }
      const [near, far] = createBytePipe();
      emulator.powerOn();
      emulator.attach(far);
      port = near;
      return Promise.resolve({
        ...near,
        close: () => {
          near.close();
          return Promise.resolve();
        },
      });
    },
  });
  modems.push(modem);
  const statuses: ModemStatus[] = [];
  modem.onStatus((status) => statuses.push(status));
  /** Moves the clock by `ms` in small steps, letting the pipe's I/O run between them. */
  const run = async (ms: number, step = 100): Promise<void> => {
    let done = 0;
    do {
      const by = Math.min(step, ms - done);
      clock.advance(by);
      done += by;
      await new Promise((resolve) => setImmediate(resolve));
    } while (done < ms);
  };
  const unplug = (): void => {
    plugged = false;
    port?.close();
  };
  const plug = (): void => {
    plugged = true;
  };
  return { clock, emulator, modem, statuses, opens, run, unplug, plug };
}

describe('SerialModem on a manual clock', () => {
  it('polls on the health interval and reports a change once', async () => {
    const { modem, emulator, run, statuses } = rig();
    await modem.open();
    const polls = (): number => emulator.commands.filter((c) => c === 'AT+CSQ').length;
    expect(polls()).toBe(1);
    emulator.setSignal(3);
    await run(29_900);
    expect(polls()).toBe(1);
    await run(200);
    expect(polls()).toBe(2);
    expect(modem.status().signalBars).toBe(1);
    expect(statuses.filter((s) => s.signalBars === 1)).toHaveLength(1);
  });

  it('waits longer after each radio reset that did not help', async () => {
    const { modem, emulator, run, clock } = rig({
      radioReset: { afterMs: 120_000, maxMs: 600_000 },
    });
    await modem.open();
    const start = clock.now();
    emulator.loseSignal(); // not cured by a reset
    await run(0);
    const resets: number[] = [];
    let seen = 0;
    for (let t = 0; t < 30 * 60_000; t += 30_000) {
      await run(30_000, 1000);
      if (emulator.radioResets > seen) {
        seen = emulator.radioResets;
        resets.push(Math.round((clock.now() - start) / 60_000));
      }
    }
    // Lost at 0: resets after 2 minutes, then 4, 8, and 10 (the cap) minutes more.
    expect(resets).toEqual([2, 6, 14, 24]);
    expect(modem.status().available).toBe(true);
    emulator.restoreSignal();
    await run(30_000, 1000);
    expect(modem.status().registration).toBe('home');
  });

  it('does not reset the radio while the SIM is missing', async () => {
    const { modem, emulator, run } = rig({ radioReset: { afterMs: 60_000, maxMs: 60_000 } });
    await modem.open();
    emulator.setSim('missing');
    await run(10 * 60_000, 1000);
    expect(emulator.radioResets).toBe(0);
    expect(modem.status()).toMatchObject({ sim: 'missing', error: { code: 'SIM_ERROR' } });
  });

  it('reopens a vanished port with doubling waits, up to the cap', async () => {
    const { modem, run, unplug, plug, opens, clock } = rig({
      reconnectBackoff: { initialMs: 1000, maxMs: 8000 },
    });
    await modem.open();
    const lostAt = clock.now();
    unplug();
    await run(40_000);
    expect(modem.status()).toMatchObject({
      available: false,
      error: { code: 'MODEM_UNAVAILABLE' },
    });
    const waits = opens.slice(1).map((at, i) => at - (i === 0 ? lostAt : (opens[i] ?? 0)));
    expect(waits.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    plug();
    await run(8000);
    expect(modem.status()).toMatchObject({ available: true, registration: 'home' });
    // A good connection resets the backoff.
    const before = opens.length;
    unplug();
    plug();
    await run(1000);
    expect(opens.length).toBe(before + 1);
  });

  it('stops its loop on close', async () => {
    const { modem, clock, run } = rig();
    await modem.open();
    await modem.close();
    await run(60_000);
    expect(clock.pendingTimers).toBe(0);
  });
});
