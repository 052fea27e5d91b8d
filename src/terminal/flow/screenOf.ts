import type { SnapshotFrom } from 'xstate';
import type { Money } from '../../core/money.js';
import type {
  Approval,
  Figures,
  MenuItem,
  Notice,
  OriginalSale,
  RecoveryItem,
  SettlementOutcome,
} from './flowTypes.js';
import { secretLength } from './keyEditing.js';
import type { PaymentFlow } from './paymentFlow.js';

/** What a "please wait" screen is waiting for. */
export type WaitingFor =
  | 'signIn'
  | 'recovery'
  | 'card'
  | 'authorize'
  | 'confirm'
  | 'resend'
  | 'cancel'
  | 'resolve'
  | 'print'
  | 'supervisor'
  | 'lookup'
  | 'void'
  | 'refund'
  | 'settlementTotals'
  | 'settle'
  | 'reprint';

/**
 * What the display shows, as data: one variant per kind of screen, with every figure it needs
 * and nothing secret (a PIN, code or password only as its length). The UI renders these; the
 * flow decides them, so the screen can never disagree with the state.
 *
 * `notice` is a message on an input screen (wrong PIN with attempts left…); `outcome` the
 * reason on a result screen. Both carry an error code and safe details.
 */
export type Screen =
  | { id: 'wait'; for: WaitingFor; notice?: Notice | undefined }
  | { id: 'signInRetry'; outcome?: Notice | undefined; failures: number }
  | { id: 'recoveryReport'; items: RecoveryItem[]; pendingLeft: number }
  | { id: 'idle'; merchant?: string | undefined; batch?: string | undefined; pendingLeft: number }
  | { id: 'cardError'; outcome?: Notice | undefined }
  | { id: 'menu'; items: readonly MenuItem[]; cardPresent: boolean }
  | { id: 'tapCard'; for: MenuItem | undefined }
  | {
      id: 'amount';
      for: 'sale' | 'refund';
      digits: string;
      amount: Money;
      notice?: Notice | undefined;
    }
  | {
      id: 'pin';
      for: 'sale' | 'balance';
      amount?: Money | undefined;
      length: number;
      notice?: Notice | undefined;
    }
  | {
      id: 'code';
      amount: Money;
      sentTo: string;
      expiresAt: number;
      attemptsLeft: number;
      resendsLeft: number;
      length: number;
      notice?: Notice | undefined;
    }
  | { id: 'approved'; approval: Approval; printing: boolean; printError?: string | undefined }
  | { id: 'balance'; balance: Money }
  | { id: 'declined'; outcome?: Notice | undefined }
  | { id: 'locked'; lockedUntil?: string | undefined }
  | { id: 'cancelled'; outcome?: Notice | undefined }
  | { id: 'notice'; outcome?: Notice | undefined }
  | { id: 'supervisor'; for: 'void' | 'refund'; length: number; notice?: Notice | undefined }
  | { id: 'voidTrace'; digits: string; notice?: Notice | undefined }
  | { id: 'voidConfirm'; original: OriginalSale }
  | { id: 'refundReference'; digits: string; notice?: Notice | undefined }
  | { id: 'settleConfirm'; batch?: string | undefined; figures: Figures }
  | { id: 'settlementResult'; settlement: SettlementOutcome }
  /**
   * Not a state of the flow (`screenOf` never returns it): shown by `createTerminal` while a
   * technician's device test holds the keypad or reader (see `Terminal.holdDevices`).
   */
  | { id: 'service'; task: ServiceTask };

/** What a technician's console is testing on the terminal's own devices. */
export type ServiceTask = 'reader' | 'keypad' | 'printer';

export type ScreenId = Screen['id'];

type FlowSnapshot = SnapshotFrom<PaymentFlow>;

const MENU: readonly MenuItem[] = ['sale', 'balance', 'void', 'refund', 'settle', 'reprint'];

function amountOf(snapshot: FlowSnapshot): Money {
  const { amountDigits, settings } = snapshot.context;
  return { value: Number(amountDigits === '' ? '0' : amountDigits), currency: settings.currency };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`screen: ${what} missing in this state`);
  return value;
}

