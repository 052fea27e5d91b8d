import { afterEach, describe, expect, it } from 'vitest';
import { PosError } from '../../src/core/PosError.js';
import type { Modem, ModemStatus } from './Modem.js';

/**
 * A modem under test with the hooks the contract needs. The network starts registered (home),
 * with CSQ rssi 20 (four bars, −73 dBm) and the operator `ComboNet`.
 */
export interface ModemRig {
  readonly modem: Modem;
  /** Sets the signal (CSQ rssi 0–31) while the network is there. */
  setSignal(rssi: number): void;
  /** The network is lost (no signal, registration searching) until {@link restoreSignal}. */
  loseSignal(): void;
  restoreSignal(): void;
  setSim(sim: 'ready' | 'missing'): void;
  /** Commands starting with `prefix` get no answer. */
  mute(prefix: string): void;
  /** The AT port disappears (USB modem reset). */
  drop(): Promise<void>;
  /** The AT port comes back. */
  restore(): Promise<void>;
  /** Releases the rig (the modem is closed by the suite first). */
  dispose(): Promise<void>;
}

export interface ModemRigOptions {
  readonly sim?: 'ready' | 'missing';
}

export interface ModemContractOptions {
  /** Longest time the implementation takes to notice a change, in real ms. */
  readonly noticeMs: number;
}

/** Waits (real time) until `modem`'s status satisfies `predicate`. */
export async function waitForStatus(
  modem: Modem,
  predicate: (status: ModemStatus) => boolean,
  timeoutMs: number,
): Promise<ModemStatus> {
  if (predicate(modem.status())) return modem.status();
  return new Promise<ModemStatus>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(`no such status in ${timeoutMs} ms; last: ${JSON.stringify(modem.status())}`),
      );
    }, timeoutMs);
    const unsubscribe = modem.onStatus((status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(status);
    });
  });
}

/** The error `promise` rejects with; fails when it resolves or rejects with something else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<PosError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PosError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/**
 * The {@link Modem} contract, one suite for every implementation (the fake, and the serial
 * driver against the AT emulator through a PTY pair).
 */
export function describeModemContract(
  name: string,
  makeRig: (options: ModemRigOptions) => Promise<ModemRig>,
  options: ModemContractOptions,
): void {
  const wait = 4 * options.noticeMs + 1000;

  describe(`Modem contract: ${name}`, () => {
    const rigs: ModemRig[] = [];
    const start = async (rigOptions: ModemRigOptions = {}): Promise<ModemRig> => {
      const rig = await makeRig(rigOptions);
      rigs.push(rig);
      return rig;
    };

    afterEach(async () => {
      for (const rig of rigs.splice(0)) {
        await rig.modem.close();
        await rig.dispose();
      }
    });

    it('opens and reports signal, registration and operator', async () => {
      const { modem } = await start();
      await modem.open();
      expect(modem.status()).toMatchObject({
        available: true,
        sim: 'ready',
        signalBars: 4,
        rssiDbm: -73,
        registration: 'home',
        operator: 'ComboNet',
        error: undefined,
      });
      expect(Object.isFrozen(modem.status())).toBe(true);
    });

    it('reports a change of signal through onStatus', async () => {
      const rig = await start();
      await rig.modem.open();
      const seen: ModemStatus[] = [];
      rig.modem.onStatus((status) => seen.push(status));
      rig.setSignal(5);
      const status = await waitForStatus(rig.modem, (s) => s.signalBars === 1, wait);
      expect(status.rssiDbm).toBe(-103);
      expect(seen.at(-1)).toBe(status);
    });

    it('reports the network lost and back', async () => {
      const rig = await start();
      await rig.modem.open();
      rig.loseSignal();
      const lost = await waitForStatus(rig.modem, (s) => s.registration === 'searching', wait);
      expect(lost.operator).toBeUndefined();
      rig.restoreSignal();
      await waitForStatus(
        rig.modem,
        (s) => s.registration === 'home' && s.signalBars === 4 && s.operator === 'ComboNet',
        wait,
      );
    });

    it('passes console commands through and returns their lines', async () => {
      const { modem } = await start();
      await modem.open();
      await expect(modem.command('AT+CSQ')).resolves.toEqual({
        lines: ['+CSQ: 20,99'],
        final: { kind: 'ok', text: 'OK' },
      });
      const error = await rejectionOf(modem.command('AT+NOPE'));
      expect(error.code).toBe('MODEM_ERROR');
      expect(error.details.command).toBe('AT+NOPE');
      expect((await rejectionOf(modem.command('hello'))).code).toBe('VALIDATION_FAILED');
    });

    it('times out a command that gets no answer, naming it, and goes on', async () => {
      const rig = await start();
      await rig.modem.open();
      rig.mute('AT+CGSN');
      const error = await rejectionOf(rig.modem.command('AT+CGSN', { timeoutMs: 300 }));
      expect(error.code).toBe('MODEM_TIMEOUT');
      expect(error.details).toMatchObject({ command: 'AT+CGSN', timeoutMs: 300 });
      await expect(rig.modem.command('AT')).resolves.toMatchObject({ final: { kind: 'ok' } });
    });

    it('rejects open with SIM_ERROR without a SIM, and recovers when one is inserted', async () => {
      const rig = await start({ sim: 'missing' });
      const error = await rejectionOf(rig.modem.open());
      expect(error.code).toBe('SIM_ERROR');
      expect(error.details).toMatchObject({ sim: 'missing' });
      expect(rig.modem.status()).toMatchObject({
        available: true,
        sim: 'missing',
        registration: 'none',
        error: { code: 'SIM_ERROR' },
      });
      rig.setSim('ready');
      await waitForStatus(
        rig.modem,
        (s) => s.sim === 'ready' && s.registration === 'home' && s.error === undefined,
        wait,
      );
    });

    it('reports the port gone, fails commands, and reconnects when it returns', async () => {
      const rig = await start();
      await rig.modem.open();
      await rig.drop();
      const gone = await waitForStatus(rig.modem, (s) => !s.available, wait);
      expect(gone.error?.code).toBe('MODEM_UNAVAILABLE');
      expect((await rejectionOf(rig.modem.command('AT'))).code).toBe('MODEM_UNAVAILABLE');
      await rig.restore();
      await waitForStatus(rig.modem, (s) => s.available && s.registration === 'home', wait);
      await expect(rig.modem.command('AT')).resolves.toMatchObject({ final: { kind: 'ok' } });
    });

    it('stops reporting after close and refuses commands', async () => {
      const rig = await start();
      await rig.modem.open();
      const seen: ModemStatus[] = [];
      rig.modem.onStatus((status) => seen.push(status));
      await rig.modem.close();
      expect(rig.modem.status().available).toBe(false);
      rig.setSignal(3);
      rig.loseSignal();
      await new Promise((resolve) => setTimeout(resolve, 2 * options.noticeMs));
      expect(seen).toEqual([]);
      expect((await rejectionOf(rig.modem.command('AT'))).code).toBe('MODEM_UNAVAILABLE');
    });

    it('keeps reporting when a listener throws', async () => {
      const rig = await start();
      await rig.modem.open();
      rig.modem.onStatus(() => {
        throw new Error('a buggy listener');
      });
      rig.setSignal(30);
      await waitForStatus(rig.modem, (s) => s.signalBars === 5, wait);
    });
  });
}
