import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { money } from '../core/money.js';
import { Secret } from '../core/Secret.js';
import { endpoints } from './endpoints.js';
import { errorReply } from './errorReply.js';
import { confirmReply, confirmRequest } from './messages/confirm.js';
import { healthReply } from './messages/health.js';
import { paymentReply, paymentRequest } from './messages/payment.js';
import { paymentQuery, paymentStatusReply } from './messages/paymentStatus.js';
import { refundReply, refundRequest } from './messages/refund.js';
import { resendOtpReply, resendOtpRequest } from './messages/resendOtp.js';
import { reverseReply, reverseRequest } from './messages/reverse.js';
import { settleReply, settleRequest } from './messages/settle.js';
import { signInReply, signInRequest } from './messages/signIn.js';
import { voidReply, voidRequest } from './messages/void.js';
import { encryptPinBlock, generatePinKeyPair, pinBinding } from './pinBlock.js';
import { parseReply, parseRequest } from './validate.js';

const key = generatePinKeyPair('pk-2026-01');
const pinBlock = encryptPinBlock(
  new Secret('482915'),
  key,
  pinBinding({
    terminalId: 'T0000001',
    batch: '000001',
    trace: '000123',
    type: 'sale',
    amount: money(1250, 'CNY'),
    cardUid: '04A1B2C3D4E5F6',
  }),
);
const card = { uid: '04A1B2C3D4E5F6', token: 'tok_demo_0001AbCd' };
const sale = {
  type: 'sale',
  batch: '000001',
  trace: '000123',
  card,
  amount: { value: 1250, currency: 'CNY' },
  pinBlock,
};
const balance = { type: 'balance', batch: '000001', trace: '000124', card, pinBlock };
const otp = {
  sentTo: '138****8000',
  expiresAt: '2026-11-23T08:35:00.000Z',
  attemptsLeft: 3,
  resendsLeft: 2,
};
const approval = {
  paymentId: 'pay_01',
  status: 'approved',
  authCode: 'A1B2C3',
  reference: '000000000042',
  approvedAt: '2026-11-23T08:31:00.000Z',
  amount: { value: 1250, currency: 'CNY' },
};
const signedIn = {
  serverTime: '2026-11-23T08:30:00.000Z',
  merchant: { id: 'M0001', name: '示例便利店' },
  terminalId: 'T0000001',
  pinKey: { id: 'pk-2026-01', publicKey: pinBlock.epk },
  batch: '000001',
};
const figures = {
  counts: { sale: 3, void: 1, refund: 1 },
  totals: { sale: { value: 3750, currency: 'CNY' }, refund: { value: 500, currency: 'CNY' } },
};

interface Examples {
  name: string;
  schema: z.ZodType;
  valid: unknown[];
  invalid: [string, unknown][];
}

