/**
 * Tests generated from the machine: every path of `exploreFlow()` is replayed on the real flow
 * (scripted actors, a manual clock) and, at every step, checked against a reference model of
 * the flow written here from the rules (what a cashier sees, what goes to the host and the
 * devices), independently of the machine's code. Together the paths visit every state node and
 * every transition definition; the last test prints and checks that figure.
 */
import { describe, expect, it } from 'vitest';
import type { Money } from '../../core/money.js';
import { hasErrorCode, isPosError, type PosError } from '../../core/PosError.js';
import { Secret } from '../../core/Secret.js';
import type { Key } from '../../../drivers/keypad/Keypad.js';
import type { PresentedCard } from '../../../drivers/nfc/CardReader.js';
import {
  exploreFlow,
  FlowCoverage,
  isActorDone,
  isActorError,
  isTimer,
  MODEL_SETTINGS,
  replayPath,
  timerOf,
  type ActorName,
  type Invocation,
  type ModelPath,
  type ModelStep,
  type StepRecord,
  type Tone,
} from './flowModel.js';
import type {
  Approval,
  Figures,
  FlowActorIo,
  FlowCard,
  MenuItem,
  Notice,
  OriginalSale,
  OtpState,
  PendingPayment,
  RecoveryReport,
  ResolvedOutcome,
  Session,
  SettlementOutcome,
} from './flowTypes.js';
import { screenOf, type Screen } from './screenOf.js';

// ─── The reference model ───────────────────────────────────────────────────────────────────

/** What the flow should hold, as the cashier and the host would tell it. */
interface Ref {
  value: string;
  session?: Session | undefined;
  signInFailures: number;
  pendingLeft: number;
  recovery?: RecoveryReport | undefined;
  presented?: PresentedCard | undefined;
  card?: FlowCard | undefined;
  selected?: MenuItem | undefined;
  amount: string;
  pin: string;
  code: string;
  password: string;
  trace: string;
  reference: string;
  supervisorFailures: number;
  payment?: PendingPayment | undefined;
  approval?: Approval | undefined;
  balance?: Money | undefined;
  original?: OriginalSale | undefined;
  figures?: Figures | undefined;
  settlement?: SettlementOutcome | undefined;
  notice?: Notice | undefined;
  outcome?: Notice | undefined;
  printError?: string | undefined;
  resolving?: number | undefined;
  /** The secret handed to the actor of the state just entered. */
  pinSent?: string | undefined;
  codeSent?: string | undefined;
  passwordSent?: string | undefined;
}

const S = MODEL_SETTINGS;
const MAX_AMOUNT_DIGITS = String(S.maxAmount).length;
const PIN_DIGITS = 6;
const CODE_DIGITS = 6;
const PASSWORD_MAX = 12;
const TRACE_DIGITS = 6;
const REFERENCE_DIGITS = 12;
/** The terminal itself was refused (401s, TERMINAL_DISABLED) or its batch closed: sign in again. */
const SIGN_IN_AGAIN = new Set<string>([
  'TERMINAL_UNKNOWN',
  'SIGNATURE_INVALID',
  'TIMESTAMP_SKEW',
  'NONCE_REPLAYED',
  'TERMINAL_DISABLED',
  'BATCH_CLOSED',
]);

const MENU_KEYS: Partial<Record<Key, MenuItem>> = {
  '1': 'sale',
  '2': 'balance',
  '3': 'void',
  '4': 'refund',
  '5': 'settle',
  '6': 'reprint',
};

const INITIAL: Ref = {
  value: 'signingIn',
  signInFailures: 0,
  pendingLeft: 0,
  amount: '',
  pin: '',
  code: '',
  password: '',
  trace: '',
  reference: '',
  supervisorFailures: 0,
};

/** A new transaction: what the idle screen starts from. */
function idleRef(r: Ref): Ref {
  return {
    ...INITIAL,
    value: 'idle',
    session: r.session,
    signInFailures: r.signInFailures,
    pendingLeft: r.pendingLeft,
    recovery: r.recovery,
    settlement: r.settlement,
    outcome: r.outcome,
  };
}

function money(digits: string): Money {
  return { value: Number(digits === '' ? '0' : digits), currency: S.currency };
}

/** An actor's failure as the screen should show it: its code and safe details, nothing else. */
function shown(error: unknown): Notice {
  if (!isPosError(error)) return { code: 'UNEXPECTED_ERROR' };
  return Object.keys(error.details).length === 0
    ? { code: error.code }
    : { code: error.code, details: error.details };
}

