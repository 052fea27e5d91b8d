import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type Logger } from './logger.js';
import { PosError } from './PosError.js';
import { Secret } from './Secret.js';

// Distinctive values, so a leak anywhere in the output is found by a plain substring search.
const PIN = '482915';
const OTP = '730264';
const TERMINAL_KEY = 'q9Xk3vJ7dLmP2sRt8wYz1aBc4eFg6hIj0kLmNoPqRsT';
const PIN_BLOCK = {
  keyId: 'pk-2026-01',
  epk: 'Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV6cXV1enF1dXo',
  iv: 'aXZpdml2aXZpdml2',
  ct: 'Y3RjdGN0',
  tag: 'dGFndGFndGFndGFndGFnZw',
};
const PEM = `-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIPkvHJm1secretPEMbodyQ29tYm9QYXlLZXk=\n-----END PRIVATE KEY-----`;
const SUPERVISOR_PASSWORD = 'Sup3rvis0r!';
const CARD_TOKEN = 'tok_7YH2kQ9mZx4LcN8p';
const DB_PASSWORD = 'pg-pa55word';

const SECRETS = [
  PIN,
  OTP,
  TERMINAL_KEY,
  PIN_BLOCK.epk,
  PIN_BLOCK.ct,
  PIN_BLOCK.tag,
  'secretPEMbody',
  SUPERVISOR_PASSWORD,
  CARD_TOKEN,
  DB_PASSWORD,
];

function capture(): { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ name: 'test', level: 'trace', destination });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, text };
}

function expectNoSecrets(output: string): void {
  for (const secret of SECRETS) expect(output).not.toContain(secret);
}