/** Every message of protocol.md, with what it must accept and what it must refuse. */
const examples: Examples[] = [
  {
    name: 'health reply',
    schema: healthReply,
    valid: [{ status: 'ok', version: '0.1.0' }],
    invalid: [
      ['another status', { status: 'degraded', version: '0.1.0' }],
      ['no version', { status: 'ok' }],
    ],
  },
  {
    name: 'sign-in request',
    schema: signInRequest,
    valid: [{}],
    invalid: [
      ['an unknown field', { terminalId: 'T0000001' }],
      ['not an object', []],
    ],
  },
  {
    name: 'sign-in reply',
    schema: signInReply,
    valid: [signedIn, { ...signedIn, merchant: { id: 'M0001', name: 'Shop' } }],
    invalid: [
      [
        'a public key of 31 bytes',
        { ...signedIn, pinKey: { id: 'pk', publicKey: pinBlock.epk.slice(0, 42) } },
      ],
      ['a local time without zone', { ...signedIn, serverTime: '2026-11-23T08:30:00' }],
      ['a 5-digit batch', { ...signedIn, batch: '00001' }],
    ],
  },
  {
    name: 'payment request',
    schema: paymentRequest,
    valid: [sale, balance, { ...sale, card: { uid: '08A1B2C3', token: card.token } }],
    invalid: [
      ['a sale without amount', { ...sale, amount: undefined }],
      ['a balance inquiry with an amount', { ...balance, amount: { value: 1, currency: 'CNY' } }],
      ['a zero sale', { ...sale, amount: { value: 0, currency: 'CNY' } }],
      ['a negative sale', { ...sale, amount: { value: -1250, currency: 'CNY' } }],
      ['a fractional amount', { ...sale, amount: { value: 12.5, currency: 'CNY' } }],
      ['an amount as a string', { ...sale, amount: { value: '1250', currency: 'CNY' } }],
      ['an amount past the maximum', { ...sale, amount: { value: 1e15, currency: 'CNY' } }],
      ['an unknown currency', { ...sale, amount: { value: 1250, currency: 'XYZ' } }],
      ['an unknown type', { ...sale, type: 'refund' }],
      ['a 7-digit trace', { ...sale, trace: '0000123' }],
      ['a lower-case UID', { ...sale, card: { ...card, uid: '04a1b2c3d4e5f6' } }],
      ['a 5-byte UID', { ...sale, card: { ...card, uid: '04A1B2C3D4' } }],
      ['a short token', { ...sale, card: { ...card, token: 'short' } }],
      ['a PIN in clear', { ...sale, pin: '482915' }],
      ['no PIN block', { ...sale, pinBlock: undefined }],
      [
        'a PIN block with padding',
        { ...sale, pinBlock: { ...pinBlock, tag: `${pinBlock.tag}==` } },
      ],
      ['a PIN block with a short iv', { ...sale, pinBlock: { ...pinBlock, iv: 'AAAA' } }],
      ['a PIN block with an extra field', { ...sale, pinBlock: { ...pinBlock, alg: 'x' } }],
      ['an unknown top-level field', { ...sale, tip: 100 }],
    ],
  },
  {
    name: 'payment reply',
    schema: paymentReply,
    valid: [
      { paymentId: 'pay_01', status: 'otp_sent', otp },
      {
        paymentId: 'pay_02',
        status: 'completed',
        balance: { value: 98750, currency: 'CNY' },
      },
      { paymentId: 'pay_01', status: 'otp_sent', otp, hostAddedField: true },
    ],
    invalid: [
      [
        'a code sent to an unmasked number',
        { paymentId: 'p', status: 'otp_sent', otp: { ...otp, sentTo: '13800138000' } },
      ],
      ['a status that is not a payment reply', { paymentId: 'p', status: 'approved', otp }],
      ['a balance without balance', { paymentId: 'p', status: 'completed' }],
    ],
  },
  {
    name: 'confirm request',
    schema: confirmRequest,
    valid: [{ otp: '123456' }, { otp: '000000' }],
    invalid: [
      ['5 digits', { otp: '12345' }],
      ['a number', { otp: 123456 }],
      ['letters', { otp: '12345a' }],
      ['an extra field', { otp: '123456', pin: '482915' }],
    ],
  },
  {
    name: 'confirm reply',
    schema: confirmReply,
    valid: [approval],
    invalid: [
      ['a lower-case auth code', { ...approval, authCode: 'a1b2c3' }],
      ['an 11-digit reference', { ...approval, reference: '00000000042' }],
      ['another status', { ...approval, status: 'declined' }],
    ],
  },
  {
    name: 'resend request',
    schema: resendOtpRequest,
    valid: [{}],
    invalid: [['an extra field', { force: true }]],
  },
  {
    name: 'resend reply',
    schema: resendOtpReply,
    valid: [{ otp }, { paymentId: 'pay_01', otp: { ...otp, resendsLeft: 1 } }],
    invalid: [
      ['no code info', {}],
      ['negative resends', { otp: { ...otp, resendsLeft: -1 } }],
    ],
  },
  {
    name: 'payment query',
    schema: paymentQuery,
    valid: [{ batch: '000001', trace: '000123' }],
    invalid: [
      ['no trace', { batch: '000001' }],
      ['an extra parameter', { batch: '000001', trace: '000123', terminal: 'T0000002' }],
    ],
  },
  {
    name: 'payment status reply',
    schema: paymentStatusReply,
    valid: [
      {
        paymentId: 'pay_01',
        type: 'sale',
        status: 'otp_sent',
        amount: sale.amount,
        batch: '000001',
        trace: '000123',
      },
      { ...approval, type: 'sale', batch: '000001', trace: '000123' },
      {
        paymentId: 'pay_02',
        type: 'balance',
        status: 'completed',
        batch: '000001',
        trace: '000124',
      },
    ],
    invalid: [
      [
        'an unknown status',
        { paymentId: 'p', type: 'sale', status: 'pending', batch: '000001', trace: '000123' },
      ],
      ['no batch', { paymentId: 'p', type: 'sale', status: 'approved', trace: '000123' }],
    ],
  },
  {
    name: 'reverse request',
    schema: reverseRequest,
    valid: [{ reason: 'timeout' }, { reason: 'cancelled' }, { reason: 'terminal_error' }],
    invalid: [
      ['an unknown reason', { reason: 'changed_mind' }],
      ['no reason', {}],
    ],
  },
  {
    name: 'reverse reply',
    schema: reverseReply,
    valid: [{ paymentId: 'pay_01', status: 'reversed' }],
    invalid: [['another status', { paymentId: 'pay_01', status: 'voided' }]],
  },
  {
    name: 'void request',
    schema: voidRequest,
    valid: [{}],
    invalid: [['an extra field', { supervisorPassword: 'x' }]],
  },
  {
    name: 'void reply',
    schema: voidReply,
    valid: [{ status: 'voided' }, { paymentId: 'pay_01', status: 'voided' }],
    invalid: [['another status', { status: 'reversed' }]],
  },
  {
    name: 'refund request',
    schema: refundRequest,
    valid: [
      {
        batch: '000001',
        trace: '000130',
        originalReference: '000000000042',
        amount: { value: 500, currency: 'CNY' },
      },
    ],
    invalid: [
      [
        'a zero refund',
        {
          batch: '000001',
          trace: '000130',
          originalReference: '000000000042',
          amount: { value: 0, currency: 'CNY' },
        },
      ],
      [
        'no original reference',
        { batch: '000001', trace: '000130', amount: { value: 500, currency: 'CNY' } },
      ],
    ],
  },
  {
    name: 'refund reply',
    schema: refundReply,
    valid: [{ refundId: 'ref_01', status: 'refunded', reference: '000000000043' }],
    invalid: [['no reference', { refundId: 'ref_01', status: 'refunded' }]],
  },
  {
    name: 'settle request',
    schema: settleRequest,
    valid: [
      figures,
      {
        counts: { sale: 0, void: 0, refund: 0 },
        totals: { sale: { value: 0, currency: 'CNY' }, refund: { value: 0, currency: 'CNY' } },
      },
    ],
    invalid: [
      ['a negative count', { ...figures, counts: { ...figures.counts, sale: -1 } }],
      [
        'more sales than a batch can hold',
        { ...figures, counts: { ...figures.counts, sale: 1e15 } },
      ],
      [
        'totals in two currencies',
        { ...figures, totals: { ...figures.totals, refund: { value: 500, currency: 'USD' } } },
      ],
      ['a missing total', { ...figures, totals: { sale: figures.totals.sale } }],
    ],
  },
  {
    name: 'settle reply',
    schema: settleReply,
    valid: [
      { result: 'balanced', host: figures, nextBatch: '000002' },
      { result: 'out_of_balance', host: figures, nextBatch: '000002' },
    ],
    invalid: [
      ['an unknown result', { result: 'ok', host: figures, nextBatch: '000002' }],
      ['no next batch', { result: 'balanced', host: figures }],
    ],
  },
  {
    name: 'payment path parameters',
    schema: endpoints.confirmPayment.params,
    valid: [{ paymentId: 'pay_01' }],
    invalid: [
      ['a slash', { paymentId: 'a/b' }],
      ['an empty id', { paymentId: '' }],
      ['an id of 65 characters', { paymentId: 'p'.repeat(65) }],
    ],
  },
  {
    name: 'batch path parameter',
    schema: endpoints.settleBatch.params,
    valid: [{ batch: '000001' }],
    invalid: [
      ['5 digits', { batch: '00001' }],
      ['letters', { batch: 'latest' }],
    ],
  },
  {
    name: 'error reply',
    schema: errorReply,
    valid: [
      { error: { code: 'PIN_INCORRECT', message: 'wrong PIN', attemptsLeft: 2 } },
      {
        error: {
          code: 'ACCOUNT_LOCKED',
          message: 'locked',
          lockedUntil: '2026-11-24T08:30:00.000Z',
        },
      },
      { error: { code: 'RESEND_TOO_SOON', message: 'wait', retryAfter: 12 } },
      {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'bad',
          details: [{ field: 'otp', problem: 'must be 6 digits' }],
        },
      },
      { error: { code: 'INTERNAL', message: 'internal error', hostAddedField: 1 } },
    ],
    invalid: [
      ['a local code', { error: { code: 'CONFIG_INVALID', message: 'x' } }],
      ['no message', { error: { code: 'INTERNAL' } }],
      ['a bare string', 'Bad Gateway'],
    ],
  },
];