function codeOfError(error: unknown): string {
  return isPosError(error) ? error.code : 'UNEXPECTED_ERROR';
}

function isDigit(k: Key): boolean {
  return /^[0-9]$/.test(k);
}

/** A digit field after a key: digits fill up to `max`; BACKSPACE and CLEAR need something to remove. */
function edited(digits: string, k: Key, max: number, noLeadingZero = false): string | undefined {
  if (isDigit(k)) {
    if (noLeadingZero && digits === '' && k === '0') return undefined;
    return digits.length < max ? digits + k : undefined;
  }
  if (k === 'BACKSPACE') return digits === '' ? undefined : digits.slice(0, -1);
  if (k === 'CLEAR') return digits === '' ? undefined : '';
  return undefined;
}

/** The timer each resting state runs, by its delay name. */
function timerIn(r: Ref, now: number): string | undefined {
  switch (r.value) {
    case 'signInWait':
      return 'signInRetry';
    case 'idle':
      return r.pendingLeft > 0 && S.pendingRetryMs < delayOf('resignIn', r, now)
        ? 'pendingRetry'
        : 'resignIn';
    case 'menu':
    case 'awaitingCard':
    case 'amount':
    case 'pin':
    case 'supervisor':
    case 'voidTrace':
    case 'voidConfirm':
    case 'refundReference':
    case 'refundAmount':
    case 'settleConfirm':
    case 'approved.printFailed':
      return 'inactivity';
    case 'code.entering':
      return 'codeExpiry';
    case 'recoveryReport':
    case 'approved.done':
    case 'balanceResult':
    case 'declined':
    case 'locked':
    case 'settlementResult':
      return 'result';
    case 'cardError':
    case 'cancelled':
    case 'notice':
      return 'notice';
    default:
      return undefined;
  }
}

/** How long the timer runs, from the settings and what the reference model knows. */
function delayOf(name: string, r: Ref, now: number): number {
  switch (name) {
    case 'inactivity':
      return S.inactivityMs;
    case 'result':
      return S.resultMs;
    case 'notice':
      return S.noticeMs;
    case 'pendingRetry':
      return S.pendingRetryMs;
    case 'signInRetry':
      // 2 s, 4 s, 8 s… doubling from the first failure, never above the cap.
      return Math.min(S.signInRetryBaseMs * 2 ** (r.signInFailures - 1), S.signInRetryMaxMs);
    case 'resignIn':
      return need(r.session, 'session').signedInAt + S.resignInMs - now;
    case 'codeExpiry':
      return need(r.payment, 'payment').otp.expiresAt - now;
    default:
      throw new Error(`reference model: unknown timer ${name}`);
  }
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`reference model: ${what} missing`);
  return value;
}

interface Expected {
  next: Ref;
  beeps: Tone[];
}

