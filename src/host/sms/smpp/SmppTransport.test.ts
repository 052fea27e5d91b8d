import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import smpp from 'smpp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../core/logger.js';
import { ManualClock } from '../../../core/ManualClock.js';
import { PosError } from '../../../core/PosError.js';
import { issueTestServerCertificate, makeTestCa } from '../../../testing/tlsFixtures.js';
import type { OutgoingSms, SmsDeliveryReport } from '../SmsTransport.js';
import { TestSmsc, type SmscSubmit } from './__fixtures__/TestSmsc.js';
import { createSmppTransport } from './createSmppTransport.js';
import { smppConfigSchema, type SmppConfigInput } from './smppConfigSchema.js';
import type { SmppTransport } from './SmppTransport.js';

const { ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR, ESME_RINVDSTADR } = smpp.errors;

const CODE = '482913';
const CODE_TEXT = `【ComboPay】您的验证码是 ${CODE}，5分钟内有效，请勿告诉他人。`;
const PASSWORD = 'pw12345';

/** The test's own readings of the octets the SMSC received. */
function fromUtf16be(bytes: Buffer): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 2) text += String.fromCharCode(bytes.readUInt16BE(i));
  return text;
}

/** Payloads of a split message after checking each part's concatenation UDH. */
function reassemble(parts: SmscSubmit[]): { reference: number; payloads: Buffer[] } {
  const reference = parts[0]?.shortMessage[3] ?? -1;
  const payloads = parts.map((part, index) => {
    expect(part.esmClass & 0x40).toBe(0x40);
    expect([...part.shortMessage.subarray(0, 6)]).toEqual([
      0x05,
      0x00,
      0x03,
      reference,
      parts.length,
      index + 1,
    ]);
    return part.shortMessage.subarray(6);
  });
  return { reference, payloads };
}

const never = new AbortController().signal;

function sms(text: string, messageId = 'S1', to = '+8613800138000'): OutgoingSms {
  return { messageId, to, text };
}

/** A promise's rejection, which the test then inspects. */
async function rejectionOf(promise: Promise<unknown>): Promise<PosError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PosError);
  return error as PosError;
}

/** Waits for sockets to bring what `check` expects (generous: CI machines are slow). */
function eventually(check: () => void): Promise<void> {
  return vi.waitFor(check, { timeout: 5_000, interval: 10 });
}

