import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejectionOf } from '../../drivers/modem/modemContract.js';
import type { SmsDeliveryReport } from '../../src/host/sms/SmsTransport.js';
import {
  GsmModemTransport,
  type GsmModemTransportOptions,
} from '../../src/host/sms/gsm/GsmModemTransport.js';
import { decodeSubmitPdu, joinParts } from './decodeSubmitPdu.js';
import type { ModemEmulatorOptions } from './ModemEmulator.js';
import { startPtyModemRig, type PtyModemRig } from './ptyRig.js';

// GsmModemTransport on serialport, through a socat PTY pair, against the AT emulator, on real
// time. What the emulator received is decoded here by the emulator side's own reader
// (decodeSubmitPdu.ts, written from the specifications), never by the transport's encoder.

const WAIT = { timeout: 5000, interval: 20 };
const CHINESE = '【ComboPay】您的验证码是482913，在星巴克消费¥12.50，5分钟内有效，请勿告诉他人。';
const ENGLISH =
  'ComboPay: your one-time code is 482913 for a payment of CNY 12.50 at Starbucks Coffee, ' +
  'Beijing [terminal 7]. It is valid for 5 minutes. Never tell this code to anyone, not even ' +
  'to someone who says they work for ComboPay or your bank {support}. Questions? Call 95555 ' +
  'or visit our website. Thank you for paying with ComboPay - your phone is your card!';

interface Started {
  readonly rig: PtyModemRig;
  readonly transport: GsmModemTransport;
  readonly reports: SmsDeliveryReport[];
}

const started: Started[] = [];

afterEach(async () => {
  for (const { rig, transport } of started.splice(0)) {
    await transport.close();
    await rig.dispose();
  }
});

async function start(
  options: {
    readonly emulator?: ModemEmulatorOptions;
    readonly transport?: Partial<GsmModemTransportOptions>;
    readonly started?: boolean;
  } = {},
): Promise<Started> {
  const rig = await startPtyModemRig({ emulator: { reportDelayMs: 50, ...options.emulator } });
  const transport = new GsmModemTransport({
    path: rig.modemPath,
    commandTimeoutMs: 1000,
    submitTimeoutMs: 3000,
    reconnectBackoff: { initialMs: 100, maxMs: 400 },
    ...options.transport,
  });
  const reports: SmsDeliveryReport[] = [];
  transport.onDeliveryReport((report) => reports.push(report));
  const entry = { rig, transport, reports };
  started.push(entry);
  if (options.started ?? true) await transport.start();
  return entry;
}

let counter = 0;
function sms(text: string, to = '13800138000') {
  counter += 1;
  return { messageId: `S-int-${counter}`, to, text };
}

const never = () => new AbortController().signal;

