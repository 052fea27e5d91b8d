import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ManualClock.js';
import { createBytePipe, type PipeEnd } from '../../drivers/modem/memoryBytePipe.js';
import { rejectionOf } from '../../drivers/modem/modemContract.js';
import type { OutgoingSms, SmsDeliveryReport } from '../../src/host/sms/SmsTransport.js';
import {
  GsmModemTransport,
  type GsmModemTransportOptions,
  type ModemPort,
} from '../../src/host/sms/gsm/GsmModemTransport.js';
import { decodeSubmitPdu, joinParts } from './decodeSubmitPdu.js';
import { ModemEmulator, type ModemEmulatorOptions } from './ModemEmulator.js';

// GsmModemTransport against the AT emulator on an in-memory pipe, on a manual clock: the
// timing, matching and recovery rules, step by step. The PTY test runs it on a real tty.

const NUMBER = '13800138000';
const LONG_ENGLISH = `Your ComboPay code is 482913 for CNY 12.50 at Starbucks. ${'Never tell anyone. '.repeat(12)}`;
const BACKOFF = { initialMs: 1000, maxMs: 4000 };

function rig(
  options: {
    readonly emulator?: ModemEmulatorOptions;
    readonly transport?: Partial<GsmModemTransportOptions>;
  } = {},
) {
  const clock = new ManualClock();
  const emulator = new ModemEmulator({ clock, reportDelayMs: 50, ...options.emulator });
  const logged: string[] = [];
  const log =
    (level: string) =>
    (...args: unknown[]): void => {
      logged.push(`${level} ${JSON.stringify(args)}`);
    };
  let present = true;
  let opens = 0;
  let near: PipeEnd | undefined;
  const openPort = (): Promise<ModemPort> => {
    if (!present) return Promise.reject(new Error('ENOENT: no such port'));
    opens += 1;
    const [end, far] = createBytePipe();
    near = end;
    emulator.powerOn();
    emulator.attach(far);
    return Promise.resolve({
      write: (bytes) => end.write(bytes),
      onData: (listener) => end.onData(listener),
      onClose: (listener) => end.onClose(listener),
      close: () => {
        end.close();
        return Promise.resolve();
      },
    });
  };
  const transport = new GsmModemTransport({
    path: '/dev/ttyModemAT',
    clock,
    logger: { info: log('info'), warn: log('warn'), debug: log('debug') },
    commandTimeoutMs: 1000,
    submitTimeoutMs: 5000,
    reconnectBackoff: BACKOFF,
    openPort,
    ...options.transport,
  });
  const reports: SmsDeliveryReport[] = [];
  transport.onDeliveryReport((report) => reports.push(report));
  let counter = 0;
  const send = (text: string, signal = new AbortController().signal, to = NUMBER) => {
    counter += 1;
    const message: OutgoingSms = { messageId: `S${counter}`, to, text };
    return transport.send(message, signal);
  };
  /** Lets the pipe's microtasks and the promise chains run. */
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  /** Lets what is under way arm its timers, then moves the clock. */
  const advance = async (ms: number): Promise<void> => {
    await flush();
    clock.advance(ms);
    await flush();
  };
  const received = () => joinParts(emulator.submissions.map((s) => decodeSubmitPdu(s.pdu)));
  return {
    clock,
    emulator,
    transport,
    reports,
    logged,
    send,
    flush,
    advance,
    received,
    get opens() {
      return opens;
    },
    setPresent(value: boolean) {
      present = value;
    },
    /** The port vanishes (USB modem reset). */
    unplug() {
      near?.close(new Error('device gone'));
    },
  };
}

/** The message references in a transportRef (`<mr>[.<mr>…]@<messageId>`). */
function referencesOf(transportRef: string | undefined): number[] {
  return (transportRef ?? '').split('@')[0]?.split('.').map(Number) ?? [];
}

