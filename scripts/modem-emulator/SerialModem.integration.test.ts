import { afterEach, describe, expect, it } from 'vitest';
import { rejectionOf, waitForStatus } from '../../drivers/modem/modemContract.js';
import { startPtyModemRig, type PtyModemRig } from './ptyRig.js';

// SerialModem on serialport, through a socat PTY pair, against the AT emulator, on real time.

const WAIT = 5000;
const rigs: PtyModemRig[] = [];

async function rig(...args: Parameters<typeof startPtyModemRig>): Promise<PtyModemRig> {
  const started = await startPtyModemRig(...args);
  rigs.push(started);
  return started;
}

afterEach(async () => {
  for (const started of rigs.splice(0)) await started.dispose();
});

describe('SerialModem against the AT emulator over a PTY pair', () => {
  it('runs the start-up sequence and turns echo off', async () => {
    const { modem, emulator } = await rig();
    expect(emulator.echo).toBe(true);
    await modem.open();
    expect(emulator.commands.slice(0, 11)).toEqual([
      'AT',
      'ATE0',
      'AT+CMEE=2',
      'AT+CPIN?',
      'AT+CREG=1',
      'AT+CEREG=1',
      'AT+COPS=3,0',
      'AT+CSQ',
      'AT+CREG?',
      'AT+CEREG?',
      'AT+COPS?',
    ]);
    expect(emulator.echo).toBe(false);
    expect(emulator.cmee).toBe(2);
    expect(emulator.cregMode).toBe(1);
  });

  it('reports bars, registration and operator, and keeps them current', async () => {
    const { modem, emulator } = await rig({ emulator: { rssi: 27, operator: 'CHINA MOBILE' } });
    await modem.open();
    expect(modem.status()).toMatchObject({
      available: true,
      signalBars: 5,
      rssiDbm: -59,
      registration: 'home',
      operator: 'CHINA MOBILE',
    });
    emulator.setSignal(9);
    await waitForStatus(modem, (s) => s.signalBars === 2, WAIT);
    emulator.loseSignal({ stat: 3 });
    const denied = await waitForStatus(modem, (s) => s.registration === 'denied', WAIT);
    expect(denied.operator).toBeUndefined();
  });

  it('reads a module without LTE through CREG alone', async () => {
    const { modem, emulator } = await rig({ emulator: { lte: false } });
    await modem.open();
    expect(modem.status().registration).toBe('home');
    emulator.loseSignal();
    await waitForStatus(modem, (s) => s.registration === 'searching', WAIT);
    expect(emulator.commands).not.toContain('AT+CEREG?');
  });

  it('times out a slow reply naming the command, and takes a slow one within its time', async () => {
    const { modem, emulator } = await rig();
    await modem.open();
    emulator.delay('ATI', 800);
    const error = await rejectionOf(modem.command('ATI', { timeoutMs: 200 }));
    expect(error.code).toBe('MODEM_TIMEOUT');
    expect(error.details).toEqual({ command: 'ATI', timeoutMs: 200 });
    expect(error.message).toContain('ATI');
    // Let the late reply pass, so it cannot be taken for the next command's.
    await new Promise((resolve) => setTimeout(resolve, 800));
    emulator.delay('AT+CGMI', 300);
    emulator.delay('ATI', 0);
    await expect(modem.command('ATI', { timeoutMs: 2000 })).resolves.toMatchObject({
      lines: ['ComboPay AT modem emulator', 'Revision: 1.0'],
    });
  });

  it('reopens the port when the modem stops answering, and recovers', async () => {
    const { modem, emulator } = await rig({ modem: { commandTimeoutMs: 200 } });
    await modem.open();
    emulator.mute('AT');
    const mute = await waitForStatus(modem, (s) => !s.available, WAIT);
    expect(mute.error?.code).toBe('MODEM_TIMEOUT');
    emulator.mute('AT', false);
    await waitForStatus(modem, (s) => s.available && s.registration === 'home', WAIT);
  });

  it('refuses to open with a locked SIM (SIM_ERROR) and says so in the status', async () => {
    const { modem, emulator } = await rig({ emulator: { sim: 'pin' } });
    const error = await rejectionOf(modem.open());
    expect(error.code).toBe('SIM_ERROR');
    expect(error.details).toEqual({ sim: 'locked', reason: '+CPIN: SIM PIN' });
    expect(modem.status()).toMatchObject({ available: true, sim: 'locked' });
    emulator.setSim('failure');
    await waitForStatus(modem, (s) => s.sim === 'failed', WAIT);
  });

  it('resets the radio when the registration stays lost, and registers again', async () => {
    const { modem, emulator } = await rig({
      modem: { radioReset: { afterMs: 400, maxMs: 1600 } },
    });
    await modem.open();
    emulator.loseSignal({ untilRadioReset: true });
    await waitForStatus(modem, (s) => s.registration === 'searching', WAIT);
    await waitForStatus(
      modem,
      (s) => s.registration === 'home' && s.signalBars === 4 && s.operator === 'ComboNet',
      WAIT,
    );
    expect(emulator.radioResets).toBe(1);
    expect(modem.radioResets).toBe(1);
    const cfun = emulator.commands.filter((command) => command.startsWith('AT+CFUN'));
    expect(cfun).toEqual(['AT+CFUN=0', 'AT+CFUN=1']);
  });

  it('tolerates garbage on the line and a modem that turns echo back on', async () => {
    const { modem, emulator } = await rig();
    emulator.garbageBeforeReplies = true;
    emulator.sendGarbage();
    await modem.open();
    emulator.sendGarbage();
    emulator.sendGarbage(Buffer.from('~~ noise ~~\r\n'));
    emulator.powerOn();
    emulator.setSignal(14);
    await waitForStatus(modem, (s) => s.signalBars === 3, WAIT);
    // Printable garbage inside a reply is a line like any other: the console shows it, the
    // driver's own readings look only for the lines they expect.
    const reply = await modem.command('AT+CSQ');
    expect(reply.lines).toContain('+CSQ: 14,99');
    expect(reply.final.kind).toBe('ok');
    expect(modem.status()).toMatchObject({ available: true, registration: 'home' });
  });

  it('keeps trying when the port is missing at open, and comes up when it appears', async () => {
    const started = await rig();
    const { modem } = started;
    await started.unplug();
    const error = await rejectionOf(modem.open());
    expect(error.code).toBe('MODEM_UNAVAILABLE');
    expect(modem.status()).toMatchObject({
      available: false,
      error: { code: 'MODEM_UNAVAILABLE' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await started.plug();
    await waitForStatus(modem, (s) => s.available && s.registration === 'home', WAIT);
  });

  it('survives the port vanishing in the middle of a command', async () => {
    const started = await rig();
    const { modem, emulator } = started;
    await modem.open();
    emulator.delay('AT+CGMI', 2000);
    const pending = rejectionOf(modem.command('AT+CGMI'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await started.unplug();
    expect((await pending).code).toBe('MODEM_UNAVAILABLE');
    await started.plug();
    await waitForStatus(modem, (s) => s.available, WAIT);
  });
});