describe('GsmModemTransport against the AT emulator over a PTY pair', () => {
  it('sends a Chinese code text and a long English text the modem receives intact', async () => {
    const { rig, transport } = await start();
    await transport.send(sms(CHINESE, '+8613800138000'), never());
    await transport.send(sms(ENGLISH), never());

    const parts = rig.emulator.submissions.map((submission) => decodeSubmitPdu(submission.pdu));
    expect(parts.map((part) => part.tpduLength)).toEqual(
      rig.emulator.submissions.map((submission) => submission.tpduLength),
    );
    const [chinese, ...english] = parts;
    expect(chinese).toMatchObject({
      to: '+8613800138000',
      addressType: 0x91,
      dataCoding: 0x08,
      statusReport: true,
      concat: undefined,
      text: CHINESE,
    });
    expect(ENGLISH.length).toBeGreaterThan(306);
    expect(english).toHaveLength(3);
    const reference = english[0]?.concat?.reference;
    english.forEach((part, index) => {
      expect(part).toMatchObject({
        to: '13800138000',
        addressType: 0x81,
        dataCoding: 0x00,
        statusReport: true,
        concat: { reference, total: 3, sequence: index + 1 },
      });
    });
    expect(english.map((part) => part.userDataLength)).toEqual([160, 160, expect.any(Number)]);
    expect(joinParts(parts)).toEqual([
      { to: '+8613800138000', text: CHINESE, parts: 1 },
      { to: '13800138000', text: ENGLISH, parts: 3 },
    ]);
  });

  it('matches the network’s status reports back to the messages', async () => {
    const { rig, transport, reports } = await start();
    rig.emulator.setReportStatus('13900139000', 0x46); // SC: the destination is unreachable
    const delivered = await transport.send(sms(ENGLISH), never());
    const failed = await transport.send(sms(CHINESE, '13900139000'), never());
    await vi.waitFor(() => {
      expect(reports).toHaveLength(2);
    }, WAIT);
    expect(reports.map(({ transportRef, delivered }) => ({ transportRef, delivered }))).toEqual([
      { transportRef: delivered.transportRef, delivered: true },
      { transportRef: failed.transportRef, delivered: false },
    ]);
    // The discharge time the network stamped (China time in the PDU), within the last seconds.
    for (const report of reports) {
      expect(Math.abs(report.at.getTime() - Date.now())).toBeLessThan(5000);
    }
  });

  it('tells a temporary +CMS ERROR from a permanent one', async () => {
    const { rig, transport } = await start();
    rig.emulator.refuseSubmissions(332, { times: 1 });
    const temporary = await rejectionOf(transport.send(sms('code 1'), never()));
    expect(temporary.code).toBe('SMS_UNAVAILABLE');
    expect(temporary.message).toMatch(/AT\+CMGS=\d+: \+CMS ERROR 332 \(network timeout\)/);
    expect(temporary.details).toMatchObject({ cms: 332 });
    expect(temporary.details.permanent).toBeUndefined();

    rig.emulator.refuseSubmissions(1, { to: '13900000000' });
    const permanent = await rejectionOf(transport.send(sms('code 2', '13900000000'), never()));
    expect(permanent.details).toMatchObject({ cms: 1, permanent: true });

    const accepted = await transport.send(sms('code 3'), never());
    expect(accepted.transportRef).toMatch(/^\d+@S-int-\d+$/);
    expect(joinParts(rig.emulator.submissions.map((s) => decodeSubmitPdu(s.pdu)))).toEqual([
      { to: '13800138000', text: 'code 3', parts: 1 },
    ]);
  });

  it('rejects naming the command when the modem does not answer, by timeout or abort', async () => {
    const { rig, transport } = await start();
    rig.emulator.mute('AT+CMGS');
    let began = performance.now();
    const timedOut = await rejectionOf(transport.send(sms('code'), never()));
    expect(performance.now() - began).toBeLessThan(2000);
    expect(timedOut.message).toMatch(/^the GSM modem did not answer AT\+CMGS=\d+ in 1000 ms$/);
    expect(timedOut.details.command).toMatch(/^AT\+CMGS=\d+$/);

    began = performance.now();
    const aborted = await rejectionOf(transport.send(sms('code'), AbortSignal.timeout(200)));
    expect(performance.now() - began).toBeLessThan(700);
    expect(aborted.message).toMatch(/^the send was aborted during AT\+CMGS=\d+$/);
  });

  it('names the start-up command a mute modem leaves unanswered', async () => {
    const { rig, transport } = await start({ started: false });
    rig.emulator.mute('AT+CMGF');
    const error = await rejectionOf(transport.start());
    expect(error.code).toBe('SMS_UNAVAILABLE');
    expect(error.message).toBe('the GSM modem did not answer AT+CMGF=0 in 1000 ms');
  });

  it('survives the port disappearing and coming back', async () => {
    const { rig, transport, reports } = await start();
    const before = await transport.send(sms('before'), never());
    await vi.waitFor(() => {
      expect(reports).toHaveLength(1);
    }, WAIT);
    await rig.unplug();
    await vi.waitFor(() => {
      expect(transport.ready).toBe(false);
    }, WAIT);
    const away = await rejectionOf(transport.send(sms('while away'), never()));
    expect(away.code).toBe('SMS_UNAVAILABLE');
    expect(away.details.permanent).toBeUndefined();

    await rig.plug();
    // Back without a send: the start-up runs again (the modem lost its settings), so reports flow.
    await vi.waitFor(() => {
      expect(transport.ready).toBe(true);
    }, WAIT);
    expect(rig.emulator.commands.filter((c) => c === 'AT+CNMI=2,1,0,1,0')).toHaveLength(2);
    const after = await transport.send(sms('after'), never());
    await vi.waitFor(() => {
      expect(reports).toHaveLength(2);
    }, WAIT);
    expect(reports.map((report) => report.transportRef)).toEqual([
      before.transportRef,
      after.transportRef,
    ]);
  });
});