/** The reference model's transition: where `r` goes on the step in `record`, and what it beeps. */
function expectStep(r: Ref, record: StepRecord): Expected {
  const step = need(record.step, 'step');
  const { event } = step;
  const k = event.type === 'KEY' ? (event as { key: Key }).key : undefined;
  const beeps: Tone[] = [];
  const go = (value: string, patch: Partial<Ref> = {}): Expected => {
    const next = value === 'idle' ? idleRef({ ...r, ...patch }) : { ...r, ...patch, value };
    const top = (v: string) => v.split('.')[0];
    if (top(next.value) !== top(r.value)) {
      if (['cardError', 'declined', 'locked'].includes(next.value)) beeps.push('error');
      if (top(next.value) === 'approved') beeps.push('success');
    }
    return { next, beeps };
  };
  const stay = (patch: Partial<Ref> = {}) => go(r.value, patch);
  const refuse = (tone: Tone = 'key', patch: Partial<Ref> = {}) => {
    beeps.push(tone);
    return stay(patch);
  };
  const nothing = () => stay();

  if (isTimer(event)) {
    const { delay, stateId } = timerOf(event);
    const expectedTimer = timerIn(r, record.now - (record.advancedMs ?? 0));
    if (delay !== expectedTimer || stateId !== `flow.${r.value}`) {
      throw new Error(`reference model: ${r.value} runs ${String(expectedTimer)}, not ${delay}`);
    }
  }
  const output = <N extends ActorName>(actor: N): FlowActorIo[N]['output'] => {
    const delivered = need(record.delivered, 'actor outcome');
    if (!('output' in delivered) || !event.type.endsWith(`.${actor}`)) {
      throw new Error(`reference model: expected ${actor} to finish, got ${step.label}`);
    }
    return delivered.output as FlowActorIo[N]['output'];
  };
  const error = (actor: ActorName): unknown => {
    const delivered = need(record.delivered, 'actor outcome');
    if (!('error' in delivered) || !event.type.endsWith(`.${actor}`)) {
      throw new Error(`reference model: expected ${actor} to fail, got ${step.label}`);
    }
    return delivered.error;
  };
  const timer = isTimer(event);
  const okOrCancel = k === 'OK' || k === 'CANCEL';
  const cancelledBy = (code: 'CANCELLED' | 'TIMED_OUT') => go('cancelled', { outcome: { code } });

  switch (r.value) {
    case 'signingIn':
      if (isActorDone(event)) {
        return go('recovering', { session: output('signIn'), signInFailures: 0 });
      }
      return go('signInWait', {
        signInFailures: r.signInFailures + 1,
        outcome: shown(error('signIn')),
      });
    case 'signInWait':
      return k === 'OK' || timer ? go('signingIn') : nothing();
    case 'recovering': {
      if (isActorError(event)) {
        error('recover');
        return go('idle');
      }
      const report = output('recover');
      return report.items.length > 0
        ? go('recoveryReport', { recovery: report, pendingLeft: report.pendingLeft })
        : go('idle', { pendingLeft: report.pendingLeft });
    }
    case 'recoveryReport':
    case 'approved.done':
    case 'balanceResult':
    case 'locked':
    case 'cancelled':
    case 'notice':
    case 'settlementResult':
      return okOrCancel || timer ? go('idle') : nothing();
    case 'declined':
      if (!(okOrCancel || timer)) return nothing();
      return SIGN_IN_AGAIN.has(need(r.outcome, 'outcome').code) ? go('signingIn') : go('idle');
    case 'idle':
      if (event.type === 'CARD_TAPPED') return go('readingCard', { presented: event.card });
      if (k === 'OK' || k === 'F1') return go('menu');
      if (event.type === 'SIGN_IN_NOW') return go('signingIn');
      if (event.type === 'SETTLE_NOW') return go('settling');
      if (timer) return timerOf(event).delay === 'resignIn' ? go('signingIn') : go('recovering');
      return nothing();
    case 'readingCard': {
      if (isActorError(event)) {
        return go('cardError', { outcome: shown(error('readCard')), presented: undefined });
      }
      const card = output('readCard');
      if (r.selected === 'sale') return go('amount', { card });
      if (r.selected === 'balance') return go('pin', { card });
      return go('menu', { card });
    }
    case 'cardError':
      if (event.type === 'CARD_TAPPED') return go('readingCard', { presented: event.card });
      return okOrCancel || timer ? go('idle') : nothing();
    case 'menu': {
      if (timer || k === 'CANCEL') return go('idle');
      // Keys 1–6 pick sale, balance, void, refund, settle, reprint.
      const selected = k === undefined ? undefined : MENU_KEYS[k];
      if (selected === undefined) return refuse();
      const hasCard = r.card !== undefined;
      const next: Record<MenuItem, string> = {
        sale: hasCard ? 'amount' : 'awaitingCard',
        balance: hasCard ? 'pin' : 'awaitingCard',
        void: 'supervisor',
        refund: 'supervisor',
        settle: 'settlePreview',
        reprint: 'reprinting',
      };
      return go(next[selected], { selected });
    }
    case 'awaitingCard':
      if (event.type === 'CARD_TAPPED') return go('readingCard', { presented: event.card });
      return k === 'CANCEL' || timer ? go('idle') : nothing();
    case 'amount':
    case 'refundAmount': {
      if (timer) return cancelledBy('TIMED_OUT');
      const k1 = need(k, 'key');
      const digits = edited(r.amount, k1, MAX_AMOUNT_DIGITS, true);
      if (digits !== undefined) return stay({ amount: digits, notice: undefined });
      if (k1 === 'OK') {
        if (r.amount === '') return refuse('error', { notice: { code: 'AMOUNT_ZERO' } });
        if (Number(r.amount) > S.maxAmount) {
          return refuse('error', {
            notice: {
              code: 'AMOUNT_OVER_LIMIT',
              details: { limit: { value: S.maxAmount, currency: S.currency } },
            },
          });
        }
        return go(r.value === 'amount' ? 'pin' : 'refunding', { notice: undefined });
      }
      return k1 === 'CANCEL' ? cancelledBy('CANCELLED') : refuse();
    }
    case 'pin': {
      if (timer) return cancelledBy('TIMED_OUT');
      const k1 = need(k, 'key');
      const digits = edited(r.pin, k1, PIN_DIGITS);
      if (digits !== undefined) return stay({ pin: digits, notice: undefined });
      if (k1 === 'OK') {
        if (r.pin.length < PIN_DIGITS) {
          return refuse('error', { notice: { code: 'PIN_TOO_SHORT' } });
        }
        return go('authorizing', { pinSent: r.pin, pin: '', notice: undefined });
      }
      return k1 === 'CANCEL' ? cancelledBy('CANCELLED') : refuse();
    }
    case 'authorizing': {
      if (isActorDone(event)) {
        const result = output('authorize');
        return result.kind === 'balance'
          ? go('balanceResult', { balance: result.balance, pinSent: undefined })
          : go('code.entering', { payment: result.payment, pinSent: undefined });
      }
      const failure = error('authorize');
      const code = codeOfError(failure);
      if (code === 'PIN_INCORRECT') {
        beeps.push('error');
        return go('pin', { notice: shown(failure), pinSent: undefined });
      }
      if (code === 'ACCOUNT_LOCKED') return go('locked', { outcome: shown(failure) });
      if (code === 'HOST_TIMEOUT') {
        const journalId = (failure as PosError).details.journalId as number;
        return go('resolving', { resolving: journalId });
      }
      return go('declined', { outcome: shown(failure) });
    }
    case 'code.entering': {
      const payment = need(r.payment, 'payment');
      if (timer) return go('cancelling', { outcome: { code: 'CODE_TIMED_OUT' } });
      const k1 = need(k, 'key');
      const digits = edited(r.code, k1, CODE_DIGITS);
      if (digits !== undefined) return stay({ code: digits, notice: undefined });
      if (k1 === 'OK') {
        if (r.code.length < CODE_DIGITS) {
          return refuse('error', { notice: { code: 'CODE_TOO_SHORT' } });
        }
        return go('code.confirming', { codeSent: r.code, notice: undefined });
      }
      if (k1 === 'F1' && payment.otp.resendsLeft > 0) {
        return go('code.resending', { notice: undefined });
      }
      return k1 === 'CANCEL' ? go('cancelling', { outcome: { code: 'CANCELLED' } }) : refuse();
    }
    case 'code.confirming': {
      const payment = need(r.payment, 'payment');
      const left = { code: '', codeSent: undefined };
      if (isActorDone(event))
        return go('approved.printing', { ...left, approval: output('confirm') });
      const failure = error('confirm');
      switch (codeOfError(failure)) {
        case 'OTP_INCORRECT': {
          const attemptsLeft = (failure as PosError).details.attemptsLeft as number;
          beeps.push('error');
          return go('code.entering', {
            ...left,
            notice: shown(failure),
            payment: { ...payment, otp: { ...payment.otp, attemptsLeft } },
          });
        }
        case 'ACCOUNT_LOCKED':
          return go('locked', { ...left, outcome: shown(failure) });
        case 'HOST_UNREACHABLE':
          // Nothing reached the host: the customer keys the code again.
          return go('code.entering', { ...left, notice: shown(failure) });
        case 'HOST_TIMEOUT':
          return go('resolving', { ...left, resolving: payment.journalId });
        default:
          return go('declined', { ...left, outcome: shown(failure) });
      }
    }
    case 'code.resending': {
      const payment = need(r.payment, 'payment');
      if (isActorDone(event)) {
        const otp: OtpState = output('resendOtp');
        return go('code.entering', {
          payment: { ...payment, otp },
          code: '',
          notice: { code: 'CODE_RESENT' },
        });
      }
      const failure = error('resendOtp');
      const code = codeOfError(failure);
      if (code === 'ACCOUNT_LOCKED') return go('locked', { outcome: shown(failure) });
      if (code === 'RESEND_LIMIT') {
        return go('code.entering', {
          notice: shown(failure),
          payment: { ...payment, otp: { ...payment.otp, resendsLeft: 0 } },
        });
      }
      return go('code.entering', { notice: shown(failure) });
    }
    case 'cancelling': {
      // A reversal the host did not acknowledge stays queued in the journal: retried when idle.
      const queued = isActorError(event) || !output('cancelPayment').acknowledged;
      return go('cancelled', { pendingLeft: r.pendingLeft + (queued ? 1 : 0) });
    }
    case 'resolving': {
      if (isActorError(event)) {
        return go('declined', {
          outcome: shown(error('resolveOutcome')),
          pendingLeft: r.pendingLeft + 1,
        });
      }
      const resolved: ResolvedOutcome = output('resolveOutcome');
      if (resolved.outcome === 'approved') {
        return go('approved.printing', { approval: resolved.approval });
      }
      return go('declined', {
        outcome: { code: resolved.code, details: { resolution: resolved.outcome } },
        pendingLeft: r.pendingLeft + (resolved.outcome === 'pending' ? 1 : 0),
      });
    }
    case 'approved.printing':
      if (isActorDone(event)) {
        output('printSlip');
        return go('approved.done', { printError: undefined });
      }
      beeps.push('error');
      return go('approved.printFailed', { printError: codeOfError(error('printSlip')) });
    case 'approved.printFailed':
      if (isActorDone(event)) return go('approved.printing');
      if (k === 'OK') return go('approved.printing');
      if (k === 'CANCEL' || timer) return go('approved.done');
      return refuse();
    case 'supervisor': {
      if (timer) return cancelledBy('TIMED_OUT');
      const k1 = need(k, 'key');
      const digits = edited(r.password, k1, PASSWORD_MAX);
      if (digits !== undefined) return stay({ password: digits, notice: undefined });
      if (k1 === 'OK') {
        if (r.password === '') return refuse('error', { notice: { code: 'PASSWORD_EMPTY' } });
        return go('checkingSupervisor', {
          passwordSent: r.password,
          password: '',
          notice: undefined,
        });
      }
      return k1 === 'CANCEL' ? cancelledBy('CANCELLED') : refuse();
    }
    case 'checkingSupervisor': {
      const sent = { passwordSent: undefined };
      if (isActorError(event)) {
        return go('notice', { ...sent, outcome: shown(error('verifySupervisor')) });
      }
      if (output('verifySupervisor')) {
        return go(r.selected === 'void' ? 'voidTrace' : 'refundReference', sent);
      }
      beeps.push('error');
      const failuresNow = r.supervisorFailures + 1;
      if (failuresNow >= S.supervisorMaxTries) {
        return go('notice', { ...sent, outcome: { code: 'SUPERVISOR_LOCKED_OUT' } });
      }
      return go('supervisor', {
        ...sent,
        supervisorFailures: failuresNow,
        notice: {
          code: 'SUPERVISOR_PASSWORD_WRONG',
          details: { attemptsLeft: S.supervisorMaxTries - failuresNow },
        },
      });
    }
    case 'voidTrace': {
      if (timer) return cancelledBy('TIMED_OUT');
      const k1 = need(k, 'key');
      const digits = edited(r.trace, k1, TRACE_DIGITS);
      if (digits !== undefined) return stay({ trace: digits, notice: undefined });
      if (k1 === 'OK') {
        if (Number(r.trace) === 0) return refuse('error', { notice: { code: 'TRACE_EMPTY' } });
        return go('findingOriginal', { notice: undefined });
      }
      return k1 === 'CANCEL' ? cancelledBy('CANCELLED') : refuse();
    }
    case 'findingOriginal':
      if (isActorDone(event)) return go('voidConfirm', { original: output('findOriginal') });
      beeps.push('error');
      return go('voidTrace', { notice: shown(error('findOriginal')), trace: '' });
    case 'voidConfirm':
      if (timer) return cancelledBy('TIMED_OUT');
      if (k === 'OK') return go('voiding');
      return k === 'CANCEL' ? cancelledBy('CANCELLED') : refuse();
    case 'voiding':
      if (isActorDone(event)) return go('approved.printing', { approval: output('voidSale') });
      return go('declined', {
        outcome: shown(error('voidSale')),
        pendingLeft: r.pendingLeft + (hasErrorCode(error('voidSale'), 'HOST_TIMEOUT') ? 1 : 0),
      });
    case 'refundReference': {
      if (timer) return cancelledBy('TIMED_OUT');
      const k1 = need(k, 'key');
      const digits = edited(r.reference, k1, REFERENCE_DIGITS);
      if (digits !== undefined) return stay({ reference: digits, notice: undefined });
      if (k1 === 'OK') {
        if (r.reference.length !== REFERENCE_DIGITS) {
          return refuse('error', { notice: { code: 'REFERENCE_INCOMPLETE' } });
        }
        return go('refundAmount', { notice: undefined });
      }
      return k1 === 'CANCEL' ? cancelledBy('CANCELLED') : refuse();
    }
    case 'refunding':
      if (isActorDone(event)) return go('approved.printing', { approval: output('refund') });
      return go('declined', {
        outcome: shown(error('refund')),
        pendingLeft: r.pendingLeft + (hasErrorCode(error('refund'), 'HOST_TIMEOUT') ? 1 : 0),
      });
    case 'settlePreview':
      if (isActorDone(event)) return go('settleConfirm', { figures: output('previewSettlement') });
      return go('notice', { outcome: shown(error('previewSettlement')) });
    case 'settleConfirm':
      if (k === 'OK') return go('settling');
      if (k === 'CANCEL' || timer) return go('idle');
      return refuse();
    case 'settling': {
      if (isActorError(event)) return go('declined', { outcome: shown(error('settle')) });
      const settlement = output('settle');
      const session = need(r.session, 'session');
      return go('settlementResult', {
        settlement,
        session: { ...session, batch: settlement.nextBatch },
      });
    }
    case 'reprinting':
      if (isActorDone(event)) {
        output('reprint');
        return go('idle');
      }
      beeps.push('error');
      return go('notice', { outcome: shown(error('reprint')) });
    default:
      throw new Error(`reference model: no rule for ${r.value} on ${step.label}`);
  }
}

