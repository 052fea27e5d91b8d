import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ManualClock.js';
import { AtChannel, type AtUrc } from '../../drivers/modem/AtChannel.js';
import { createBytePipe } from '../../drivers/modem/memoryBytePipe.js';
import { rejectionOf } from '../../drivers/modem/modemContract.js';
import { ModemEmulator, type ModemEmulatorOptions } from './ModemEmulator.js';

// The emulator through the real AtChannel, on an in-memory pipe.

function rig(options: ModemEmulatorOptions = {}) {
  const clock = new ManualClock();
  const emulator = new ModemEmulator({ clock, ...options });
  const [near, far] = createBytePipe();
  emulator.attach(far);
  const channel = new AtChannel({ stream: near, clock });
  const urcs: AtUrc[] = [];
  channel.onUrc((urc) => urcs.push(urc));
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { clock, emulator, channel, urcs, flush };
}

describe('ModemEmulator', () => {
  it('echoes until ATE0', async () => {
    const { emulator, channel } = rig();
    await channel.send('ATE0');
    expect(emulator.echo).toBe(false);
    await expect(channel.send('AT+CSQ')).resolves.toMatchObject({ lines: ['+CSQ: 20,99'] });
  });

  it('answers SIM errors by the AT+CMEE mode', async () => {
    const { channel } = rig({ sim: 'missing' });
    expect((await rejectionOf(channel.send('AT+CPIN?'))).details).toEqual({
      command: 'AT+CPIN?',
      final: 'error',
    });
    await channel.send('AT+CMEE=1');
    expect((await rejectionOf(channel.send('AT+CPIN?'))).details).toMatchObject({ cme: 10 });
    await channel.send('AT+CMEE=2');
    expect((await rejectionOf(channel.send('AT+CPIN?'))).details).toMatchObject({
      cme: 'SIM not inserted',
    });
  });

  it('sends registration URCs once enabled, and registers again after a radio reset', async () => {
    const { emulator, channel, urcs, clock, flush } = rig({ registerDelayMs: 1000 });
    emulator.loseSignal({ untilRadioReset: true });
    await channel.send('AT+CREG=1');
    emulator.restoreSignal();
    emulator.loseSignal({ untilRadioReset: true });
    await flush();
    expect(urcs).toEqual([{ lines: ['+CREG: 1'] }, { lines: ['+CREG: 2'] }]);
    await channel.send('AT+CFUN=0');
    await channel.send('AT+CFUN=1');
    clock.advance(1000);
    await flush();
    expect(urcs.slice(2)).toEqual([
      { lines: ['+CREG: 0'] },
      { lines: ['+CREG: 2'] },
      { lines: ['+CREG: 1'] },
    ]);
    expect(emulator.radioResets).toBe(1);
    await expect(channel.send('AT+COPS?')).resolves.toMatchObject({
      lines: ['+COPS: 0,0,"ComboNet",7'],
    });
  });

  it('takes an SMS in PDU mode through the prompt (as issue 7 will send it)', async () => {
    const { emulator, channel } = rig();
    await channel.send('AT+CMGF=0');
    const pdu = '0011000B916407281553F80000AA0AE8329BFD4697D9EC37';
    await expect(channel.sendWithPrompt('AT+CMGS=23', pdu)).resolves.toEqual({
      lines: ['+CMGS: 1'],
      final: { kind: 'ok', text: 'OK' },
    });
    expect(emulator.messages).toEqual([pdu]);
  });

  const HELLO = '0031000B916407281553F80000AA0AE8329BFD4697D9EC37'; // TP-SRR set

  it('checks the PDU against AT+CMGS=<length>: +CMS ERROR 304 when they differ', async () => {
    const { emulator, channel } = rig();
    await channel.send('AT+CMEE=1');
    const error = await rejectionOf(channel.sendWithPrompt('AT+CMGS=24', HELLO));
    expect(error.details).toMatchObject({ final: 'cms-error', cms: 304 });
    expect(
      (await rejectionOf(channel.sendWithPrompt('AT+CMGS=5', 'ABCDEF'))).details,
    ).toMatchObject({ cms: 304 });
    expect(emulator.submissions).toEqual([]);
  });

  it('numbers parts from the first reference on and wraps after 255', async () => {
    const { emulator, channel } = rig({ firstMessageReference: 255 });
    const replies = [
      await channel.sendWithPrompt('AT+CMGS=23', HELLO),
      await channel.sendWithPrompt('AT+CMGS=23', HELLO),
    ];
    expect(replies.map((reply) => reply.lines)).toEqual([['+CMGS: 255'], ['+CMGS: 0']]);
    expect(emulator.submissions.map((s) => [s.reference, s.to, s.statusReport])).toEqual([
      [255, '+46708251358', true],
      [0, '+46708251358', true],
    ]);
  });

  it('sends +CDS with a status report PDU once AT+CNMI routes reports, not before', async () => {
    const { channel, urcs, clock, flush } = rig({ reportDelayMs: 50 });
    await channel.sendWithPrompt('AT+CMGS=23', HELLO);
    clock.advance(100);
    await flush();
    expect(urcs).toEqual([]);
    await channel.send('AT+CNMI=2,1,0,1,0');
    await expect(channel.send('AT+CNMI?')).resolves.toMatchObject({ lines: ['+CNMI: 2,1,0,1,0'] });
    await channel.sendWithPrompt('AT+CMGS=23', HELLO);
    clock.advance(49);
    await flush();
    expect(urcs).toEqual([]);
    clock.advance(1);
    await flush();
    // SMSC +8613800100500; first octet 06; MR 02; RA +46708251358; SCTS and DT 2026-01-01
    // 08:00:00 +08:00 (the manual clock's start); TP-ST 00.
    expect(urcs).toEqual([
      {
        lines: [
          '+CDS: 25',
          '0891683108100005F0' +
            '06' +
            '02' +
            '0B916407281553F8' +
            '62101080000023' +
            '62101080000023' +
            '00',
        ],
      },
    ]);
  });

  it('refuses submissions with +CMS ERROR as scripted, per number and for a count', async () => {
    const { emulator, channel } = rig();
    await channel.send('AT+CMEE=1');
    emulator.refuseSubmissions(1, { to: '+46708251358' });
    emulator.refuseSubmissions(332, { times: 1 });
    const national = '0031000B813108108300F00000AA0AE8329BFD4697D9EC37';
    expect((await rejectionOf(channel.sendWithPrompt('AT+CMGS=23', HELLO))).details).toMatchObject({
      cms: 1,
    });
    expect(
      (await rejectionOf(channel.sendWithPrompt('AT+CMGS=23', national))).details,
    ).toMatchObject({ cms: 332 });
    await expect(channel.sendWithPrompt('AT+CMGS=23', national)).resolves.toMatchObject({
      lines: ['+CMGS: 1'],
    });
    await channel.send('AT+CMEE=2');
    expect((await rejectionOf(channel.sendWithPrompt('AT+CMGS=23', HELLO))).details).toMatchObject({
      cms: 'Unassigned (unallocated) number',
    });
    emulator.acceptSubmissions();
    await expect(channel.sendWithPrompt('AT+CMGS=23', HELLO)).resolves.toMatchObject({
      lines: ['+CMGS: 2'],
    });
    emulator.loseSignal();
    expect((await rejectionOf(channel.sendWithPrompt('AT+CMGS=23', HELLO))).details).toMatchObject({
      cms: 'No network service',
    });
  });

  it('answers ERROR to commands it is told to refuse', async () => {
    const { emulator, channel } = rig();
    emulator.refuse('AT+CNMI');
    expect((await rejectionOf(channel.send('AT+CNMI=2,1,0,1,0'))).code).toBe('MODEM_ERROR');
    emulator.refuse('AT+CNMI', false);
    await expect(channel.send('AT+CNMI=2,1,0,1,0')).resolves.toMatchObject({
      final: { kind: 'ok' },
    });
  });

  it('replies late when told to, and not at all when muted', async () => {
    const { emulator, channel, clock, flush } = rig();
    emulator.delay('AT+COPS', 3000);
    const late = channel.send('AT+COPS?', { timeoutMs: 5000 });
    await flush();
    clock.advance(2999);
    await flush();
    let answered = false;
    void late.then(() => (answered = true));
    await flush();
    expect(answered).toBe(false);
    clock.advance(1);
    await expect(late).resolves.toMatchObject({ final: { kind: 'ok' } });
    emulator.mute('ATI');
    const muted = rejectionOf(channel.send('ATI', { timeoutMs: 1000 }));
    await flush();
    clock.advance(1000);
    expect((await muted).code).toBe('MODEM_TIMEOUT');
    expect(emulator.commands).toEqual(['AT+COPS?', 'ATI']);
  });

  it('answers ERROR to what it does not know', async () => {
    const { channel } = rig();
    expect((await rejectionOf(channel.send('AT+QENG="servingcell"'))).code).toBe('MODEM_ERROR');
  });
});