describe('logger redaction', () => {
  it('redacts secrets held under secret names at any depth', () => {
    const { logger, text, lines } = capture();
    logger.info({ pin: PIN, otp: OTP, terminalKey: TERMINAL_KEY }, 'top level');
    logger.info(
      { request: { body: { pinBlock: PIN_BLOCK, card: { token: CARD_TOKEN } } } },
      'nested',
    );
    logger.info({ attempts: [{ otpCode: OTP }, { PIN: PIN }] }, 'in arrays');
    logger.info({ config: { supervisorPassword: SUPERVISOR_PASSWORD, hostSecret: TERMINAL_KEY } });
    logger.info({ headers: { Authorization: `Bearer ${TERMINAL_KEY}` } }, 'headers');
    expectNoSecrets(text());
    const first = lines()[0];
    expect(first?.pin).toBe('[REDACTED]');
    expect(first?.otp).toBe('[REDACTED]');
  });

  it('redacts secrets inside message strings and JSON bodies logged as text', () => {
    const { logger, text } = capture();
    logger.info(`customer keyed pin=${PIN} otp: ${OTP}`);
    logger.debug({ body: JSON.stringify({ type: 'sale', pinBlock: PIN_BLOCK }) }, 'sending');
    logger.debug({ body: JSON.stringify({ otp: OTP }) }, 'confirm');
    logger.warn('loaded %s', `terminalKey=${TERMINAL_KEY}`);
    logger.info({ url: `postgres://pos:${DB_PASSWORD}@db.local/pos` }, 'database');
    logger.info({ pem: PEM }, 'a key file was read');
    expectNoSecrets(text());
  });

  it('redacts secrets passed as format arguments, judging the finished message', () => {
    const { logger, text } = capture();
    logger.info('PIN entered: %s', PIN);
    logger.info('sending code %s to %s', OTP, '138****8000');
    logger.error(new Error('confirm failed'), 'otp was %s', OTP);
    logger.info('验证码 %s 已发送', OTP);
    logger.info({ attempt: 1 }, 'customer keyed %s as the pin', PIN);
    expectNoSecrets(text());
    expect(text()).toContain('138****8000');
  });

  it('redacts a PIN block and key material under names of any spelling', () => {
    const { logger, text } = capture();
    logger.info({ request: PIN_BLOCK }, 'a block under another name');
    logger.info({ pinNumber: PIN, SMSCode: OTP, keyB64: TERMINAL_KEY, pwd: SUPERVISOR_PASSWORD });
    expectNoSecrets(text());
  });

  it('redacts bindings set later and message prefixes', () => {
    const { logger, text } = capture();
    const child = logger.child({ terminalId: 'T0000001' });
    child.setBindings({ pin: PIN });
    child.info('after setBindings');
    const prefixed = logger.child({}, { msgPrefix: `otp ${OTP} ` });
    prefixed.info('with a prefix');
    prefixed.child({ step: 2 }).info('prefix inherited');
    expectNoSecrets(text());
    expect(text()).toContain('T0000001');
  });

  it('redacts Secret values wherever they are interpolated or nested', () => {
    const { logger, text } = capture();
    const pin = new Secret(PIN);
    const otp = new Secret(OTP);
    logger.info(`pin entered: ${String(pin)}`);
    logger.info({ entry: { digits: pin }, list: [otp] }, 'state');
    logger.info('code %s', otp);
    expectNoSecrets(text());
    expect(text()).toContain('[REDACTED]');
  });

  it('redacts secrets carried by errors: message, details, cause and attached request config', () => {
    const { logger, text, lines } = capture();
    const cause = new Error(`decrypt failed for pin=${PIN}`);
    const error = new PosError('PIN_BLOCK_INVALID', 'cannot open PIN block', {
      details: { pinBlock: PIN_BLOCK },
      cause,
    });
    logger.error(error);
    logger.error({ err: error }, 'while authorizing');
    // The shape of an HTTP client error: the request it was making hangs off it.
    const httpError = Object.assign(new Error('timeout of 20000ms exceeded'), {
      config: {
        headers: { 'X-Pos-Terminal': 'T0000001' },
        data: JSON.stringify({ otp: OTP }),
      },
      key: TERMINAL_KEY,
    });
    logger.warn(httpError, 'confirm failed');
    logger.warn(new Error(`confirm failed for otp=${OTP}`));
    expectNoSecrets(text());
    // Redacted once, readably, however many times the value passed through redaction.
    expect(text()).toContain('"message":"confirm failed for otp=[REDACTED]"');
    expect(text()).not.toContain('[REDACTED]]');
    const first = lines()[0] as { err: { code: string; type: string } };
    expect(first.err.code).toBe('PIN_BLOCK_INVALID');
    expect(first.err.type).toBe('PosError');
  });

  it('redacts secrets in child logger bindings', () => {
    const { logger, text, lines } = capture();
    const child = logger.child({ terminalId: 'T0000001', terminalKey: TERMINAL_KEY });
    child.info({ pinBlock: PIN_BLOCK }, 'child line');
    const grandchild = child.child({ paymentId: 'p-1', otp: OTP });
    grandchild.info('grandchild line');
    expectNoSecrets(text());
    const [childLine, grandchildLine] = lines();
    expect(childLine).toMatchObject({ terminalId: 'T0000001', terminalKey: '[REDACTED]' });
    // A grandchild keeps its parent's bindings as well as its own.
    expect(grandchildLine).toMatchObject({
      terminalId: 'T0000001',
      paymentId: 'p-1',
      otp: '[REDACTED]',
    });
  });

  it('shows raw bytes only by their length', () => {
    const { logger, text } = capture();
    logger.info({ frame: Buffer.from(`{"pin":"${PIN}"}`) }, 'raw frame');
    expectNoSecrets(text());
    expect(text()).toContain('bytes]');
  });

  it('keeps what is not secret: error codes, ids, amounts, attempts left', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        code: 'PIN_INCORRECT',
        attemptsLeft: 2,
        pinAttempts: 1,
        pinKey: { id: 'pk-1', publicKey: 'abc' },
        authCode: 'A1B2C3',
        amount: { value: 1250, currency: 'CNY' },
        keyId: 'pk-1',
        trace: '000123',
      },
      'declined',
    );
    const line = lines()[0];
    expect(line).toMatchObject({
      code: 'PIN_INCORRECT',
      attemptsLeft: 2,
      pinAttempts: 1,
      pinKey: { id: 'pk-1', publicKey: 'abc' },
      authCode: 'A1B2C3',
      amount: { value: 1250, currency: 'CNY' },
      keyId: 'pk-1',
      trace: '000123',
      msg: 'declined',
    });
  });
});