/** Lets sockets deliver what they will; used to show that something did not happen. */
function settle(ms = 60): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('SmppTransport against a local SMSC', () => {
  let smsc: TestSmsc | undefined;
  let transport: SmppTransport | undefined;
  let clock: ManualClock;
  let logLines: string[];

  afterEach(async () => {
    await transport?.close();
    await smsc?.close();
    transport = undefined;
    smsc = undefined;
  });

  async function start(
    config: Partial<SmppConfigInput> = {},
    options: { password?: string; tls?: { key: string; cert: string } } = {},
  ) {
    const server = await TestSmsc.start(options.tls);
    smsc = server;
    clock = new ManualClock();
    logLines = [];
    const logger = createLogger({
      name: 'host',
      level: 'debug',
      destination: { write: (line: string) => void logLines.push(line) },
    });
    const client = createSmppTransport(
      smppConfigSchema.parse({
        host: '127.0.0.1',
        port: server.port,
        systemId: 'combopay',
        sourceAddress: 'ComboPay',
        windowSize: 3,
        enquireLinkMs: 30_000,
        responseTimeoutMs: 5_000,
        reconnectMinMs: 1_000,
        reconnectMaxMs: 16_000,
        ...config,
      }),
      { clock, logger, env: { POS_HOST_SMPP_PASSWORD: options.password ?? PASSWORD } },
    );
    transport = client;
    return { smsc: server, transport: client };
  }

  async function bound(client: SmppTransport): Promise<void> {
    await eventually(() => {
      expect(client.linkState).toBe('bound');
    });
  }

  describe('binding', () => {
    it('binds as a transmitter with the configured credentials and SMPP 3.4', async () => {
      const { smsc, transport } = await start({ systemType: 'POS' });
      await bound(transport);
      expect(smsc.binds).toEqual([
        {
          command: 'bind_transmitter',
          systemId: 'combopay',
          password: PASSWORD,
          systemType: 'POS',
          interfaceVersion: 0x34,
        },
      ]);
    });

    it('binds as a transceiver when receipts are wanted', async () => {
      const { smsc, transport } = await start({ bindMode: 'transceiver' });
      await bound(transport);
      expect(smsc.binds.map((bind) => bind.command)).toEqual(['bind_transceiver']);
    });

    it('rejects sends with the SMSC reason when the bind is refused, and waits long to retry', async () => {
      const { smsc, transport } = await start({}, { password: 'bad-pw-9' });
      const error = await rejectionOf(transport.send(sms('hello'), never));
      expect(error.code).toBe('SMS_UNAVAILABLE');
      expect(error.message).toContain('ESME_RINVPASWD');
      expect(error.details.permanent).not.toBe(true);
      expect(transport.linkState).toBe('down');
      expect(smsc.submits).toHaveLength(0);
      expect(logLines.join('')).toContain('ESME_RINVPASWD');
      expect(logLines.join('')).not.toContain('bad-pw-9');
      // Refused credentials: the next try waits the longest delay, not the shortest.
      clock.advance(1_000);
      await settle();
      expect(smsc.binds).toHaveLength(1);
      smsc.credentials.password = 'bad-pw-9';
      clock.advance(15_000);
      await bound(transport);
      expect(smsc.binds).toHaveLength(2);
    });
  });

  describe('submitting', () => {
    it('sends a Chinese code as UCS-2 to the international number and returns the message id', async () => {
      const { smsc, transport } = await start();
      await expect(transport.send(sms(CODE_TEXT), never)).resolves.toEqual({ transportRef: 'm1' });
      const [submit] = smsc.submits;
      expect(submit).toMatchObject({
        sourceTon: 5,
        sourceNpi: 0,
        source: 'ComboPay',
        destTon: 1,
        destNpi: 1,
        destination: '8613800138000',
        esmClass: 0,
        registeredDelivery: 0,
        dataCoding: 8,
      });
      expect(fromUtf16be(submit?.shortMessage ?? Buffer.alloc(0))).toBe(CODE_TEXT);
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.join('')).not.toContain(CODE);
    });

    it('sends a text the GSM alphabet can carry with data_coding 0, one septet per octet', async () => {
      const { smsc, transport } = await start();
      await transport.send(sms('Code 482913 @ 5€_'), never);
      const [submit] = smsc.submits;
      expect(submit?.dataCoding).toBe(0);
      expect([...(submit?.shortMessage ?? [])]).toEqual([
        ...Buffer.from('Code 482913 ', 'latin1'),
        0x00, // @
        0x20,
        0x35,
        0x1b, // €: escape to the extension table
        0x65,
        0x11, // _
      ]);
    });

    it('splits a long text into concatenated parts the phone can join', async () => {
      const { smsc, transport } = await start();
      const long = `${CODE_TEXT}${'本短信由系统自动发送，无需回复。'.repeat(8)}`;
      expect(long.length).toBeGreaterThan(2 * 67);
      expect(long.length).toBeLessThan(3 * 67);
      await expect(transport.send(sms(long, 'S1'), never)).resolves.toEqual({ transportRef: 'm1' });
      expect(smsc.submits.length).toBe(3);
      expect(smsc.submits.every((part) => part.dataCoding === 8)).toBe(true);
      const first = reassemble(smsc.submits);
      expect(first.payloads.map((payload) => payload.length / 2)).toEqual([
        67,
        67,
        long.length - 2 * 67,
      ]);
      expect(first.payloads.map(fromUtf16be).join('')).toBe(long);

      // A retry of the same message keeps its reference; another message gets a new one.
      await transport.send(sms(long, 'S1'), never);
      await transport.send(sms(long, 'S2'), never);
      expect(reassemble(smsc.submits.slice(3, 6)).reference).toBe(first.reference);
      expect(reassemble(smsc.submits.slice(6, 9)).reference).not.toBe(first.reference);
    });

    it('keeps at most windowSize submits unanswered; further sends wait their turn', async () => {
      const { smsc, transport } = await start({ windowSize: 3 });
      smsc.reply = () => 'hold';
      const sends = [1, 2, 3, 4, 5].map((n) => transport.send(sms(`text ${n}`, `S${n}`), never));
      await eventually(() => {
        expect(smsc.submits).toHaveLength(3);
      });
      await settle();
      expect(smsc.submits).toHaveLength(3);
      smsc.held[0]?.respond();
      await eventually(() => {
        expect(smsc.submits).toHaveLength(4);
      });
      smsc.reply = () => ({});
      for (const held of [...smsc.held]) held.respond();
      await expect(Promise.all(sends)).resolves.toHaveLength(5);
      expect(smsc.maxOutstanding).toBe(3);
      // In the order they were sent.
      expect(smsc.submits.map((submit) => submit.shortMessage.toString('latin1'))).toEqual([
        'text 1',
        'text 2',
        'text 3',
        'text 4',
        'text 5',
      ]);
    });
  });

  describe('refusals', () => {
    it('rejects a throttled message as temporary, and a later one succeeds', async () => {
      const { smsc, transport } = await start();
      for (const status of [ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR]) {
        smsc.reply = () => ({ status });
        const error = await rejectionOf(transport.send(sms(CODE_TEXT), never));
        expect(error.code).toBe('SMS_UNAVAILABLE');
        expect(error.details).toMatchObject({ permanent: false, commandStatus: status });
        expect(error.message).not.toContain(CODE);
      }
      expect(smsc.submits.at(-3)).toBeDefined();
      smsc.reply = () => ({});
      await expect(transport.send(sms(CODE_TEXT), never)).resolves.toEqual({
        transportRef: expect.any(String) as string,
      });
    });

    it('names the status: ESME_RTHROTTLED', async () => {
      const { smsc, transport } = await start();
      smsc.reply = () => ({ status: ESME_RTHROTTLED });
      const error = await rejectionOf(transport.send(sms('hello'), never));
      expect(error.message).toContain('ESME_RTHROTTLED');
      expect(error.details.status).toBe('ESME_RTHROTTLED');
    });

    it('rejects an invalid destination as permanent', async () => {
      const { smsc, transport } = await start();
      smsc.reply = () => ({ status: ESME_RINVDSTADR });
      const error = await rejectionOf(transport.send(sms(CODE_TEXT), never));
      expect(error.details).toMatchObject({ permanent: true, status: 'ESME_RINVDSTADR' });
      // Not a phone number at all: refused before it reaches the SMSC.
      const local = await rejectionOf(transport.send(sms('hi', 'S2', '138-0013'), never));
      expect(local.details.permanent).toBe(true);
      expect(smsc.submits).toHaveLength(1);
    });

    it('fails a split message whose part is refused', async () => {
      const { smsc, transport } = await start();
      smsc.reply = (submit) => (submit.shortMessage[5] === 2 ? { status: ESME_RTHROTTLED } : {});
      const error = await rejectionOf(transport.send(sms('x'.repeat(400)), never));
      expect(error.details).toMatchObject({ permanent: false, part: 2, parts: 3 });
    });
  });

  describe('timing and aborts', () => {
    it('gives up on a send whose signal aborts, without waiting for the SMSC', async () => {
      const { smsc, transport } = await start();
      smsc.reply = () => 'hold';
      const controller = new AbortController();
      const sending = transport.send(sms(CODE_TEXT), controller.signal);
      await eventually(() => {
        expect(smsc.submits).toHaveLength(1);
      });
      controller.abort();
      expect((await rejectionOf(sending)).details.reason).toBe('aborted');

      // Already aborted: nothing is sent.
      const aborted = new AbortController();
      aborted.abort();
      await rejectionOf(transport.send(sms('hello'), aborted.signal));
      await settle();
      expect(smsc.submits).toHaveLength(1);
    });

    it('lets a send waiting for the connection give up', async () => {
      const { smsc, transport } = await start();
      smsc.answerBinds = false;
      await eventually(() => {
        expect(smsc.binds).toHaveLength(1);
      });
      expect(transport.linkState).toBe('connecting');
      const controller = new AbortController();
      const sending = transport.send(sms('hello'), controller.signal);
      controller.abort();
      expect((await rejectionOf(sending)).details.reason).toBe('aborted');
    });

    it('lets a send waiting for the window give up, and never sends it', async () => {
      const { smsc, transport } = await start({ windowSize: 1 });
      smsc.reply = () => 'hold';
      const first = transport.send(sms('first', 'S1'), never);
      await eventually(() => {
        expect(smsc.submits).toHaveLength(1);
      });
      const controller = new AbortController();
      const second = transport.send(sms('second', 'S2'), controller.signal);
      controller.abort();
      expect((await rejectionOf(second)).details.reason).toBe('aborted');
      smsc.held[0]?.respond();
      await first;
      await settle();
      expect(smsc.submits).toHaveLength(1);
    });

    it('rejects a submit without a response in time as temporary and frees its place', async () => {
      const { smsc, transport } = await start({ windowSize: 1 });
      smsc.reply = () => 'hold';
      const sending = transport.send(sms('hello'), never);
      await eventually(() => {
        expect(smsc.submits).toHaveLength(1);
      });
      clock.advance(4_999);
      await settle(20);
      clock.advance(1);
      const error = await rejectionOf(sending);
      expect(error.details).toMatchObject({ permanent: false, reason: 'response-timeout' });
      smsc.reply = () => ({});
      await expect(transport.send(sms('again', 'S2'), never)).resolves.toBeDefined();
    });

    it('sends enquire_link every enquireLinkMs', async () => {
      const { smsc, transport } = await start();
      await bound(transport);
      clock.advance(29_999);
      await settle(20);
      expect(smsc.enquireLinks).toBe(0);
      clock.advance(1);
      await eventually(() => {
        expect(smsc.enquireLinks).toBe(1);
      });
      clock.advance(30_000);
      await eventually(() => {
        expect(smsc.enquireLinks).toBe(2);
      });
      expect(transport.linkState).toBe('bound');
      expect(smsc.binds).toHaveLength(1);
    });

    it('treats an unanswered enquire_link as a dead link and binds again', async () => {
      const { smsc, transport } = await start();
      await bound(transport);
      smsc.answerEnquireLink = false;
      clock.advance(30_000);
      await eventually(() => {
        expect(smsc.enquireLinks).toBe(1);
      });
      clock.advance(5_000);
      await eventually(() => {
        expect(smsc.closedConnections).toBe(1);
      });
      expect(transport.linkState).toBe('down');
      smsc.answerEnquireLink = true;
      clock.advance(1_000);
      await bound(transport);
      expect(smsc.binds).toHaveLength(2);
      await expect(transport.send(sms('hello'), never)).resolves.toBeDefined();
    });
  });

  describe('a lost link', () => {
    it('rejects the send in flight, reconnects after the backoff, and sends again', async () => {
      const { smsc, transport } = await start();
      smsc.reply = () => 'hold';
      const inFlight = transport.send(sms(CODE_TEXT), never);
      await eventually(() => {
        expect(smsc.submits).toHaveLength(1);
      });
      smsc.dropConnections();
      const lost = await rejectionOf(inFlight);
      expect(lost.details).toMatchObject({ permanent: false, reason: 'link-lost' });
      expect(lost.message).not.toContain(CODE);

      // While down, a send fails at once (the queue can fail over) instead of hanging.
      await eventually(() => {
        expect(transport.linkState).toBe('down');
      });
      const down = await rejectionOf(transport.send(sms('hello', 'S2'), never));
      expect(down.details.permanent).toBe(false);

      clock.advance(999);
      await settle();
      expect(smsc.binds).toHaveLength(1);
      clock.advance(1);
      await bound(transport);
      expect(smsc.binds).toHaveLength(2);
      smsc.reply = () => ({});
      await expect(transport.send(sms(CODE_TEXT, 'S3'), never)).resolves.toBeDefined();
    });

    it('doubles the wait after each failed attempt, and starts over once bound', async () => {
      const { smsc, transport } = await start();
      await bound(transport);
      smsc.bindStatus = ESME_RSYSERR;
      smsc.dropConnections();
      await eventually(() => {
        expect(transport.linkState).toBe('down');
      });
      const bindsAfter = async (ms: number, expected: number) => {
        clock.advance(ms);
        if (ms > 1) {
          await settle();
          expect(smsc.binds).toHaveLength(expected - 1);
          clock.advance(1);
        }
        await eventually(() => {
          expect(smsc.binds).toHaveLength(expected);
        });
        await eventually(() => {
          expect(transport.linkState).not.toBe('connecting');
        });
      };
      await bindsAfter(999, 2); // 1 s
      await bindsAfter(1_999, 3); // 2 s
      smsc.bindStatus = undefined;
      await bindsAfter(3_999, 4); // 4 s
      expect(transport.linkState).toBe('bound');
      smsc.dropConnections();
      await eventually(() => {
        expect(transport.linkState).toBe('down');
      });
      await bindsAfter(999, 5); // back to 1 s
    });

    it('answers the SMSC enquire_link, and its unbind, then binds again', async () => {
      const { smsc, transport } = await start();
      await bound(transport);
      expect((await smsc.sendEnquireLink()).command).toBe('enquire_link_resp');
      const answer = await smsc.sendUnbind();
      expect(answer.command).toBe('unbind_resp');
      await eventually(() => {
        expect(smsc.closedConnections).toBe(1);
      });
      clock.advance(1_000);
      await bound(transport);
      expect(smsc.binds).toHaveLength(2);
    });
  });

  describe('delivery receipts', () => {
    async function withReports() {
      const started = await start({ bindMode: 'transceiver' });
      const reports: SmsDeliveryReport[] = [];
      started.transport.onDeliveryReport((report) => reports.push(report));
      return { ...started, reports };
    }

    const receipt = (id: string, stat: string) =>
      `id:${id} sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:${stat} err:000 text:`;

    it('asks for receipts and reports one matched to its message', async () => {
      const { smsc, transport, reports } = await withReports();
      smsc.reply = () => ({ messageId: 'Ab_C1' });
      await expect(transport.send(sms(CODE_TEXT), never)).resolves.toEqual({
        transportRef: 'Ab_C1',
      });
      expect(smsc.submits[0]?.registeredDelivery).toBe(1);
      // The SMSC writes the id in upper case: still the same message.
      const answer = await smsc.sendReceipt(receipt('AB_C1', 'DELIVRD'));
      expect(answer).toMatchObject({ command: 'deliver_sm_resp', command_status: 0 });
      expect(reports).toEqual([
        { transportRef: 'Ab_C1', delivered: true, at: new Date(clock.now()) },
      ]);
    });

    it('reads the receipt TLVs and reports a failure', async () => {
      const { smsc, transport, reports } = await withReports();
      const { transportRef } = await transport.send(sms('hello'), never);
      await smsc.sendReceipt('', { receipted_message_id: transportRef, message_state: 5 });
      expect(reports).toMatchObject([{ transportRef, delivered: false }]);
    });

    it('reports a split message once every part is delivered, under its first part', async () => {
      const { smsc, transport, reports } = await withReports();
      const { transportRef } = await transport.send(sms('y'.repeat(200)), never);
      expect(smsc.submits).toHaveLength(2);
      expect(transportRef).toBe('m1');
      await smsc.sendReceipt(receipt('m2', 'DELIVRD'));
      expect(reports).toEqual([]);
      await smsc.sendReceipt(receipt('m1', 'ENROUTE'));
      expect(reports).toEqual([]);
      await smsc.sendReceipt(receipt('m1', 'DELIVRD'));
      expect(reports).toMatchObject([{ transportRef: 'm1', delivered: true }]);
    });

    it('answers a text from a phone without reporting anything', async () => {
      const { smsc, transport, reports } = await withReports();
      await bound(transport);
      const answer = await smsc.sendDeliverSm({
        source_addr: '8613800138000',
        esm_class: 0,
        short_message: 'id:m1 stat:DELIVRD',
      });
      expect(answer.command_status).toBe(0);
      expect(reports).toEqual([]);
    });
  });

  describe('closing', () => {
    it('rejects pending sends, unbinds, and refuses new sends', async () => {
      const { smsc, transport } = await start({ windowSize: 1 });
      smsc.reply = () => 'hold';
      const pending = rejectionOf(transport.send(sms('hello'), never));
      await eventually(() => {
        expect(smsc.submits).toHaveLength(1);
      });
      const waiting = rejectionOf(transport.send(sms('waiting for the window', 'S2'), never));
      await transport.close();
      expect((await pending).details).toMatchObject({ permanent: false, reason: 'closed' });
      expect((await waiting).details).toMatchObject({ permanent: false, reason: 'closed' });
      expect(smsc.submits).toHaveLength(1);
      expect(smsc.unbinds).toBe(1);
      await eventually(() => {
        expect(smsc.connections).toBe(0);
      });
      expect(transport.linkState).toBe('closed');
      await rejectionOf(transport.send(sms('again'), never));
    });

    it('accepts a submit the SMSC answers before its unbind_resp', async () => {
      const { smsc, transport } = await start();
      smsc.reply = () => 'hold';
      smsc.flushOnUnbind = true;
      const sending = transport.send(sms('hello'), never);
      await eventually(() => {
        expect(smsc.submits).toHaveLength(1);
      });
      await transport.close();
      await expect(sending).resolves.toEqual({ transportRef: 'm1' });
    });

    it('closes while waiting to reconnect without connecting again', async () => {
      const { smsc, transport } = await start();
      await bound(transport);
      smsc.dropConnections();
      await eventually(() => {
        expect(transport.linkState).toBe('down');
      });
      await transport.close();
      clock.advance(60_000);
      await settle();
      expect(smsc.binds).toHaveLength(1);
    });
  });

  it('binds and submits over TLS, trusting the configured CA', async () => {
    const ca = makeTestCa();
    const server = issueTestServerCertificate(ca);
    const caFile = join(mkdtempSync(join(tmpdir(), 'smpp-tls-')), 'ca.pem');
    writeFileSync(caFile, ca.certPem);
    const { smsc, transport } = await start(
      { tls: { caFile } },
      { tls: { key: server.keyPem, cert: server.certPem } },
    );
    await expect(transport.send(sms(CODE_TEXT), never)).resolves.toEqual({ transportRef: 'm1' });
    expect(fromUtf16be(smsc.submits[0]?.shortMessage ?? Buffer.alloc(0))).toBe(CODE_TEXT);
  });
});