/** The input the actor of a state just entered must get (secrets as `{ secret: digits }`). */
function expectedInvocation(r: Ref): Invocation | undefined {
  const none = (actor: ActorName): Invocation => ({ actor, input: undefined });
  switch (r.value) {
    case 'signingIn':
      return none('signIn');
    case 'recovering':
      return none('recover');
    case 'readingCard':
      return { actor: 'readCard', input: { card: need(r.presented, 'presented card') } };
    case 'authorizing':
      return {
        actor: 'authorize',
        input: {
          type: r.selected === 'balance' ? 'balance' : 'sale',
          card: need(r.card, 'card'),
          amount: r.selected === 'balance' ? undefined : money(r.amount),
          pin: { secret: need(r.pinSent, 'PIN') },
        },
      };
    case 'code.confirming':
      return {
        actor: 'confirm',
        input: { payment: need(r.payment, 'payment'), code: { secret: need(r.codeSent, 'code') } },
      };
    case 'code.resending':
      return { actor: 'resendOtp', input: { payment: need(r.payment, 'payment') } };
    case 'cancelling':
      return {
        actor: 'cancelPayment',
        input: {
          journalId: need(r.payment, 'payment').journalId,
          reason: r.outcome?.code === 'CODE_TIMED_OUT' ? 'timeout' : 'cancelled',
        },
      };
    case 'resolving':
      return { actor: 'resolveOutcome', input: { journalId: need(r.resolving, 'journal id') } };
    case 'approved.printing':
      return { actor: 'printSlip', input: { journalId: need(r.approval, 'approval').journalId } };
    case 'approved.printFailed':
      return none('waitForPaper');
    case 'checkingSupervisor':
      return {
        actor: 'verifySupervisor',
        input: { password: { secret: need(r.passwordSent, 'password') } },
      };
    case 'findingOriginal':
      return { actor: 'findOriginal', input: { trace: r.trace.padStart(TRACE_DIGITS, '0') } };
    case 'voiding':
      return { actor: 'voidSale', input: { original: need(r.original, 'original') } };
    case 'refunding':
      return {
        actor: 'refund',
        input: { originalReference: r.reference, amount: money(r.amount) },
      };
    case 'settlePreview':
      return none('previewSettlement');
    case 'settling':
      return none('settle');
    case 'reprinting':
      return none('reprint');
    default:
      return undefined;
  }
}

