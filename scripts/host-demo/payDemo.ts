/**
 * A small signed-request client for the payment host, for trying the protocol by hand:
 * signs in, asks the balance, makes a sale, reads the one-time code from the host's SMS outbox
 * (as the customer would read it on the phone), confirms, and asks the balance again, so you
 * can see it fell once, by the amount.
 *
 *   npm run demo:pay -- --terminal T0000001 --key <key from terminals add> \
 *     --msisdn 13800138000 --card-uid 04A1B2C3D4E5F6 --card-token <from accounts enroll> \
 *     --amount 1250 [--pin 123456] [--url https://127.0.0.1:8443] [--ca var/host/tls/ca.pem]
 *
 * Without --pin it reads the PIN from the enrollment text in the outbox. The outbox is read
 * with `pos-host sms outbox --json`, so run it where pos-host reaches the host's data.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '../../src/core/clock.js';
import { parseTerminalKey } from '../../src/protocol/signing.js';
import { httpSender } from '../../src/testing/signedRequest.js';
import { TestTerminal } from '../../src/testing/TestTerminal.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'https://127.0.0.1:8443' },
    ca: { type: 'string', default: 'var/host/tls/ca.pem' },
    terminal: { type: 'string' },
    key: { type: 'string' },
    msisdn: { type: 'string' },
    'card-uid': { type: 'string' },
    'card-token': { type: 'string' },
    pin: { type: 'string' },
    amount: { type: 'string', default: '1250' },
  },
});

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    console.error(`payDemo: --${name} is required (see the comment at the top of this file)`);
    process.exit(2);
  }
  return value;
}

/** The 6-digit number in the newest outbox text to `msisdn` that matches `pattern`. */
function codeFromOutbox(msisdn: string, pattern: RegExp): string {
  const output = execFileSync(
    'npx',
    ['--no-install', 'pos-host', 'sms', 'outbox', '--msisdn', msisdn, '--json'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const messages = JSON.parse(output) as { text: string }[];
  const text = [...messages].reverse().find((message) => pattern.test(message.text))?.text ?? '';
  const code = /(?<!\d)(\d{6})(?!\d)/.exec(text)?.[1];
  if (code === undefined) throw new Error('no such text in the outbox');
  return code;
}

function show(step: string, reply: { status: number; body: unknown }): void {
  console.log(`\n${step}: HTTP ${reply.status}`);
  console.log(JSON.stringify(reply.body, null, 2));
}

const url = values.url;
const ca =
  url.startsWith('https:') && existsSync(values.ca) ? readFileSync(values.ca, 'utf8') : undefined;
const msisdn = required('msisdn');
const terminal = new TestTerminal(
  httpSender(url, ca),
  { terminalId: required('terminal'), key: parseTerminalKey(required('key')) },
  systemClock,
);
const card = {
  uid: required('card-uid').toUpperCase(),
  token: required('card-token'),
  pin: values.pin ?? codeFromOutbox(msisdn, /PIN|密码是/),
};
const amount = Number(values.amount);

show('sign-in', await terminal.signIn());
const before = await terminal.pay(card);
show('balance before', before);
const sale = await terminal.pay(card, { amount });
show(`sale of ${amount} (minor units)`, sale);
const paymentId = (sale.body as { paymentId?: string }).paymentId;
if (sale.status !== 201 || paymentId === undefined) process.exit(1);
const code = codeFromOutbox(msisdn, /code|动态密码/);
console.log('\n(code read from the SMS outbox)');
show('confirm', await terminal.confirm(paymentId, code));
show('confirm again (a retry: no second debit)', await terminal.confirm(paymentId, code));
const after = await terminal.pay(card);
show('balance after', after);
const valueOf = (reply: { body: unknown }) =>
  (reply.body as { balance?: { value: number } }).balance?.value ?? NaN;
console.log(`\nbalance fell by ${valueOf(before) - valueOf(after)} (the sale was ${amount})`);