describe('GsmModemTransport', () => {
  it('runs its start-up, then sends in PDU mode through the prompt', async () => {
    const { transport, emulator, send, received } = rig();
    await transport.start();
    expect(emulator.commands).toEqual([
      'AT',
      'ATE0',
      'AT+CMEE=1',
      'AT+CPIN?',
      'AT+CMGF=0',
      'AT+CNMI=2,1,0,1,0',
    ]);
    expect(transport.ready).toBe(true);
    expect(transport.deliveryReports).toBe(true);
    const accepted = await send('验证码 246810');
    expect(accepted.transportRef).toBe('1@S1');
    expect(emulator.commands.at(-1)).toMatch(/^AT\+CMGS=\d+$/);
    expect(received()).toEqual([{ to: NUMBER, text: '验证码 246810', parts: 1 }]);
  });

  it('reports a long message delivered only once every part is', async () => {
    const { transport, emulator, send, reports, advance, clock } = rig();
    emulator.autoReports = false;
    await transport.start();
    const { transportRef } = await send(LONG_ENGLISH);
    const references = referencesOf(transportRef);
    expect(references).toEqual([1, 2]);
    emulator.sendStatusReport(2, 0x00);
    await advance(0);
    expect(reports).toEqual([]);
    await advance(3000);
    emulator.sendStatusReport(1, 0x00);
    await advance(0);
    expect(reports).toEqual([
      { transportRef, delivered: true, at: new Date(Math.floor(clock.now() / 1000) * 1000) },
    ]);
  });

  it('fails a message at its first part failed for good, and only once', async () => {
    const { transport, emulator, send, reports, advance } = rig();
    emulator.autoReports = false;
    await transport.start();
    const { transportRef } = await send(LONG_ENGLISH);
    emulator.sendStatusReport(1, 0x21); // temporary: the centre still tries
    await advance(0);
    expect(reports).toEqual([]);
    emulator.sendStatusReport(1, 0x41); // permanent: incompatible destination
    emulator.sendStatusReport(2, 0x00);
    await advance(0);
    expect(reports).toEqual([expect.objectContaining({ transportRef, delivered: false })]);
  });

  it('passes on the reports the modem sends by itself', async () => {
    const { transport, emulator, send, reports, advance } = rig();
    emulator.setReportStatus('13900139000', 0x45);
    await transport.start();
    const good = await send('Your code is 111111');
    const bad = await send('Your code is 222222', undefined, '13900139000');
    await advance(50);
    expect(reports).toEqual([
      expect.objectContaining({ transportRef: good.transportRef, delivered: true }),
      expect.objectContaining({ transportRef: bad.transportRef, delivered: false }),
    ]);
  });

  it('matches a reference used again after wrapping to the newer message', async () => {
    const { transport, emulator, send, reports, advance } = rig();
    emulator.autoReports = false;
    await transport.start();
    const first = await send('first');
    for (let i = 0; i < 255; i += 1) await send(`filler ${i}`);
    const again = await send('again');
    expect(referencesOf(first.transportRef)).toEqual([1]);
    expect(referencesOf(again.transportRef)).toEqual([1]);
    emulator.sendStatusReport(1, 0x00);
    await advance(0);
    expect(reports).toEqual([expect.objectContaining({ transportRef: again.transportRef })]);
  });

  it('forgets a message once its validity period (and an hour) is over', async () => {
    const { transport, emulator, send, reports, advance } = rig({
      transport: { validityMinutes: 60 },
    });
    emulator.autoReports = false;
    await transport.start();
    await send('late');
    await advance(2 * 3_600_000);
    emulator.sendStatusReport(1, 0x00);
    await advance(0);
    expect(reports).toEqual([]);
  });

  it('sends without asking for reports when the modem refuses AT+CNMI', async () => {
    const { transport, emulator, send, logged } = rig();
    emulator.refuse('AT+CNMI');
    await transport.start();
    expect(transport.deliveryReports).toBe(false);
    await send('no report please');
    expect(emulator.submissions[0]?.statusReport).toBe(false);
    expect(logged.join('\n')).toMatch(/refuses status reports/);
  });

  it('neither routes nor asks for reports when configured without them', async () => {
    const { transport, emulator, send } = rig({ transport: { statusReports: false } });
    await transport.start();
    expect(emulator.commands).not.toContain('AT+CNMI=2,1,0,1,0');
    await send('plain');
    expect(emulator.submissions[0]?.statusReport).toBe(false);
  });

  it('refuses to start with a locked SIM, naming AT+CPIN?, and comes up once it is ready', async () => {
    const { transport, emulator, advance } = rig({ emulator: { sim: 'pin' } });
    const error = await rejectionOf(transport.start());
    expect(error.code).toBe('SMS_UNAVAILABLE');
    expect(error.details).toMatchObject({ command: 'AT+CPIN?', sim: 'locked' });
    expect(error.details.permanent).toBeUndefined();
    emulator.setSim('ready');
    await advance(BACKOFF.initialMs);
    expect(transport.ready).toBe(true);
  });

  it('refuses a number no SMS can carry as permanent, sending nothing', async () => {
    const { transport, emulator, send } = rig();
    await transport.start();
    const error = await rejectionOf(send('code', undefined, '138 0013 8000'));
    expect(error.code).toBe('SMS_UNAVAILABLE');
    expect(error.details.permanent).toBe(true);
    expect(error.message).not.toContain('138');
    expect(emulator.messages).toEqual([]);
  });

  it('gives up at once when aborted, naming the command in flight, and sends the next', async () => {
    const { transport, emulator, send, advance, flush } = rig();
    await transport.start();
    emulator.mute('AT+CMGS');
    const first = new AbortController();
    const second = new AbortController();
    const hung = rejectionOf(send('first code', first.signal));
    const waiting = rejectionOf(send('second code', second.signal));
    await flush();
    second.abort(new Error('budget spent'));
    const gaveUpWaiting = await waiting;
    expect(gaveUpWaiting.message).toBe('the send was aborted while waiting for the modem');
    first.abort(new Error('budget spent'));
    const gaveUp = await hung;
    expect(gaveUp.code).toBe('SMS_UNAVAILABLE');
    expect(gaveUp.message).toMatch(/^the send was aborted during AT\+CMGS=\d+$/);
    expect(gaveUp.details.command).toMatch(/^AT\+CMGS=\d+$/);
    emulator.mute('AT+CMGS', false);
    const third = send('third code');
    // The muted command's prompt times out, the channel waits for quiet, then the next goes.
    await advance(1000);
    await advance(300);
    expect((await third).transportRef).toMatch(/@S3$/);
    expect(joinParts(emulator.submissions.map((s) => decodeSubmitPdu(s.pdu)))).toEqual([
      { to: NUMBER, text: 'third code', parts: 1 },
    ]);
  });

  it('rejects when the modem does not answer, naming the command, and reopens after two', async () => {
    const { transport, emulator, send, advance } = rig();
    await transport.start();
    emulator.mute('AT+CMGS');
    const one = rejectionOf(send('one'));
    await advance(1000);
    const error = await one;
    expect(error.code).toBe('SMS_UNAVAILABLE');
    expect(error.message).toMatch(/did not answer AT\+CMGS=\d+ in 1000 ms/);
    expect(error.details).toMatchObject({ timeoutMs: 1000 });
    expect(error.details.permanent).toBeUndefined();
    await advance(300);
    const two = rejectionOf(send('two'));
    await advance(1000);
    await two;
    expect(transport.ready).toBe(false);
    emulator.mute('AT+CMGS', false);
    await advance(BACKOFF.initialMs);
    expect(transport.ready).toBe(true);
    expect(emulator.commands.filter((command) => command === 'ATE0')).toHaveLength(2);
  });

  it('brings the port back in the background after it vanished', async () => {
    const rigged = rig();
    const { transport, send, advance } = rigged;
    await transport.start();
    rigged.setPresent(false);
    rigged.unplug();
    await advance(0);
    expect(transport.ready).toBe(false);
    const error = await rejectionOf(send('while away'));
    expect(error.message).toMatch(/cannot open the GSM modem port/);
    expect(error.details.permanent).toBeUndefined();
    rigged.setPresent(true);
    await advance(BACKOFF.initialMs * 2);
    expect(transport.ready).toBe(true);
    expect(rigged.opens).toBe(2);
    expect((await send('back')).transportRef).toMatch(/^\d+@S\d+$/);
  });

  it('runs the start-up again when the modem restarts behind the open port', async () => {
    const { transport, emulator, advance } = rig();
    await transport.start();
    emulator.powerOn();
    emulator.sendUrc('RDY');
    await advance(0);
    expect(transport.ready).toBe(false);
    await advance(BACKOFF.initialMs);
    expect(transport.ready).toBe(true);
    expect(emulator.cnmi.ds).toBe(1);
    expect(emulator.echo).toBe(false);
  });

  it('rejects the pending send on close, and every send after', async () => {
    const { transport, emulator, send, flush } = rig();
    await transport.start();
    emulator.mute('AT+CMGS');
    const pending = rejectionOf(send('pending'));
    await flush();
    await transport.close();
    expect((await pending).message).toBe('the gsm-modem transport is closed');
    expect((await rejectionOf(send('later'))).code).toBe('SMS_UNAVAILABLE');
    await transport.close();
  });

  it('never logs the text, its PDU or the whole number', async () => {
    const { transport, emulator, send, logged, advance } = rig();
    await transport.start();
    const text = '【ComboPay】验证码 482913，请勿告诉他人。';
    await send(text);
    emulator.refuseSubmissions(500);
    await rejectionOf(send(text));
    await advance(50);
    const log = logged.join('\n');
    expect(log).toContain('SMS status report');
    const pdu = emulator.messages[0] ?? '';
    for (const secret of [text, '482913', pdu, pdu.slice(-40), NUMBER, '3108108300F0']) {
      expect(log).not.toContain(secret);
    }
  });
});
