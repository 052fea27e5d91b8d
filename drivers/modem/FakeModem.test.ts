import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ManualClock.js';
import { FakeModem } from './FakeModem.js';
import { describeModemContract, rejectionOf } from './modemContract.js';

describeModemContract(
  'FakeModem',
  (options) => {
    const modem = new FakeModem({ sim: options.sim ?? 'ready' });
    return Promise.resolve({
      modem,
      setSignal: (rssi) => {
        modem.setSignal(rssi);
      },
      loseSignal: () => {
        modem.loseSignal();
      },
      restoreSignal: () => {
        modem.restoreSignal();
      },
      setSim: (sim) => {
        modem.setSim(sim);
      },
      mute: (prefix) => {
        modem.mute(prefix);
      },
      drop: () => {
        modem.drop();
        return Promise.resolve();
      },
      restore: () => {
        modem.restore();
        return Promise.resolve();
      },
      dispose: () => Promise.resolve(),
    });
  },
  { noticeMs: 20 },
);

describe('FakeModem hooks', () => {
  it('answers scripted replies, errors included', async () => {
    const modem = new FakeModem();
    await modem.open();
    modem.respond('AT+CGSN', ['867530900000001', 'OK']);
    modem.respond('AT+CPWD="SC","1","2"', ['+CME ERROR: 16']);
    await expect(modem.command('at+cgsn')).resolves.toEqual({
      lines: ['867530900000001'],
      final: { kind: 'ok', text: 'OK' },
    });
    const error = await rejectionOf(modem.command('AT+CPWD="SC","1","2"'));
    expect(error.details).toEqual({ command: 'AT+CPWD=…', final: 'cme-error', cme: 16 });
    expect(modem.commands).toEqual(['at+cgsn', 'AT+CPWD="SC","1","2"']);
    expect(() => {
      modem.respond('AT', ['no final']);
    }).toThrow(TypeError);
  });

  it('runs command delays and timeouts on the injected clock', async () => {
    const clock = new ManualClock();
    const modem = new FakeModem({ clock, commandDelayMs: 100 });
    await modem.open();
    let answered = false;
    const reply = modem.command('AT').then(() => (answered = true));
    clock.advance(99);
    await Promise.resolve();
    expect(answered).toBe(false);
    clock.advance(1);
    await reply;
    modem.mute('AT+COPS=?');
    const slow = rejectionOf(modem.command('AT+COPS=?', { timeoutMs: 180_000 }));
    clock.advance(180_000);
    expect((await slow).code).toBe('MODEM_TIMEOUT');
  });

  it('fails a command in progress when the port drops', async () => {
    const clock = new ManualClock();
    const modem = new FakeModem({ clock, commandDelayMs: 50 });
    await modem.open();
    const pending = rejectionOf(modem.command('AT+CSQ'));
    modem.drop();
    clock.advance(50);
    expect((await pending).code).toBe('MODEM_UNAVAILABLE');
  });

  it('reports roaming and a locked SIM', async () => {
    const modem = new FakeModem({ registration: 'roaming' });
    await modem.open();
    expect(modem.status().registration).toBe('roaming');
    modem.setSim('locked');
    expect(modem.status()).toMatchObject({
      sim: 'locked',
      registration: 'none',
      error: { code: 'SIM_ERROR' },
    });
    expect(await modem.command('AT+CPIN?')).toMatchObject({ lines: ['+CPIN: SIM PIN'] });
  });

  it('refuses to open while unplugged, and comes up when plugged', async () => {
    const modem = new FakeModem();
    modem.drop();
    expect((await rejectionOf(modem.open())).code).toBe('MODEM_UNAVAILABLE');
    modem.restore();
    expect(modem.status()).toMatchObject({ available: true, registration: 'home' });
  });
});