/** The screen for the reference state, field by field (see the `Screen` documentation). */
function expectedScreen(r: Ref): Screen {
  const wait = (what: Extract<Screen, { id: 'wait' }>['for']): Screen => ({
    id: 'wait',
    for: what,
  });
  switch (r.value) {
    case 'signingIn':
      return wait('signIn');
    case 'recovering':
      return wait('recovery');
    case 'readingCard':
      return wait('card');
    case 'authorizing':
      return wait('authorize');
    case 'code.confirming':
      return wait('confirm');
    case 'code.resending':
      return wait('resend');
    case 'cancelling':
      return wait('cancel');
    case 'resolving':
      return wait('resolve');
    case 'checkingSupervisor':
      return wait('supervisor');
    case 'findingOriginal':
      return wait('lookup');
    case 'voiding':
      return wait('void');
    case 'refunding':
      return wait('refund');
    case 'settlePreview':
      return wait('settlementTotals');
    case 'settling':
      return wait('settle');
    case 'reprinting':
      return wait('reprint');
    case 'signInWait':
      return { id: 'signInRetry', outcome: r.outcome, failures: r.signInFailures };
    case 'recoveryReport': {
      const report = need(r.recovery, 'recovery');
      return { id: 'recoveryReport', items: report.items, pendingLeft: report.pendingLeft };
    }
    case 'idle':
      return {
        id: 'idle',
        merchant: r.session?.merchant.name,
        batch: r.session?.batch,
        pendingLeft: r.pendingLeft,
      };
    case 'cardError':
      return { id: 'cardError', outcome: r.outcome };
    case 'menu':
      return {
        id: 'menu',
        items: ['sale', 'balance', 'void', 'refund', 'settle', 'reprint'],
        cardPresent: r.card !== undefined,
      };
    case 'awaitingCard':
      return { id: 'tapCard', for: r.selected };
    case 'amount':
    case 'refundAmount':
      return {
        id: 'amount',
        for: r.value === 'amount' ? 'sale' : 'refund',
        digits: r.amount,
        amount: money(r.amount),
        notice: r.notice,
      };
    case 'pin':
      return r.selected === 'balance'
        ? { id: 'pin', for: 'balance', length: r.pin.length, notice: r.notice }
        : {
            id: 'pin',
            for: 'sale',
            amount: money(r.amount),
            length: r.pin.length,
            notice: r.notice,
          };
    case 'code.entering': {
      const payment = need(r.payment, 'payment');
      return {
        id: 'code',
        amount: payment.amount,
        sentTo: payment.otp.sentTo,
        expiresAt: payment.otp.expiresAt,
        attemptsLeft: payment.otp.attemptsLeft,
        resendsLeft: payment.otp.resendsLeft,
        length: r.code.length,
        notice: r.notice,
      };
    }
    case 'approved.printing':
      return { id: 'approved', approval: need(r.approval, 'approval'), printing: true };
    case 'approved.printFailed':
    case 'approved.done':
      return {
        id: 'approved',
        approval: need(r.approval, 'approval'),
        printing: false,
        printError: r.printError,
      };
    case 'balanceResult':
      return { id: 'balance', balance: need(r.balance, 'balance') };
    case 'declined':
      return { id: 'declined', outcome: r.outcome };
    case 'locked': {
      const until = r.outcome?.details?.lockedUntil;
      return { id: 'locked', lockedUntil: typeof until === 'string' ? until : undefined };
    }
    case 'cancelled':
      return { id: 'cancelled', outcome: r.outcome };
    case 'notice':
      return { id: 'notice', outcome: r.outcome };
    case 'supervisor':
      return {
        id: 'supervisor',
        for: r.selected === 'refund' ? 'refund' : 'void',
        length: r.password.length,
        notice: r.notice,
      };
    case 'voidTrace':
      return { id: 'voidTrace', digits: r.trace, notice: r.notice };
    case 'voidConfirm':
      return { id: 'voidConfirm', original: need(r.original, 'original') };
    case 'refundReference':
      return { id: 'refundReference', digits: r.reference, notice: r.notice };
    case 'settleConfirm':
      return { id: 'settleConfirm', batch: r.session?.batch, figures: need(r.figures, 'figures') };
    case 'settlementResult':
      return { id: 'settlementResult', settlement: need(r.settlement, 'settlement') };
    default:
      throw new Error(`reference model: no screen for ${r.value}`);
  }
}

