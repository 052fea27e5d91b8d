/**
 * The AT modem emulator on a serial port (one end of a PTY pair), for trying the terminal
 * without a modem:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/modem pty,raw,echo=0,link=/tmp/modem-emu &
 *   npx tsx scripts/modem-emulator/main.ts --port /tmp/modem-emu
 *
 * and point the terminal's modem port at /tmp/modem. Type commands on stdin to script faults
 * (`help` lists them).
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openSerialByteStream } from '../../drivers/modem/hw/serialByteStream.js';
import { ModemEmulator, type EmulatedSim } from './ModemEmulator.js';

const HELP = `commands:
  lose              the network is lost (+CREG: 2) until "restore"
  lose-until-reset  the network is lost until the terminal resets the radio (AT+CFUN)
  restore           the network is back
  signal <rssi>     CSQ rssi 0-31
  sim <ready|missing|pin|failure>
  delay <AT-prefix> <ms>   slow replies to commands starting with the prefix (0: normal)
  mute <AT-prefix>  never answer those commands; "unmute <AT-prefix>" undoes it
  garbage           send garbage bytes now
  garbage-on | garbage-off   garbage before every reply
  urc <line>        send an unsolicited line
  cms <code> [number]   refuse SMS submissions (to the number, as the PDU has it) with +CMS ERROR
  cms-off           accept SMS submissions again
  report <mr> <st>  send the status report (TP-ST, e.g. 0 delivered, 65 failed) of a part now
  reports-on | reports-off   status reports sent by themselves after each part (default on)
  status            show the emulator's state
  quit`;

const SIMS: readonly EmulatedSim[] = ['ready', 'missing', 'pin', 'failure'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      baud: { type: 'string', default: '115200' },
      rssi: { type: 'string', default: '20' },
      operator: { type: 'string', default: 'ComboNet' },
      sim: { type: 'string', default: 'ready' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || values.port === undefined) {
    console.log(
      'usage: tsx scripts/modem-emulator/main.ts --port <path> [--baud 115200] [--rssi 20] ' +
        '[--operator ComboNet] [--sim ready|missing|pin|failure]\n\n' +
        HELP,
    );
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const sim = values.sim as EmulatedSim;
  if (!SIMS.includes(sim)) throw new Error(`--sim is one of ${SIMS.join(', ')}`);
  const emulator = new ModemEmulator({
    rssi: Number(values.rssi),
    operator: values.operator,
    sim,
  });
  const stream = await openSerialByteStream(values.port, Number(values.baud));
  emulator.attach(stream);
  stream.onClose(() => {
    console.log('the port closed');
    process.exit(0);
  });
  console.log(`modem emulator on ${values.port}; "help" lists the commands`);
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const [word = '', ...rest] = line.trim().split(/\s+/);
    const arg = rest.join(' ');
    switch (word) {
      case 'lose':
        emulator.loseSignal();
        break;
      case 'lose-until-reset':
        emulator.loseSignal({ untilRadioReset: true });
        break;
      case 'restore':
        emulator.restoreSignal();
        break;
      case 'signal':
        emulator.setSignal(Number(arg));
        break;
      case 'sim':
        if (SIMS.includes(arg as EmulatedSim)) emulator.setSim(arg as EmulatedSim);
        else console.log(`sim is one of ${SIMS.join(', ')}`);
        break;
      case 'delay':
        emulator.delay(rest[0] ?? 'AT', Number(rest[1] ?? 0));
        break;
      case 'mute':
        emulator.mute(arg);
        break;
      case 'unmute':
        emulator.mute(arg, false);
        break;
      case 'garbage':
        emulator.sendGarbage();
        break;
      case 'garbage-on':
      case 'garbage-off':
        emulator.garbageBeforeReplies = word === 'garbage-on';
        break;
      case 'urc':
        emulator.sendUrc(arg);
        break;
      case 'cms':
        emulator.refuseSubmissions(Number(rest[0]), rest[1] === undefined ? {} : { to: rest[1] });
        break;
      case 'cms-off':
        emulator.acceptSubmissions();
        break;
      case 'report':
        if (!emulator.sendStatusReport(Number(rest[0]), Number(rest[1] ?? 0))) {
          console.log(`no part got message reference ${rest[0] ?? ''}`);
        }
        break;
      case 'reports-on':
      case 'reports-off':
        emulator.autoReports = word === 'reports-on';
        break;
      case 'status':
        console.log({
          echo: emulator.echo,
          cmee: emulator.cmee,
          cfun: emulator.cfun,
          sim: emulator.sim,
          stat: emulator.stat,
          rssi: emulator.rssi,
          radioResets: emulator.radioResets,
          cnmi: emulator.cnmi,
          smsParts: emulator.submissions.length,
          lastCommands: emulator.commands.slice(-5),
        });
        break;
      case 'quit':
        void stream.close().then(() => process.exit(0));
        return;
      case '':
        return;
      default:
        console.log(HELP);
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