describe.each(examples)('$name', ({ schema, valid, invalid }) => {
  it.each(valid.map((value, i) => [i, value]))('accepts valid example %i', (_i, value) => {
    const result = schema.safeParse(value);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it.each(invalid)('refuses %s', (_what, value) => {
    expect(schema.safeParse(value).success).toBe(false);
  });
});

describe('coverage of the endpoint table', () => {
  it('has examples for every request, query and reply schema of every endpoint', () => {
    const covered = new Set(examples.map((e) => e.schema));
    for (const [name, endpoint] of Object.entries(endpoints)) {
      const schemas: z.ZodType[] = Object.values<z.ZodType>(endpoint.success);
      if ('body' in endpoint) schemas.push(endpoint.body);
      if ('query' in endpoint) schemas.push(endpoint.query);
      if ('params' in endpoint) schemas.push(endpoint.params);
      for (const schema of schemas) expect(covered.has(schema), name).toBe(true);
    }
  });
});

describe('parseRequest and parseReply', () => {
  it('names each bad field without echoing values', () => {
    try {
      parseRequest(paymentRequest, {
        ...sale,
        amount: { value: -1, currency: 'CNY' },
        pin: '482915',
      });
      expect.unreachable();
    } catch (error) {
      const details = (error as { details: { details: { field: string }[] } }).details.details;
      expect(details.map((d) => d.field).sort()).toEqual(['amount.value', 'pin']);
      expect(JSON.stringify(error) + String(error)).not.toContain('482915');
      expect((error as { code: string }).code).toBe('VALIDATION_FAILED');
    }
  });

  it('returns the parsed value, and makes an unreadable reply HOST_REPLY_INVALID', () => {
    expect(parseRequest(confirmRequest, { otp: '123456' })).toEqual({ otp: '123456' });
    expect(parseReply(confirmReply, { ...approval, extra: 1 })).toEqual(approval);
    expect(() => parseReply(confirmReply, { status: 'approved' })).toThrow(
      expect.objectContaining({ code: 'HOST_REPLY_INVALID' }),
    );
  });
});