/** Secrets revealed as `{ secret: digits }` so inputs compare as data (only inside this test). */
function revealed(value: unknown): unknown {
  if (value instanceof Secret) return { secret: (value as Secret<unknown>).reveal() };
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as unknown[]).map(revealed);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, revealed(v)]),
  );
}

const SECRET_FIELDS = ['pin', 'code', 'password', 'pinDraft', 'passwordDraft'] as const;

function describeStep(path: ModelPath, record: StepRecord): string {
  const upTo = path.steps
    .slice(0, record.index + 1)
    .map((s: ModelStep) => s.label)
    .join(' → ');
  return `${path.name}\n  after: ${upTo || '(start)'}`;
}

/** Replays `path`, checking each step against the reference model. */
async function replayChecked(path: ModelPath, coverage: FlowCoverage): Promise<void> {
  let ref: Ref = INITIAL;
  await replayPath(path, {
    coverage,
    delayFor: (step, _before, now) => {
      const { delay } = timerOf(step.event as Parameters<typeof timerOf>[0]);
      return delayOf(delay, ref, now);
    },
    onStep: (record) => {
      const where = describeStep(path, record);
      let expectedBeeps: Tone[] = [];
      if (record.step !== undefined) {
        const expected = expectStep(ref, record);
        ref = expected.next;
        expectedBeeps = expected.beeps;
        expect(record.step.value, `${where}\n  state`).toBe(ref.value);
      }
      const entered =
        record.index === -1 || ref.value !== (path.steps[record.index - 1]?.value ?? path.initial);
      const invocation = entered ? expectedInvocation(ref) : undefined;
      // Shows:
      expect(screenOf(record.snapshot), `${where}\n  screen`).toEqual(expectedScreen(ref));
      // Sends: to the actors (host, journal, devices) and to the buzzer.
      expect(
        record.invoked.map((i) => revealed(i)),
        `${where}\n  actor inputs`,
      ).toEqual(invocation === undefined ? [] : [revealed(invocation)]);
      expect(record.beeps, `${where}\n  beeps`).toEqual(expectedBeeps);
      // A new transaction starts from nothing: no card, digits or result of the last one.
      if (ref.value === 'idle') {
        const c = record.snapshot.context;
        expect(
          {
            card: c.card,
            presented: c.presented,
            selected: c.selected,
            digits: [c.amountDigits, c.traceDigits, c.referenceDigits],
            secrets: [c.pin, c.code, c.password].map((x) => x.reveal()),
            drafts: [c.pinDraft, c.passwordDraft],
            results: [c.payment, c.resolving, c.approval, c.balance, c.original, c.figures],
            notice: c.notice,
            printError: c.printError,
            supervisorFailures: c.supervisorFailures,
          },
          `${where}\n  left over in idle`,
        ).toEqual({
          card: undefined,
          presented: undefined,
          selected: undefined,
          digits: ['', '', ''],
          secrets: ['', '', ''],
          drafts: [undefined, undefined],
          results: [undefined, undefined, undefined, undefined, undefined, undefined],
          notice: undefined,
          printError: undefined,
          supervisorFailures: 0,
        });
      }
      // Secrets stay secret in the snapshot.
      const context = JSON.parse(JSON.stringify(record.snapshot.context)) as Record<
        string,
        unknown
      >;
      for (const field of SECRET_FIELDS) {
        expect([undefined, '[REDACTED]'], `${where}\n  ${field} in JSON`).toContain(context[field]);
      }
    },
  });
}

// ─── The generated tests ───────────────────────────────────────────────────────────────────

const graph = exploreFlow();
const coverage = new FlowCoverage();
const replayed = new Set<ModelPath>();

describe('payment flow, paths generated from the machine', () => {
  it('generates a reasonable number of paths', () => {
    expect(graph.paths.length).toBeGreaterThan(100);
    expect(graph.paths.length).toBeLessThan(600);
  });

  it.each(graph.paths.map((path) => [path.name, path] as const))('%s', async (_name, path) => {
    await replayChecked(path, coverage);
    replayed.add(path);
  });

  it('visits every state and every transition of the machine', async () => {
    // Paths a filtered run skipped are replayed here, so the figure is always the whole suite's.
    for (const path of graph.paths) {
      if (!replayed.has(path)) await replayPath(path, { coverage });
    }
    const report = coverage.report();
    // eslint-disable-next-line no-console -- the coverage figure the issue asks to show
    console.log(
      `${report.summary} (${graph.paths.length} paths, ${graph.stateCount} model states, ` +
        `${graph.edgeCount} model edges)`,
    );
    expect(report.missingStates, 'states never visited').toEqual([]);
    expect(report.missingTransitions, 'transitions never taken').toEqual([]);
  });
});
