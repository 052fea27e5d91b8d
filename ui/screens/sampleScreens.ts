import { ERROR_CODES } from '../../src/core/errorCodes.js';
import type { Money } from '../../src/core/money.js';
import type { Figures, Notice, RecoveryItem } from '../../src/terminal/flow/flowTypes.js';
import type { FlowNoticeCode } from '../../src/terminal/flow/noticeOf.js';
import type { Screen, ScreenId, WaitingFor } from '../../src/terminal/flow/screenOf.js';

// Test fixture: sample screens of every kind, as the flow makes them. Records keyed by the
// flow's own unions make a new screen id, wait or flow notice a compile error here until it
// has a sample.

/** The clock of the samples: 2026-01-02 03:04:05 UTC. */
export const SAMPLE_NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

/** When the sample lock ends: 11:30 in Beijing. */
export const SAMPLE_LOCKED_UNTIL = '2026-01-02T03:30:00.000Z';

const cny = (value: number): Money => ({ value, currency: 'CNY' });

const WAITS: Readonly<Record<WaitingFor, true>> = {
  signIn: true,
  recovery: true,
  card: true,
  authorize: true,
  confirm: true,
  resend: true,
  cancel: true,
  resolve: true,
  print: true,
  supervisor: true,
  lookup: true,
  void: true,
  refund: true,
  settlementTotals: true,
  settle: true,
  reprint: true,
};

/** Every `wait.for` value, checked against the flow's union by the compiler. */
export const WAITING_FOR = Object.keys(WAITS) as WaitingFor[];

const FLOW_NOTICE_SET: Readonly<Record<FlowNoticeCode, true>> = {
  AMOUNT_ZERO: true,
  AMOUNT_OVER_LIMIT: true,
  PIN_TOO_SHORT: true,
  CODE_TOO_SHORT: true,
  CODE_RESENT: true,
  PASSWORD_EMPTY: true,
  TRACE_EMPTY: true,
  REFERENCE_INCOMPLETE: true,
  TIMED_OUT: true,
  CANCELLED: true,
  CODE_TIMED_OUT: true,
  SUPERVISOR_LOCKED_OUT: true,
  UNEXPECTED_ERROR: true,
};

/**
 * The flow's notice codes (FLOW_NOTICES of src/terminal/flow/noticeOf.ts). ui code may import
 * only types from the flow, so the list is written out; the `Record` over `FlowNoticeCode` makes
 * a missing or extra code a compile error, so it cannot drift from the flow's.
 */
export const FLOW_NOTICE_CODES = Object.keys(FLOW_NOTICE_SET) as FlowNoticeCode[];

/** Details of the kind the host and the flow attach, for every code that reads any. */
export const SAMPLE_DETAILS: Readonly<Record<string, unknown>> = {
  attemptsLeft: 2,
  lockedUntil: SAMPLE_LOCKED_UNTIL,
  retryAfter: 30,
  limit: cny(5_000_000),
  pendingLeft: 2,
};

const FIGURES: Figures = {
  counts: { sale: 3, void: 1, refund: 1 },
  totals: { sale: cny(3_600), refund: cny(500) },
};

const HOST_FIGURES: Figures = {
  counts: { sale: 4, void: 1, refund: 1 },
  totals: { sale: cny(4_850), refund: cny(500) },
};

const HUGE_FIGURES: Figures = {
  counts: { sale: 123_456, void: 0, refund: 0 },
  totals: { sale: cny(999_999_999_999), refund: cny(0) },
};

const RECOVERY_ITEMS: RecoveryItem[] = [
  { type: 'sale', batch: '000001', trace: '000101', amount: cny(1_250), outcome: 'printed' },
  { type: 'sale', batch: '000001', trace: '000102', amount: cny(8_800), outcome: 'reversed' },
  { type: 'refund', batch: '000001', trace: '000103', amount: cny(500), outcome: 'declined' },
  { type: 'void', batch: '000001', trace: '000104', amount: cny(5_000_000), outcome: 'refused' },
  { type: 'balance', batch: '000001', trace: '000105', outcome: 'pending' },
];

const notice = (code: string, details?: Readonly<Record<string, unknown>>): Notice =>
  details === undefined ? { code } : { code, details };