/** The screen for a snapshot of the flow. Pure: the same snapshot always gives the same screen. */
export function screenOf(snapshot: FlowSnapshot): Screen {
  const { context: c } = snapshot;
  const value = snapshot.value;
  if (typeof value === 'object') {
    if ('code' in value) return codeScreen(snapshot, value.code);
    const approval = need(c.approval, 'approval');
    const sub = value.approved;
    if (sub === 'printing') return { id: 'approved', approval, printing: true };
    return { id: 'approved', approval, printing: false, printError: c.printError };
  }
  switch (value) {
    case 'signingIn':
      return { id: 'wait', for: 'signIn' };
    case 'recovering':
      return { id: 'wait', for: 'recovery' };
    case 'readingCard':
      return { id: 'wait', for: 'card' };
    case 'authorizing':
      return { id: 'wait', for: 'authorize' };
    case 'cancelling':
      return { id: 'wait', for: 'cancel' };
    case 'resolving':
      return { id: 'wait', for: 'resolve' };
    case 'checkingSupervisor':
      return { id: 'wait', for: 'supervisor' };
    case 'findingOriginal':
      return { id: 'wait', for: 'lookup' };
    case 'voiding':
      return { id: 'wait', for: 'void' };
    case 'refunding':
      return { id: 'wait', for: 'refund' };
    case 'settlePreview':
      return { id: 'wait', for: 'settlementTotals' };
    case 'settling':
      return { id: 'wait', for: 'settle' };
    case 'reprinting':
      return { id: 'wait', for: 'reprint' };
    case 'signInWait':
      return { id: 'signInRetry', outcome: c.outcome, failures: c.signInFailures };
    case 'recoveryReport': {
      const report = need(c.recovery, 'recovery report');
      return { id: 'recoveryReport', items: report.items, pendingLeft: report.pendingLeft };
    }
    case 'idle':
      return {
        id: 'idle',
        merchant: c.session?.merchant.name,
        batch: c.session?.batch,
        pendingLeft: c.pendingLeft,
      };
    case 'cardError':
      return { id: 'cardError', outcome: c.outcome };
    case 'menu':
      return { id: 'menu', items: MENU, cardPresent: c.card !== undefined };
    case 'awaitingCard':
      return { id: 'tapCard', for: c.selected };
    case 'amount':
    case 'refundAmount':
      return {
        id: 'amount',
        for: value === 'amount' ? 'sale' : 'refund',
        digits: c.amountDigits,
        amount: amountOf(snapshot),
        notice: c.notice,
      };
    case 'pin':
      return {
        id: 'pin',
        for: c.selected === 'balance' ? 'balance' : 'sale',
        amount: c.selected === 'balance' ? undefined : amountOf(snapshot),
        length: secretLength(c.pin),
        notice: c.notice,
      };
    case 'balanceResult':
      return { id: 'balance', balance: need(c.balance, 'balance') };
    case 'declined':
      return { id: 'declined', outcome: c.outcome };
    case 'locked': {
      const until = c.outcome?.details?.lockedUntil;
      return { id: 'locked', lockedUntil: typeof until === 'string' ? until : undefined };
    }
    case 'cancelled':
      return { id: 'cancelled', outcome: c.outcome };
    case 'notice':
      return { id: 'notice', outcome: c.outcome };
    case 'supervisor':
      return {
        id: 'supervisor',
        for: c.selected === 'refund' ? 'refund' : 'void',
        length: secretLength(c.password),
        notice: c.notice,
      };
    case 'voidTrace':
      return { id: 'voidTrace', digits: c.traceDigits, notice: c.notice };
    case 'voidConfirm':
      return { id: 'voidConfirm', original: need(c.original, 'original sale') };
    case 'refundReference':
      return { id: 'refundReference', digits: c.referenceDigits, notice: c.notice };
    case 'settleConfirm':
      return { id: 'settleConfirm', batch: c.session?.batch, figures: need(c.figures, 'figures') };
    case 'settlementResult':
      return { id: 'settlementResult', settlement: need(c.settlement, 'settlement') };
    case 'chooseCard':
    case 'routeWithCard':
    case 'afterDecline':
      // Transient states: a snapshot never rests in them.
      throw new Error(`screen: no screen for transient state ${value}`);
  }
}

function codeScreen(snapshot: FlowSnapshot, sub: string): Screen {
  const c = snapshot.context;
  if (sub === 'confirming') return { id: 'wait', for: 'confirm' };
  if (sub === 'resending') return { id: 'wait', for: 'resend' };
  const payment = need(c.payment, 'payment');
  return {
    id: 'code',
    amount: payment.amount,
    sentTo: payment.otp.sentTo,
    expiresAt: payment.otp.expiresAt,
    attemptsLeft: payment.otp.attemptsLeft,
    resendsLeft: payment.otp.resendsLeft,
    length: secretLength(c.code),
    notice: c.notice,
  };
}
