/**
 * The virtual phone on the command line: a phone's card for vsmartcard's vpcd reader.
 *
 *   npx tsx scripts/virtual-phone/main.ts --token <token> [--uid 08A1B2C3] [--port 35963]
 *       [--host 127.0.0.1] [--no-applet] [--tap]
 *
 * Then type commands on stdin: tap, pull, pull-on-read, delay <ms>, fail <sw hex>,
 * token <token>, applet on|off, quit.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { VPCD_PORT, VirtualPhone } from './VirtualPhone.js';

const USAGE = `usage: npx tsx scripts/virtual-phone/main.ts --token <token> [--uid <hex>] [--port ${String(VPCD_PORT)}] [--host <host>] [--no-applet] [--tap]
commands on stdin:
  tap               put the phone on the reader (connect to vpcd)
  pull              take it off (disconnect)
  pull-on-read      the next READ ACCOUNT is pulled away from, unanswered
  delay <ms>        the next READ ACCOUNT is answered after <ms> milliseconds
  fail <sw>         the next READ ACCOUNT is answered with status word <sw> (hex, e.g. 6982)
  token <token>     change the token READ ACCOUNT returns
  applet on|off     with or without the ComboPay applet
  quit              pull and exit`;

function main(): void {
  const { values } = parseArgs({
    options: {
      token: { type: 'string' },
      uid: { type: 'string', default: '08A1B2C3' },
      port: { type: 'string', default: String(VPCD_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'no-applet': { type: 'boolean', default: false },
      tap: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || values.token === undefined) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`not a port: ${values.port}`);
    process.exitCode = 2;
    return;
  }
  const phone = new VirtualPhone({
    token: values.token,
    uid: values.uid,
    applet: !values['no-applet'],
    host: values.host,
    port,
  });
  phone.on('connected', () => console.log(`in the field (vpcd ${values.host}:${String(port)})`));
  phone.on('disconnected', () => console.log('out of the field'));
  phone.on('apdu', (hex: string) => console.log(`<- ${hex}`));

  const tap = (): void => {
    phone.tap().catch((error: unknown) => {
      console.error(`tap failed: ${String(error)} (is pcscd running with vsmartcard-vpcd?)`);
    });
  };
  if (values.tap) tap();

  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, argument] = line.trim().split(/\s+/);
    switch (command) {
      case 'tap':
        tap();
        break;
      case 'pull':
        phone.pull();
        break;
      case 'pull-on-read':
        phone.pullOnNextRead();
        break;
      case 'delay':
        phone.delayNextRead(Number(argument ?? 0));
        break;
      case 'fail':
        phone.failNextRead(parseInt(argument ?? '6F00', 16));
        break;
      case 'token':
        if (argument) phone.token = argument;
        break;
      case 'applet':
        phone.applet = argument !== 'off';
        break;
      case 'quit':
      case 'exit':
        lines.close();
        break;
      case '':
      case undefined:
        break;
      default:
        console.log(USAGE);
    }
  });
  lines.on('close', () => {
    phone.close();
  });
}

main();