const SAMPLES: Readonly<Record<ScreenId, readonly Screen[]>> = {
  wait: [
    ...WAITING_FOR.map((waitFor): Screen => ({ id: 'wait', for: waitFor })),
    { id: 'wait', for: 'resolve', notice: notice('HOST_UNREACHABLE') },
  ],
  signInRetry: [
    { id: 'signInRetry', outcome: notice('HOST_UNREACHABLE'), failures: 3 },
    { id: 'signInRetry', failures: 1 },
  ],
  recoveryReport: [
    { id: 'recoveryReport', items: RECOVERY_ITEMS, pendingLeft: 1 },
    {
      id: 'recoveryReport',
      items: Array.from({ length: 30 }, (_, index) => ({
        type: 'sale' as const,
        batch: '000001',
        trace: String(200 + index).padStart(6, '0'),
        amount: cny(100 + index),
        outcome: index % 2 === 0 ? ('printed' as const) : ('refused' as const),
      })),
      pendingLeft: 0,
    },
  ],
  idle: [
    { id: 'idle', merchant: '示例便利店', batch: '000001', pendingLeft: 2 },
    { id: 'idle', pendingLeft: 0 },
    {
      id: 'idle',
      merchant: '北京市朝阳区建国路八十八号现代城购物中心地下一层示例连锁便利店旗舰店',
      batch: '000001',
      pendingLeft: 1,
    },
  ],
  cardError: [
    { id: 'cardError', outcome: notice('CARD_REMOVED') },
    { id: 'cardError', outcome: notice('CARD_NOT_SUPPORTED') },
    { id: 'cardError' },
  ],
  menu: [
    {
      id: 'menu',
      items: ['sale', 'balance', 'void', 'refund', 'settle', 'reprint'],
      cardPresent: false,
    },
    {
      id: 'menu',
      items: ['sale', 'balance', 'void', 'refund', 'settle', 'reprint'],
      cardPresent: true,
    },
  ],
  tapCard: [
    { id: 'tapCard', for: 'sale' },
    { id: 'tapCard', for: 'balance' },
    { id: 'tapCard', for: undefined },
  ],
  amount: [
    { id: 'amount', for: 'sale', digits: '1250', amount: cny(1_250) },
    { id: 'amount', for: 'sale', digits: '', amount: cny(0), notice: notice('AMOUNT_ZERO') },
    {
      id: 'amount',
      for: 'refund',
      digits: '5000001',
      amount: cny(5_000_001),
      notice: notice('AMOUNT_OVER_LIMIT', { limit: cny(5_000_000) }),
    },
    { id: 'amount', for: 'sale', digits: '999999999999', amount: cny(999_999_999_999) },
  ],
  pin: [
    {
      id: 'pin',
      for: 'sale',
      amount: cny(1_250),
      length: 3,
      notice: notice('PIN_INCORRECT', { attemptsLeft: 2 }),
    },
    { id: 'pin', for: 'balance', length: 0 },
    { id: 'pin', for: 'sale', amount: cny(1_250), length: 6, notice: notice('PIN_TOO_SHORT') },
  ],
  code: [
    {
      id: 'code',
      amount: cny(1_250),
      sentTo: '138****8000',
      expiresAt: SAMPLE_NOW + 299_000,
      attemptsLeft: 3,
      resendsLeft: 2,
      length: 2,
    },
    {
      id: 'code',
      amount: cny(1_250),
      sentTo: '138****8000',
      expiresAt: SAMPLE_NOW + 20_000,
      attemptsLeft: 2,
      resendsLeft: 0,
      length: 6,
      notice: notice('OTP_INCORRECT', { attemptsLeft: 2 }),
    },
    {
      id: 'code',
      amount: cny(1_250),
      sentTo: '138****8000',
      expiresAt: SAMPLE_NOW - 1_000,
      attemptsLeft: 1,
      resendsLeft: 1,
      length: 0,
      notice: notice('RESEND_TOO_SOON', { retryAfter: 30 }),
    },
    {
      id: 'code',
      amount: cny(1_250),
      sentTo: '138****8000',
      expiresAt: SAMPLE_NOW + 300_000,
      attemptsLeft: 3,
      resendsLeft: 1,
      length: 0,
      notice: notice('CODE_RESENT'),
    },
  ],
  approved: [
    {
      id: 'approved',
      approval: {
        journalId: 1,
        type: 'sale',
        amount: cny(1_250),
        trace: '000123',
        authCode: '654321',
        reference: '000000012345',
      },
      printing: true,
    },
    {
      id: 'approved',
      approval: {
        journalId: 1,
        type: 'sale',
        amount: cny(1_250),
        trace: '000123',
        authCode: '654321',
        reference: '000000012345',
      },
      printing: false,
      printError: 'PRINTER_PAPER_OUT',
    },
    {
      id: 'approved',
      approval: { journalId: 2, type: 'void', amount: cny(999_999_999_999), trace: '000124' },
      printing: false,
    },
    {
      id: 'approved',
      approval: {
        journalId: 3,
        type: 'refund',
        amount: cny(500),
        trace: '000125',
        reference: '000000012346',
      },
      printing: false,
    },
  ],
  balance: [{ id: 'balance', balance: cny(12_345_678) }],
  declined: [
    { id: 'declined', outcome: notice('INSUFFICIENT_FUNDS') },
    { id: 'declined', outcome: notice('HOST_TIMEOUT', { journalId: 7 }) },
    { id: 'declined', outcome: notice('HOST_TIMEOUT', { resolution: 'reversed' }) },
    { id: 'declined', outcome: notice('HOST_TIMEOUT', { resolution: 'pending' }) },
    { id: 'declined', outcome: notice('PAYMENT_STATE', { resolution: 'refused' }) },
    { id: 'declined', outcome: notice('OTP_EXPIRED', { resolution: 'declined' }) },
    { id: 'declined', outcome: notice('SOME_FUTURE_CODE') },
    { id: 'declined' },
  ],
  locked: [{ id: 'locked', lockedUntil: SAMPLE_LOCKED_UNTIL }, { id: 'locked' }],
  cancelled: [
    { id: 'cancelled', outcome: notice('CANCELLED') },
    { id: 'cancelled', outcome: notice('TIMED_OUT') },
    { id: 'cancelled', outcome: notice('CODE_TIMED_OUT') },
    { id: 'cancelled' },
  ],
  notice: [
    ...ERROR_CODES.map((code): Screen => ({ id: 'notice', outcome: notice(code, SAMPLE_DETAILS) })),
    ...FLOW_NOTICE_CODES.map((code): Screen => ({
      id: 'notice',
      outcome: notice(code, SAMPLE_DETAILS),
    })),
    { id: 'notice' },
  ],
  supervisor: [
    {
      id: 'supervisor',
      for: 'void',
      length: 4,
      notice: notice('SUPERVISOR_PASSWORD_WRONG', { attemptsLeft: 2 }),
    },
    { id: 'supervisor', for: 'refund', length: 0, notice: notice('PASSWORD_EMPTY') },
    { id: 'supervisor', for: 'void', length: 12 },
  ],
  voidTrace: [
    { id: 'voidTrace', digits: '123', notice: notice('TRANSACTION_NOT_FOUND') },
    { id: 'voidTrace', digits: '', notice: notice('TRACE_EMPTY') },
  ],
  voidConfirm: [
    {
      id: 'voidConfirm',
      original: {
        journalId: 1,
        paymentId: 'p-1',
        trace: '000123',
        amount: cny(1_250),
        authCode: '654321',
        reference: '000000012345',
      },
    },
    {
      id: 'voidConfirm',
      original: { journalId: 2, paymentId: 'p-2', trace: '000124', amount: cny(88) },
    },
  ],
  refundReference: [
    { id: 'refundReference', digits: '12345678', notice: notice('REFERENCE_INCOMPLETE') },
    { id: 'refundReference', digits: '' },
  ],
  settleConfirm: [
    { id: 'settleConfirm', batch: '000001', figures: FIGURES },
    { id: 'settleConfirm', figures: HUGE_FIGURES },
  ],
  settlementResult: [
    {
      id: 'settlementResult',
      settlement: {
        batch: '000001',
        result: 'balanced',
        terminal: FIGURES,
        host: FIGURES,
        nextBatch: '000002',
      },
    },
    {
      id: 'settlementResult',
      settlement: {
        batch: '000001',
        result: 'out_of_balance',
        terminal: FIGURES,
        host: HOST_FIGURES,
        nextBatch: '000002',
      },
    },
    {
      id: 'settlementResult',
      settlement: {
        batch: '000001',
        result: 'out_of_balance',
        terminal: HUGE_FIGURES,
        host: FIGURES,
        nextBatch: '000002',
      },
    },
  ],
  service: [
    { id: 'service', task: 'reader' },
    { id: 'service', task: 'keypad' },
    { id: 'service', task: 'printer' },
  ],
};

/** Every sample screen, named for test titles (`code#1`). */
export const SAMPLE_SCREENS: readonly { name: string; screen: Screen }[] = Object.entries(
  SAMPLES,
).flatMap(([id, screens]) => screens.map((screen, index) => ({ name: `${id}#${index}`, screen })));
