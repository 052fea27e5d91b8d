import { describe, expect, it } from 'vitest';
import { thrownCode } from '../../testing/thrownCode.js';
import { toJournalTxn, type TxnRow } from './rowMapping.js';

const ROW: TxnRow = {
  id: 7,
  type: 'sale',
  batch: '000001',
  trace: '000007',
  state: 'authorizing',
  amount_value: null,
  amount_currency: null,
  card_uid: null,
  account: null,
  payment_id: null,
  auth_code: null,
  reference: null,
  approved_at: null,
  original_payment_id: null,
  original_trace: null,
  original_reference: null,
  error_code: null,
  reversal_reason: null,
  voided: 0,
  created_at: '2026-11-23T08:00:00.000Z',
  updated_at: '2026-11-23T08:00:01.000Z',
};

describe('toJournalTxn', () => {
  it('maps SQL nulls to undefined and voided to a boolean', () => {
    const entry = toJournalTxn(ROW);
    expect(Object.values(entry)).not.toContain(null);
    expect(entry).toMatchObject({ id: 7, voided: false, amount: undefined, paymentId: undefined });
    expect(toJournalTxn({ ...ROW, voided: 1 }).voided).toBe(true);
  });

  it('maps every column to its field', () => {
    const entry = toJournalTxn({
      ...ROW,
      type: 'void',
      state: 'reversal_pending',
      amount_value: 1250,
      amount_currency: 'CNY',
      card_uid: '04A1B2C3',
      account: '138****8000',
      payment_id: 'pay_1',
      auth_code: 'AB12CD',
      reference: '200000000002',
      approved_at: '2026-11-23T08:00:02.000Z',
      original_payment_id: 'pay_0',
      original_trace: '000003',
      original_reference: '200000000001',
      error_code: 'HOST_TIMEOUT',
      reversal_reason: 'timeout',
    });
    expect(entry).toEqual({
      id: 7,
      type: 'void',
      batch: '000001',
      trace: '000007',
      state: 'reversal_pending',
      amount: { value: 1250, currency: 'CNY' },
      cardUid: '04A1B2C3',
      account: '138****8000',
      paymentId: 'pay_1',
      authCode: 'AB12CD',
      reference: '200000000002',
      approvedAt: '2026-11-23T08:00:02.000Z',
      originalPaymentId: 'pay_0',
      originalTrace: '000003',
      originalReference: '200000000001',
      errorCode: 'HOST_TIMEOUT',
      reversalReason: 'timeout',
      voided: false,
      createdAt: '2026-11-23T08:00:00.000Z',
      updatedAt: '2026-11-23T08:00:01.000Z',
    });
  });

  it.each<[string, Partial<TxnRow>]>([
    ['an unknown type', { type: 'topup' }],
    ['an unknown state', { state: 'done' }],
    ['an unknown reversal reason', { reversal_reason: 'bored' }],
    ['an unknown currency', { amount_value: 1, amount_currency: 'XXX' }],
    ['an amount without currency', { amount_value: 1 }],
    ['a fractional amount', { amount_value: 1.5, amount_currency: 'CNY' }],
  ])('calls a row with %s corrupt', (_, change) => {
    expect(thrownCode(() => toJournalTxn({ ...ROW, ...change }))).toBe('JOURNAL_CORRUPT');
  });
});
