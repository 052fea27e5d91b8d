import smpp from 'smpp';
import { vi } from 'vitest';
import { describeSmsTransportContract, type ReceivedSms } from '../transportContract.js';
import { TestSmsc, type SmscSubmit } from './__fixtures__/TestSmsc.js';
import { createSmppTransport } from './createSmppTransport.js';
import { smppConfigSchema } from './smppConfigSchema.js';

// The SmsTransport contract for smpp: the transport against the local SMSC on a real socket.
// The gateway's "received" is the SMSC's raw submit_sm octets, joined and decoded here, with
// the smpp package's GSM coder (not the transport's) and a plain UTF-16BE reading.

describeSmsTransportContract(
  'smpp',
  async ({ logger, clock }) => {
    const smsc = await TestSmsc.start();
    const transport = createSmppTransport(
      smppConfigSchema.parse({
        host: '127.0.0.1',
        port: smsc.port,
        systemId: smsc.credentials.systemId,
        sourceAddress: 'ComboPay',
        bindMode: 'transceiver',
      }),
      { clock, logger, env: { POS_HOST_SMPP_PASSWORD: smsc.credentials.password } },
    );
    await eventually(() => {
      if (transport.linkState !== 'bound') throw new Error('not bound yet');
    });
    return {
      transport,
      setGateway: (behaviour) => {
        smsc.reply = () => {
          switch (behaviour) {
            case 'accept':
              return {};
            case 'refuse-temporarily':
              return { status: smpp.errors.ESME_RTHROTTLED };
            case 'refuse-permanently':
              return { status: smpp.errors.ESME_RINVDSTADR };
            case 'hang':
              return 'hold';
          }
        };
      },
      received: () => joinSubmits(smsc.submits),
      emitDeliveryReport: async (sent, delivered) => {
        const stat = delivered ? 'DELIVRD' : 'UNDELIV';
        await smsc.sendReceipt(`id:${sent.transportRef ?? ''} sub:001 dlvrd:001 stat:${stat}`);
      },
      dispose: async () => {
        await transport.close();
        await smsc.close();
      },
    };
  },
  { deliveryReports: true },
);

/** One entry per message: single submits as they are, split ones joined by UDH reference. */
function joinSubmits(submits: readonly SmscSubmit[]): ReceivedSms[] {
  const messages: ReceivedSms[] = [];
  const partial = new Map<number, Buffer[]>();
  for (const submit of submits) {
    const bytes = submit.shortMessage;
    if ((submit.esmClass & 0x40) === 0) {
      messages.push({ to: submit.destination, text: decode(bytes, submit.dataCoding) });
      continue;
    }
    const [, , , reference = 0, total = 0, index = 0] = bytes;
    const parts = partial.get(reference) ?? [];
    parts[index - 1] = bytes.subarray(6);
    partial.set(reference, parts);
    if (parts.filter(Boolean).length === total) {
      partial.delete(reference);
      messages.push({
        to: submit.destination,
        text: parts.map((part) => decode(part, submit.dataCoding)).join(''),
      });
    }
  }
  return messages;
}

function decode(bytes: Buffer, dataCoding: number): string {
  if (dataCoding === 0) return smpp.gsmCoder.decode(bytes, 0);
  let text = '';
  for (let i = 0; i < bytes.length; i += 2) text += String.fromCharCode(bytes.readUInt16BE(i));
  return text;
}

/** Waits for sockets to bring what `check` expects (generous: CI machines are slow). */
function eventually(check: () => void): Promise<void> {
  return vi.waitFor(check, { timeout: 5_000, interval: 10 });
}
