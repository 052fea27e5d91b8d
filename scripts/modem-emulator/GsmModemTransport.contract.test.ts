import { GsmModemTransport } from '../../src/host/sms/gsm/GsmModemTransport.js';
import { describeSmsTransportContract } from '../../src/host/sms/transportContract.js';
import { decodeSubmitPdu, joinParts } from './decodeSubmitPdu.js';
import { startPtyModemRig } from './ptyRig.js';

// The SmsTransport contract for gsm-modem: serialport, a socat PTY pair and the AT emulator.
// The gateway's "received" is the emulator's PDUs decoded by its own reader.

/** Status report TP-ST for a part the network gave up on (SME busy, no more attempts). */
const GAVE_UP = 0x61;

describeSmsTransportContract(
  'gsm-modem',
  async ({ logger, clock }) => {
    const rig = await startPtyModemRig();
    const { emulator } = rig;
    // Reports come when the suite asks for them, not on their own.
    emulator.autoReports = false;
    const transport = new GsmModemTransport({
      path: rig.modemPath,
      clock,
      logger,
      commandTimeoutMs: 1000,
      submitTimeoutMs: 3000,
      reconnectBackoff: { initialMs: 100, maxMs: 400 },
    });
    await transport.start();
    return {
      transport,
      setGateway: (behaviour) => {
        emulator.acceptSubmissions();
        emulator.mute('AT+CMGS', false);
        if (behaviour === 'refuse-temporarily') emulator.refuseSubmissions(332);
        if (behaviour === 'refuse-permanently') emulator.refuseSubmissions(1);
        if (behaviour === 'hang') emulator.mute('AT+CMGS');
      },
      received: () =>
        joinParts(emulator.submissions.map((submission) => decodeSubmitPdu(submission.pdu))).map(
          ({ to, text }) => ({ to, text }),
        ),
      emitDeliveryReport: (sent, delivered) => {
        // transportRef is `<mr>[.<mr>…]@<messageId>`: one report per part.
        const references = (sent.transportRef ?? '').split('@')[0]?.split('.') ?? [];
        for (const reference of references) {
          emulator.sendStatusReport(Number(reference), delivered ? 0x00 : GAVE_UP);
        }
      },
      dispose: async () => {
        await transport.close();
        await rig.dispose();
      },
    };
  },
  { deliveryReports: true },
);
