/**
 * Test support for the payment flow (not a test file): the traversal model that generates paths
 * through {@link paymentFlow} with `xstate/graph`, the driver that replays a path on the real
 * machine (scripted actors, a {@link ManualClock}), and the coverage of state nodes and
 * transition definitions that the replays visit.
 *
 * Used by `paymentFlow.paths.test.ts` and by `scripts/flow-coverage.ts`.
 *
 * The model offers, in each state, only the events that matter there: representative keys
 * (accepted and refused), a card tap, the invoked actor's outcomes (`xstate.done.actor.<id>`
 * with representative outputs, `xstate.error.actor.<id>` with representative errors) and the
 * timer that would fire first (`xstate.after.<delay>.<state id>`). States are told apart by
 * what the guards and screens depend on (buffer lengths, never a secret's digits).
 */
import {
  createActor,
  fromPromise,
  type ActorLogic,
  type AnyMachineSnapshot,
  type AnyTransitionDefinition,
  type InspectionEvent,
  type SnapshotFrom,
  type StateValue,
} from 'xstate';
import { getAdjacencyMap, getStateNodes } from 'xstate/graph';
import type { ErrorCode } from '../../core/errorCodes.js';
import { ManualClock } from '../../core/ManualClock.js';
import type { Money } from '../../core/money.js';
import { isPosError, PosError } from '../../core/PosError.js';
import { Secret } from '../../core/Secret.js';
import type { Key } from '../../../drivers/keypad/Keypad.js';
import type { PresentedCard } from '../../../drivers/nfc/CardReader.js';
import type {
  Approval,
  Figures,
  FlowActorIo,
  FlowCard,
  FlowContext,
  FlowEvent,
  FlowInput,
  FlowSettings,
  OriginalSale,
  PendingPayment,
  RecoveryReport,
  Session,
} from './flowTypes.js';
import { secretLength } from './keyEditing.js';
import { paymentFlow, type PaymentFlow } from './paymentFlow.js';

export type FlowSnapshot = SnapshotFrom<PaymentFlow>;
type FlowScope = Parameters<PaymentFlow['transition']>[2];
export type ActorName = keyof FlowActorIo;
export type Tone = 'key' | 'error' | 'success';

// ─── Settings and fixtures ─────────────────────────────────────────────────────────────────

/**
 * Small settings for the model: an amount limit reachable in 5 digits and timings that all
 * differ, so a timer wired to the wrong delay shows.
 */
export const MODEL_SETTINGS: FlowSettings = {
  currency: 'CNY',
  maxAmount: 10_000,
  inactivityMs: 45_000,
  resultMs: 20_000,
  noticeMs: 7_000,
  signInRetryBaseMs: 2_000,
  signInRetryMaxMs: 16_000,
  resignInMs: 24 * 60 * 60 * 1000,
  pendingRetryMs: 90_000,
  supervisorMaxTries: 3,
};

/** Where the model's clocks start (the traversal's never moves). */
export const MODEL_START = Date.UTC(2026, 0, 1);
/** Lifetime of a one-time code as the scripted host gives it. */
export const CODE_TTL_MS = 300_000;

function cny(value: number): Money {
  return { value, currency: MODEL_SETTINGS.currency };
}

/** The data the scripted devices and host return. Times are on the traversal clock. */
export const FIXTURES = {
  session: {
    merchant: { id: 'M0001', name: 'Tea House' },
    terminalId: 'T0000001',
    batch: '000007',
    signedInAt: MODEL_START,
  } satisfies Session,
  presented: {
    uid: '04A1B2C3D4E5F6',
    atr: Uint8Array.from([0x3b, 0x80, 0x80, 0x01, 0x01]),
  } satisfies PresentedCard,
  account: {
    uid: '04A1B2C3D4E5F6',
    token: new Secret('tok_Q2FyZFRva2VuRm9yVGVzdHM'),
  } satisfies FlowCard,
  balance: cny(123_456),
  figures: {
    counts: { sale: 3, void: 1, refund: 1 },
    totals: { sale: cny(7_500), refund: cny(500) },
  } satisfies Figures,
  nextBatch: '000008',
  lockedUntil: '2026-01-02T00:00:00.000Z',
  saleJournalId: 41,
  balanceJournalId: 42,
  timedOutJournalId: 43,
  original: {
    journalId: 17,
    paymentId: 'P-17',
    trace: '000017',
    amount: cny(2_500),
    authCode: 'A17A17',
    reference: '000000000017',
  } satisfies OriginalSale,
  recoveredItems: [
    { type: 'sale', batch: '000006', trace: '000039', amount: cny(900), outcome: 'printed' },
    { type: 'sale', batch: '000006', trace: '000040', amount: cny(1_200), outcome: 'reversed' },
  ] satisfies RecoveryReport['items'],
  stuckItem: {
    type: 'sale',
    batch: '000006',
    trace: '000038',
    amount: cny(300),
    outcome: 'pending',
  } satisfies RecoveryReport['items'][number],
} as const;

// ─── Model events ──────────────────────────────────────────────────────────────────────────

export interface ActorDoneEvent {
  type: `xstate.done.actor.${ActorName}`;
  actorId: ActorName;
  output: unknown;
}
export interface ActorErrorEvent {
  type: `xstate.error.actor.${ActorName}`;
  actorId: ActorName;
  error: unknown;
}
export interface TimerEvent {
  type: `xstate.after.${string}`;
}
/** An event of a generated path: one from the cashier or the devices, an actor's outcome, a timer. */
export type ModelEvent = FlowEvent | ActorDoneEvent | ActorErrorEvent | TimerEvent;

const labels = new WeakMap<object, string>();

function labelled<E extends ModelEvent>(event: E, label: string): E {
  labels.set(event, label);
  return event;
}

/** A short, unique-per-state name of an event (also its serialization in the traversal). */
export function labelOf(event: ModelEvent): string {
  const known = labels.get(event);
  if (known !== undefined) return known;
  if (event.type === 'KEY') return `KEY ${event.key}`;
  return event.type;
}

function key(k: Key): FlowEvent {
  return labelled({ type: 'KEY', key: k }, `KEY ${k}`);
}

function keys(...list: Key[]): FlowEvent[] {
  return list.map(key);
}

function done<N extends ActorName>(
  actor: N,
  output: FlowActorIo[N]['output'],
  variant?: string,
): ActorDoneEvent {
  return labelled(
    { type: `xstate.done.actor.${actor}`, actorId: actor, output },
    `done ${actor}${variant === undefined ? '' : `:${variant}`}`,
  );
}

function failed(actor: ActorName, error: unknown): ActorErrorEvent {
  const name = isPosError(error) ? error.code : 'non-PosError';
  return labelled(
    { type: `xstate.error.actor.${actor}`, actorId: actor, error },
    `error ${actor} ${name}`,
  );
}

function failures(actor: ActorName, ...errors: unknown[]): ActorErrorEvent[] {
  return errors.map((error) => failed(actor, error));
}

/** A PosError as an actor would reject with it. */
export function posError(code: ErrorCode, details?: Record<string, unknown>): PosError {
  return new PosError(code, `${code} (scripted)`, details === undefined ? {} : { details });
}

const TAP: FlowEvent = labelled({ type: 'CARD_TAPPED', card: FIXTURES.presented }, 'CARD_TAPPED');
const SIGN_IN_NOW: FlowEvent = labelled({ type: 'SIGN_IN_NOW' }, 'SIGN_IN_NOW');
const SETTLE_NOW: FlowEvent = labelled({ type: 'SETTLE_NOW' }, 'SETTLE_NOW');

export function isActorDone(event: ModelEvent): event is ActorDoneEvent {
  return event.type.startsWith('xstate.done.actor.');
}
export function isActorError(event: ModelEvent): event is ActorErrorEvent {
  return event.type.startsWith('xstate.error.actor.');
}
export function isTimer(event: ModelEvent): event is TimerEvent {
  return event.type.startsWith('xstate.after.');
}

/** The delay name and state node id of a timer event (`xstate.after.<delay>.<id>`). */
export function timerOf(event: TimerEvent): { delay: string; stateId: string } {
  const rest = event.type.slice('xstate.after.'.length);
  const dot = rest.indexOf('.');
  return { delay: rest.slice(0, dot), stateId: rest.slice(dot + 1) };
}

// ─── The rules the model knows ─────────────────────────────────────────────────────────────

/**
 * How long each named delay of the flow is, from the settings' documentation: the cashier's
 * inactivity, a result, a notice, the pending-work retry, the sign-in backoff (doubling from
 * the base, capped), the daily re-sign-in (from the last sign-in) and the code's expiry.
 */
export function modelDelay(name: string, context: FlowContext, now: number): number {
  const s = context.settings;
  switch (name) {
    case 'inactivity':
      return s.inactivityMs;
    case 'result':
      return s.resultMs;
    case 'notice':
      return s.noticeMs;
    case 'pendingRetry':
      return s.pendingRetryMs;
    case 'signInRetry':
      return Math.min(
        s.signInRetryBaseMs * 2 ** Math.max(context.signInFailures - 1, 0),
        s.signInRetryMaxMs,
      );
    case 'resignIn':
      return Math.max(0, (context.session?.signedInAt ?? now) + s.resignInMs - now);
    case 'codeExpiry':
      return Math.max(0, (context.payment?.otp.expiresAt ?? now) - now);
    default:
      throw new Error(`flow model: no rule for the delay "${name}"`);
  }
}

/** The state value as a dotted path: `idle`, `code.entering`. */
export function valuePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [parent, child] = Object.entries(value)[0] ?? [];
  if (parent === undefined || child === undefined) throw new Error('flow model: empty state value');
  return `${parent}.${valuePath(child)}`;
}

function keyedMoney(context: FlowContext): Money {
  return cny(Number(context.amountDigits === '' ? '0' : context.amountDigits));
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`flow model: ${what} missing`);
  return value;
}

function activeTimer(snapshot: FlowSnapshot): ModelEvent[] {
  const c = snapshot.context;
  const now = c.clock.now();
  let first: { ms: number; type: string; delay: string } | undefined;
  for (const node of snapshot._nodes) {
    for (const definition of node.after) {
      const delay = String(definition.delay);
      // A guarded timer whose guard cannot pass changes nothing: not worth a path.
      if (delay === 'pendingRetry' && c.pendingLeft === 0) continue;
      const ms = modelDelay(delay, c, now);
      if (first === undefined || ms < first.ms) first = { ms, type: definition.eventType, delay };
    }
  }
  return first === undefined
    ? []
    : [labelled({ type: first.type as TimerEvent['type'] }, `after ${first.delay}`)];
}

function otpFor(payment: PendingPayment | undefined) {
  return {
    sentTo: '138****8000',
    expiresAt: MODEL_START + CODE_TTL_MS,
    attemptsLeft: payment?.otp.attemptsLeft ?? 3,
    resendsLeft: payment === undefined ? 2 : payment.otp.resendsLeft - 1,
  };
}

function saleApproval(payment: PendingPayment): Approval {
  return {
    journalId: payment.journalId,
    type: 'sale',
    amount: payment.amount,
    trace: payment.trace,
    authCode: 'AC0041',
    reference: '000000000041',
  };
}

/** The events worth trying in `snapshot`'s state (see the module's description). */
export function eventsFor(snapshot: FlowSnapshot): ModelEvent[] {
  const c = snapshot.context;
  const value = valuePath(snapshot.value);
  const events = ((): ModelEvent[] => {
    switch (value) {
      case 'signingIn':
        return [
          done('signIn', FIXTURES.session),
          ...failures('signIn', posError('HOST_UNREACHABLE'), posError('TERMINAL_DISABLED')),
        ];
      case 'signInWait':
        return keys('OK', 'CANCEL');
      case 'recovering':
        return [
          done('recover', { items: [], pendingLeft: 0 }, 'nothing'),
          done('recover', { items: [...FIXTURES.recoveredItems], pendingLeft: 0 }, 'report'),
          done('recover', { items: [FIXTURES.stuckItem], pendingLeft: 1 }, 'stuck'),
          done('recover', { items: [], pendingLeft: 2 }, 'queued'),
          failed('recover', posError('JOURNAL_CORRUPT')),
        ];
      case 'recoveryReport':
        return keys('OK', 'CANCEL', '1');
      case 'idle':
        return [TAP, ...keys('OK', 'F1', 'CANCEL'), SIGN_IN_NOW, SETTLE_NOW];
      case 'readingCard':
        return [
          done('readCard', FIXTURES.account),
          ...failures('readCard', posError('CARD_REMOVED'), posError('CARD_NOT_SUPPORTED')),
        ];
      case 'cardError':
        return [TAP, ...keys('OK', 'CANCEL', '5')];
      case 'menu':
        return keys('1', '2', '3', '4', '5', '6', 'CANCEL', 'OK', '9');
      case 'awaitingCard':
        return [TAP, ...keys('CANCEL', 'OK')];
      case 'amount':
      case 'refundAmount':
        return keys('0', '1', '5', 'BACKSPACE', 'CLEAR', 'OK', 'CANCEL', 'F1');
      case 'pin':
        return keys('0', '7', 'BACKSPACE', 'CLEAR', 'OK', 'CANCEL', 'F1');
      case 'authorizing':
        return [
          c.selected === 'sale'
            ? done(
                'authorize',
                {
                  kind: 'otp_sent',
                  payment: {
                    journalId: FIXTURES.saleJournalId,
                    paymentId: 'P-41',
                    batch: FIXTURES.session.batch,
                    trace: '000041',
                    amount: keyedMoney(c),
                    otp: otpFor(undefined),
                  },
                },
                'otp_sent',
              )
            : done(
                'authorize',
                {
                  kind: 'balance',
                  journalId: FIXTURES.balanceJournalId,
                  balance: FIXTURES.balance,
                },
                'balance',
              ),
          ...failures(
            'authorize',
            posError('PIN_INCORRECT', { attemptsLeft: 2 }),
            posError('ACCOUNT_LOCKED', { lockedUntil: FIXTURES.lockedUntil }),
            posError('HOST_TIMEOUT', { journalId: FIXTURES.timedOutJournalId }),
            posError('HOST_UNREACHABLE'),
            posError('CARD_UNKNOWN'),
            posError('TERMINAL_DISABLED'),
            posError('BATCH_CLOSED'),
            new Error('a bug in an actor'),
          ),
          ...(c.selected === 'sale' ? failures('authorize', posError('INSUFFICIENT_FUNDS')) : []),
        ];
      case 'code.entering':
        return keys('0', '6', 'BACKSPACE', 'CLEAR', 'OK', 'CANCEL', 'F1', 'F2');
      case 'code.confirming': {
        const payment = required(c.payment, 'payment');
        return [
          done('confirm', saleApproval(payment)),
          ...failures(
            'confirm',
            posError('OTP_INCORRECT', { attemptsLeft: payment.otp.attemptsLeft - 1 }),
            posError('ACCOUNT_LOCKED', { lockedUntil: FIXTURES.lockedUntil }),
            posError('HOST_UNREACHABLE'),
            posError('HOST_TIMEOUT', { journalId: payment.journalId }),
            posError('OTP_EXPIRED'),
            posError('SIGNATURE_INVALID'),
          ),
        ];
      }
      case 'code.resending':
        return [
          done('resendOtp', otpFor(required(c.payment, 'payment'))),
          ...failures(
            'resendOtp',
            posError('ACCOUNT_LOCKED', { lockedUntil: FIXTURES.lockedUntil }),
            posError('RESEND_LIMIT'),
            posError('RESEND_TOO_SOON', { retryAfter: 30 }),
          ),
        ];
      case 'cancelling':
        return [
          done('cancelPayment', { acknowledged: true }, 'acknowledged'),
          done('cancelPayment', { acknowledged: false }, 'queued'),
          failed('cancelPayment', posError('JOURNAL_CORRUPT')),
        ];
      case 'resolving': {
        const journalId = required(c.resolving, 'journal id');
        return [
          ...(c.selected === 'sale'
            ? [
                done(
                  'resolveOutcome',
                  {
                    outcome: 'approved',
                    approval: {
                      journalId,
                      type: 'sale',
                      amount: c.payment?.amount ?? keyedMoney(c),
                      trace: c.payment?.trace ?? '000043',
                      authCode: 'AC0043',
                      reference: '000000000043',
                    },
                  },
                  'approved',
                ),
                done('resolveOutcome', { outcome: 'reversed', code: 'HOST_TIMEOUT' }, 'reversed'),
              ]
            : []),
          done('resolveOutcome', { outcome: 'declined', code: 'INSUFFICIENT_FUNDS' }, 'declined'),
          done('resolveOutcome', { outcome: 'pending', code: 'HOST_UNREACHABLE' }, 'pending'),
          failed('resolveOutcome', posError('HOST_UNREACHABLE')),
        ];
      }
      case 'approved.printing':
        return [
          done('printSlip', undefined),
          ...failures('printSlip', posError('PRINTER_PAPER_OUT'), posError('PRINTER_COVER_OPEN')),
        ];
      case 'approved.printFailed':
        return [...keys('OK', 'CANCEL', '1'), done('waitForPaper', undefined)];
      case 'approved.done':
      case 'balanceResult':
      case 'declined':
      case 'locked':
      case 'cancelled':
      case 'notice':
      case 'settlementResult':
        return keys('OK', 'CANCEL', '1');
      case 'supervisor':
        return keys('0', '8', 'BACKSPACE', 'CLEAR', 'OK', 'CANCEL', 'F1');
      case 'checkingSupervisor':
        return [
          done('verifySupervisor', true, 'right'),
          done('verifySupervisor', false, 'wrong'),
          failed('verifySupervisor', posError('INTERNAL')),
        ];
      case 'voidTrace':
        return keys('0', '3', 'BACKSPACE', 'CLEAR', 'OK', 'CANCEL', 'F1');
      case 'findingOriginal':
        return [
          done('findOriginal', FIXTURES.original),
          failed('findOriginal', posError('TRANSACTION_NOT_FOUND')),
        ];
      case 'voidConfirm':
      case 'settleConfirm':
        return keys('OK', 'CANCEL', '1');
      case 'voiding': {
        const original = required(c.original, 'original');
        return [
          done('voidSale', {
            journalId: 50,
            type: 'void',
            amount: original.amount,
            trace: '000050',
            authCode: original.authCode,
            reference: original.reference,
          }),
          ...failures(
            'voidSale',
            posError('PAYMENT_STATE'),
            posError('HOST_UNREACHABLE'),
            posError('HOST_TIMEOUT', { journalId: 50 }),
          ),
        ];
      }
      case 'refundReference':
        return keys('4', 'BACKSPACE', 'CLEAR', 'OK', 'CANCEL', 'F1');
      case 'refunding':
        return [
          done('refund', {
            journalId: 51,
            type: 'refund',
            amount: keyedMoney(c),
            trace: '000051',
            reference: c.referenceDigits,
          }),
          ...failures(
            'refund',
            posError('PAYMENT_STATE'),
            posError('BATCH_CLOSED'),
            posError('HOST_TIMEOUT', { journalId: 51 }),
          ),
        ];
      case 'settlePreview':
        return [
          done('previewSettlement', FIXTURES.figures),
          failed('previewSettlement', posError('JOURNAL_CORRUPT')),
        ];
      case 'settling':
        return [
          done('settle', {
            batch: c.session?.batch ?? FIXTURES.session.batch,
            result: 'balanced',
            terminal: FIXTURES.figures,
            host: FIXTURES.figures,
            nextBatch: FIXTURES.nextBatch,
          }),
          ...failures('settle', posError('HOST_UNREACHABLE'), posError('BATCH_CLOSED')),
        ];
      case 'reprinting':
        return [
          done('reprint', undefined),
          ...failures('reprint', posError('NOTHING_TO_REPRINT'), posError('PRINTER_PAPER_OUT')),
        ];
      default:
        throw new Error(`flow model: no events for the state "${value}"`);
    }
  })();
  return [...events, ...activeTimer(snapshot)];
}

/**
 * What distinguishes two snapshots for the traversal: the state and, per state, the facts its
 * guards and screen depend on. Secrets appear only as lengths.
 */
export function serializeFlowState(snapshot: FlowSnapshot): string {
  const c = snapshot.context;
  const value = valuePath(snapshot.value);
  const facts: Record<string, unknown> = {};
  const amount = () =>
    `${c.amountDigits.length}${Number(c.amountDigits || '0') > c.settings.maxAmount ? '+' : ''}`;
  switch (value) {
    case 'signingIn':
    case 'signInWait':
      facts.failures = Math.min(c.signInFailures, 5);
      facts.session = c.session !== undefined;
      break;
    case 'recovering':
    case 'recoveryReport':
    case 'idle':
      facts.pending = c.pendingLeft > 0;
      break;
    case 'readingCard':
    case 'cardError':
    case 'awaitingCard':
      facts.selected = c.selected;
      facts.card = c.card !== undefined;
      facts.outcome = value === 'cardError' ? c.outcome?.code : undefined;
      break;
    case 'menu':
      facts.card = c.card !== undefined;
      break;
    case 'amount':
    case 'refundAmount':
      facts.amount = amount();
      facts.notice = c.notice?.code;
      break;
    case 'pin':
      facts.selected = c.selected;
      facts.pin = secretLength(c.pin);
      facts.notice = c.notice?.code;
      break;
    case 'authorizing':
    case 'resolving':
      facts.selected = c.selected;
      break;
    case 'code.entering':
    case 'code.confirming':
    case 'code.resending':
      facts.code = secretLength(c.code);
      facts.resends = (c.payment?.otp.resendsLeft ?? 0) > 0;
      facts.notice = c.notice?.code;
      break;
    case 'approved.printing':
    case 'approved.printFailed':
    case 'approved.done':
      facts.type = c.approval?.type;
      facts.printError = c.printError;
      break;
    case 'cancelling':
    case 'declined':
    case 'locked':
    case 'cancelled':
    case 'notice':
      facts.outcome = c.outcome?.code;
      break;
    case 'supervisor':
    case 'checkingSupervisor':
      facts.selected = c.selected;
      facts.password = secretLength(c.password);
      facts.failures = c.supervisorFailures;
      facts.notice = c.notice?.code;
      break;
    case 'voidTrace':
      facts.trace = `${c.traceDigits.length}${Number(c.traceDigits) === 0 ? 'z' : ''}`;
      facts.notice = c.notice?.code;
      break;
    case 'refundReference':
      facts.reference = c.referenceDigits.length;
      facts.notice = c.notice?.code;
      break;
    default:
      break;
  }
  return `${value} ${JSON.stringify(facts)}`;
}

// ─── Transition definitions and coverage ───────────────────────────────────────────────────

function shortId(id: string): string {
  return id.startsWith('flow.') ? id.slice('flow.'.length) : id;
}

function eventName(eventType: string): string {
  if (eventType === '') return 'always';
  if (eventType.startsWith('xstate.after.')) {
    return `after ${timerOf({ type: eventType as TimerEvent['type'] }).delay}`;
  }
  if (eventType.startsWith('xstate.done.actor.')) {
    return `done ${eventType.slice('xstate.done.actor.'.length)}`;
  }
  if (eventType.startsWith('xstate.error.actor.')) {
    return `error ${eventType.slice('xstate.error.actor.'.length)}`;
  }
  return eventType;
}

/**
 * A transition definition's stable name: source, event, its place among the alternatives for
 * that event (guarded alternatives count separately), targets. The same for a machine and its
 * `.provide()` copies.
 */
export function transitionLabel(t: AnyTransitionDefinition): string {
  const eventType = String(t.eventType);
  const list = eventType === '' ? t.source.always : t.source.transitions.get(eventType);
  const index = (list ?? []).indexOf(t) + 1;
  const targets = t.target?.map((n) => shortId(n.id)).join(',') ?? '(stays)';
  return `${shortId(t.source.id)} · ${eventName(eventType)} #${index} → ${targets}`;
}

function allTransitions(machine: PaymentFlow): string[] {
  const labelsFound: string[] = [];
  for (const node of [machine.root, ...getStateNodes(machine.root)]) {
    for (const list of node.transitions.values()) labelsFound.push(...list.map(transitionLabel));
    labelsFound.push(...(node.always ?? []).map(transitionLabel));
  }
  return labelsFound;
}

function nodeIdsOf(snapshot: AnyMachineSnapshot): string[] {
  return snapshot._nodes.filter((n) => n.parent !== undefined).map((n) => shortId(n.id));
}

export interface CoverageReport {
  statesVisited: number;
  statesTotal: number;
  transitionsVisited: number;
  transitionsTotal: number;
  missingStates: string[];
  missingTransitions: string[];
  /** `flow coverage: 40/40 states, 230/230 transitions` */
  summary: string;
}

/** The state nodes and transition definitions of the flow, and which of them replays visited. */
export class FlowCoverage {
  readonly allStates: readonly string[];
  readonly allTransitions: readonly string[];
  readonly states = new Set<string>();
  readonly transitions = new Set<string>();

  constructor(machine: PaymentFlow = paymentFlow) {
    this.allStates = getStateNodes(machine.root).map((n) => shortId(n.id));
    this.allTransitions = allTransitions(machine);
    if (new Set(this.allTransitions).size !== this.allTransitions.length) {
      throw new Error('flow model: two transitions have the same label');
    }
  }

  report(): CoverageReport {
    const missingStates = this.allStates.filter((s) => !this.states.has(s));
    const missingTransitions = this.allTransitions.filter((t) => !this.transitions.has(t));
    const statesVisited = this.allStates.length - missingStates.length;
    const transitionsVisited = this.allTransitions.length - missingTransitions.length;
    return {
      statesVisited,
      statesTotal: this.allStates.length,
      transitionsVisited,
      transitionsTotal: this.allTransitions.length,
      missingStates,
      missingTransitions,
      summary:
        `flow coverage: ${statesVisited}/${this.allStates.length} states, ` +
        `${transitionsVisited}/${this.allTransitions.length} transitions`,
    };
  }
}

// ─── Traversal and generated paths ─────────────────────────────────────────────────────────

export interface ModelStep {
  event: ModelEvent;
  label: string;
  /** The state value expected after the event, as a dotted path. */
  value: string;
  /** The transitions the event takes (labels, see {@link transitionLabel}). */
  transitions: string[];
}

export interface ModelPath {
  /** A readable name: the edge the path was made for (it then goes back to idle). */
  name: string;
  /** The states the path starts in (before any step): the machine's initial state. */
  initial: string;
  steps: ModelStep[];
}

export interface FlowGraph {
  paths: ModelPath[];
  /** Distinct serialized states the traversal reached. */
  stateCount: number;
  /** Events tried from those states. */
  edgeCount: number;
  /** Transition definitions some edge of the traversal takes. */
  reachableTransitions: Set<string>;
}

interface Taken {
  transitions: string[];
}

/** Longest way home a path may take after its goal. */
const MAX_TAIL = 8;

/** Which events lead home first: cancel, an actor's first (successful) outcome, OK, a timer. */
function homeRank(event: ModelEvent): number {
  if (event.type === 'KEY') {
    const k = event.key;
    return k === 'CANCEL' ? 0 : k === 'OK' ? 2 : Infinity;
  }
  if (isActorDone(event)) return 1;
  if (isTimer(event)) return 3;
  return Infinity;
}

/** The model's input for the flow, with a fresh clock at {@link MODEL_START}. */
export function modelInput(clock: ManualClock = new ManualClock(MODEL_START)): FlowInput {
  return { clock, settings: MODEL_SETTINGS };
}

/**
 * Explores the flow from its initial state with the model's events and returns paths that
 * together take every edge kind the traversal found: for each (state, event, transitions
 * taken, target) the shortest path to it, then the way back to idle, so what an edge leaves
 * behind (pending work, a new batch…) is seen on the idle screen. Paths that are a prefix of
 * another are dropped.
 */
export function exploreFlow(): FlowGraph {
  const input = modelInput();
  let taken: Taken = { transitions: [] };
  const probe = createActor(paymentFlow, {
    input,
    inspect: (event: InspectionEvent) => {
      if (event.type === '@xstate.microstep') {
        taken.transitions.push(...event._transitions.map(transitionLabel));
      }
    },
  });
  const noop = () => undefined;
  const scope = {
    self: probe,
    system: probe.system,
    id: '',
    sessionId: '',
    logger: noop,
    defer: noop,
    stopChild: noop,
    emit: noop,
    actionExecutor: noop,
  } as unknown as FlowScope;

  const initial = paymentFlow.getInitialSnapshot(scope, input);
  /** One pure transition of the flow, with the transitions it took. */
  const probeStep = (snapshot: FlowSnapshot, event: ModelEvent): [FlowSnapshot, ModelStep] => {
    taken = { transitions: [] };
    let next: FlowSnapshot;
    try {
      next = paymentFlow.transition(snapshot, event as FlowEvent, scope);
    } catch (error) {
      throw new Error(
        `flow model: ${labelOf(event)} in ${serializeFlowState(snapshot)} threw: ${describeError(error)}`,
        { cause: error },
      );
    }
    if (next.status !== 'active') {
      throw new Error(
        `flow model: ${labelOf(event)} in ${serializeFlowState(snapshot)} left the flow ${next.status}`,
      );
    }
    const step: ModelStep = {
      event,
      label: labelOf(event),
      value: valuePath(next.value),
      transitions: taken.transitions,
    };
    return [next, step];
  };

  // Where each snapshot the traversal reached came from, and each edge it tried.
  const parents = new WeakMap<FlowSnapshot, { from: FlowSnapshot; step: ModelStep }>();
  const edges = new Map<string, ModelStep>();
  const logic: ActorLogic<FlowSnapshot, FlowEvent, FlowInput> = {
    transition: (snapshot, event) => {
      const [next, step] = probeStep(snapshot, event);
      if (next !== snapshot && next !== initial && !parents.has(next)) {
        parents.set(next, { from: snapshot, step });
      }
      edges.set(`${serializeFlowState(snapshot)}\n${step.label}`, step);
      return next;
    },
    getInitialSnapshot: () => initial,
    getPersistedSnapshot: (snapshot) => snapshot,
  };

  // xstate/graph keys the map by branded strings, which type-check as `any` here.
  const adjacency = getAdjacencyMap(logic, {
    fromState: initial,
    events: (snapshot) => eventsFor(snapshot) as FlowEvent[],
    serializeState: (snapshot) => serializeFlowState(snapshot),
    serializeEvent: (event) => labelOf(event),
  }) as unknown as Record<
    string,
    { state: FlowSnapshot; transitions: Record<string, { event: FlowEvent; state: FlowSnapshot }> }
  >;

  const stepsTo = (snapshot: FlowSnapshot): ModelStep[] => {
    const steps: ModelStep[] = [];
    let at = snapshot;
    for (let parent = parents.get(at); parent; parent = parents.get(at)) {
      steps.push(parent.step);
      at = parent.from;
    }
    if (at !== initial) throw new Error('flow model: a path does not lead back to the start');
    return steps.reverse();
  };
  /** The way back to idle from `snapshot`: cancel, let actors succeed, confirm, wait. */
  const homeward = (snapshot: FlowSnapshot): ModelStep[] => {
    const steps: ModelStep[] = [];
    let at = snapshot;
    while (valuePath(at.value) !== 'idle') {
      if (steps.length >= MAX_TAIL)
        throw new Error(`flow model: no way home from ${valuePath(at.value)}`);
      const from = valuePath(at.value);
      const moves = eventsFor(at)
        .map((event) => ({ event, rank: homeRank(event) }))
        .filter(({ rank }) => rank < Infinity)
        .sort((a, b) => a.rank - b.rank)
        .map(({ event }) => probeStep(at, event))
        .filter(([next]) => valuePath(next.value) !== from);
      const move = moves[0];
      if (move === undefined) throw new Error(`flow model: stuck in ${from}`);
      [at] = move;
      steps.push(move[1]);
    }
    return steps;
  };

  const best = new Map<string, { steps: ModelStep[]; goal: number }>();
  const reachableTransitions = new Set<string>();
  let edgeCount = 0;
  for (const [serial, { state, transitions }] of Object.entries(adjacency)) {
    for (const [label, { state: next }] of Object.entries(transitions)) {
      edgeCount += 1;
      const goal = edges.get(`${serial}\n${label}`);
      if (goal === undefined) throw new Error(`flow model: lost the edge ${serial} ${label}`);
      for (const t of goal.transitions) reachableTransitions.add(t);
      const kind = [valuePath(state.value), label, goal.transitions.join(' ; '), goal.value];
      const known = best.get(kind.join(' | '));
      const prefix = stepsTo(state);
      if (known === undefined || prefix.length < known.goal) {
        const steps = [...prefix, goal, ...homeward(next)];
        best.set(kind.join(' | '), { steps, goal: prefix.length });
      }
    }
  }

  const candidates = [...best.values()].sort((a, b) => b.steps.length - a.steps.length);
  const kept: { steps: ModelStep[]; goal: number; signature: string }[] = [];
  for (const candidate of candidates) {
    const signature = candidate.steps.map((s) => `${s.label}\n`).join('');
    if (kept.some((k) => k.signature.startsWith(signature))) continue;
    kept.push({ ...candidate, signature });
  }
  kept.sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  const initialValue = valuePath(initial.value);
  const paths = kept.map(({ steps, goal }, index): ModelPath => {
    const from = steps[goal - 1]?.value ?? initialValue;
    const target = steps[goal];
    return {
      name: `#${index + 1} ${from} —${target?.label ?? ''}→ ${target?.value ?? initialValue}`,
      initial: initialValue,
      steps,
    };
  });
  return {
    paths,
    stateCount: Object.keys(adjacency).length,
    edgeCount,
    reachableTransitions,
  };
}

// ─── The flow on a manual clock ────────────────────────────────────────────────────────────

/** An actor the machine started, with the input it was given. */
export interface Invocation {
  actor: ActorName;
  input: unknown;
}

/** What happened since the last {@link FlowHarness.takeRecord}. */
export interface HarnessRecord {
  beeps: Tone[];
  invoked: Invocation[];
  /** Transitions taken (labels, see {@link transitionLabel}). */
  transitions: string[];
}

interface Deferred {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Lets every promise reaction run (actors settle, the flow takes their outcome). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface FlowHarnessOptions {
  /** Overrides of {@link MODEL_SETTINGS}. */
  settings?: Partial<FlowSettings>;
  /** Where to count the states and transitions visited. */
  coverage?: FlowCoverage | undefined;
  /** Sees every inspection event of the flow. */
  inspect?: (event: InspectionEvent) => void;
}

/**
 * The real flow on a {@link ManualClock} starting at {@link MODEL_START}, with every actor
 * scripted: an actor records its input and waits until the test finishes or fails it. Beeps
 * are recorded. Timers fire only when the clock is advanced.
 */
export class FlowHarness {
  readonly clock = new ManualClock(MODEL_START);
  readonly actor;
  /** Every actor started so far, in order. */
  readonly invocations: Invocation[] = [];
  readonly #pending = new Map<ActorName, Deferred>();
  readonly #coverage: FlowCoverage | undefined;
  #record: HarnessRecord = { beeps: [], invoked: [], transitions: [] };
  #failure: unknown;

  constructor(options: FlowHarnessOptions = {}) {
    this.#coverage = options.coverage;
    const machine = paymentFlow.provide({
      actors: {
        signIn: this.#scripted('signIn'),
        recover: this.#scripted('recover'),
        readCard: this.#scripted('readCard'),
        authorize: this.#scripted('authorize'),
        confirm: this.#scripted('confirm'),
        resendOtp: this.#scripted('resendOtp'),
        cancelPayment: this.#scripted('cancelPayment'),
        resolveOutcome: this.#scripted('resolveOutcome'),
        printSlip: this.#scripted('printSlip'),
        verifySupervisor: this.#scripted('verifySupervisor'),
        findOriginal: this.#scripted('findOriginal'),
        voidSale: this.#scripted('voidSale'),
        refund: this.#scripted('refund'),
        previewSettlement: this.#scripted('previewSettlement'),
        settle: this.#scripted('settle'),
        reprint: this.#scripted('reprint'),
        waitForPaper: this.#scripted('waitForPaper'),
      },
      actions: {
        beep: (_args, params) => {
          this.#record.beeps.push(params.tone);
        },
      },
    });
    this.actor = createActor(machine, {
      input: { clock: this.clock, settings: { ...MODEL_SETTINGS, ...options.settings } },
      clock: this.clock,
      inspect: (event: InspectionEvent) => {
        options.inspect?.(event);
        if (event.type !== '@xstate.microstep') return;
        const taken = event._transitions.map(transitionLabel);
        this.#record.transitions.push(...taken);
        for (const t of taken) this.#coverage?.transitions.add(t);
        for (const id of nodeIdsOf(event.snapshot as AnyMachineSnapshot)) {
          this.#coverage?.states.add(id);
        }
      },
    });
    this.actor.subscribe({
      error: (error: unknown) => {
        this.#failure = error;
      },
    });
  }

  #scripted<N extends ActorName>(name: N) {
    return fromPromise<FlowActorIo[N]['output'], FlowActorIo[N]['input']>(({ input }) => {
      const invocation = { actor: name, input };
      this.invocations.push(invocation);
      this.#record.invoked.push(invocation);
      return new Promise<FlowActorIo[N]['output']>((resolve, reject) => {
        this.#pending.set(name, {
          resolve: (value) => {
            resolve(value as FlowActorIo[N]['output']);
          },
          reject,
        });
      });
    });
  }

  async start(): Promise<void> {
    this.actor.start();
    await this.settled();
  }

  stop(): void {
    this.actor.stop();
  }

  get snapshot(): FlowSnapshot {
    return this.actor.getSnapshot();
  }

  /** The state as a dotted path (`code.entering`). */
  get state(): string {
    return valuePath(this.snapshot.value);
  }

  /** Whether the flow is running the actor `name` now. */
  isRunning(name: ActorName): boolean {
    return this.#pending.has(name) && name in this.snapshot.children;
  }

  /** The input of the last `name` started. */
  inputOf<N extends ActorName>(name: N): FlowActorIo[N]['input'] {
    const last = this.invocations.findLast((i) => i.actor === name);
    if (last === undefined) throw new Error(`${name} was never started`);
    return last.input as FlowActorIo[N]['input'];
  }

  /** Settles the running actor `name` without waiting (see {@link finish}, {@link fail}). */
  settleNow(name: ActorName, outcome: { output: unknown } | { error: unknown }): void {
    const deferred = this.#pending.get(name);
    if (deferred === undefined || !this.isRunning(name)) {
      throw new PathReplayError(`the flow is not running ${name} (it is in ${this.state})`);
    }
    this.#pending.delete(name);
    if ('output' in outcome) deferred.resolve(outcome.output);
    else deferred.reject(outcome.error);
  }

  async finish<N extends ActorName>(name: N, output: FlowActorIo[N]['output']): Promise<void> {
    this.settleNow(name, { output });
    await this.settled();
  }

  async fail(name: ActorName, error: unknown): Promise<void> {
    this.settleNow(name, { error });
    await this.settled();
  }

  async send(event: FlowEvent): Promise<void> {
    this.actor.send(event);
    await this.settled();
  }

  async press(...pressed: Key[]): Promise<void> {
    for (const k of pressed) await this.send({ type: 'KEY', key: k });
  }

  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.settled();
  }

  /** What happened since the last call: beeps, actors started, transitions taken. */
  takeRecord(): HarnessRecord {
    const record = this.#record;
    this.#record = { beeps: [], invoked: [], transitions: [] };
    for (const id of nodeIdsOf(this.snapshot)) this.#coverage?.states.add(id);
    return record;
  }

  /** Transitions taken since the last {@link takeRecord}. */
  get transitionsSoFar(): number {
    return this.#record.transitions.length;
  }

  /** Lets actors settle and throws if the flow itself failed. */
  async settled(): Promise<void> {
    await flush();
    for (const name of [...this.#pending.keys()]) {
      if (!(name in this.snapshot.children)) this.#pending.delete(name);
    }
    if (this.#failure !== undefined) {
      throw new PathReplayError(`the flow failed: ${describeError(this.#failure)}`, {
        cause: this.#failure,
      });
    }
  }
}

// ─── Replaying a generated path ────────────────────────────────────────────────────────────

/** What happened during one replayed step (index -1: starting the flow). */
export interface StepRecord extends HarnessRecord {
  index: number;
  step: ModelStep | undefined;
  /** The snapshot after the step. */
  snapshot: FlowSnapshot;
  /** The actor outcome delivered (done: its output with times moved to the replay clock). */
  delivered?: { output: unknown } | { error: unknown };
  /** For a timer step: how far the clock was moved. */
  advancedMs?: number;
  /** The replay clock after the step. */
  now: number;
}

export interface ReplayOptions {
  coverage?: FlowCoverage;
  /** How long to move the clock for a timer step; default {@link modelDelay} of the snapshot. */
  delayFor?: (step: ModelStep, before: FlowSnapshot, now: number) => number;
  /** Called after the start and after each step (assertions go here). */
  onStep?: (record: StepRecord) => void;
}

/** A replay diverged from its path. */
export class PathReplayError extends Error {
  override readonly name = 'PathReplayError';
}

/**
 * Moves absolute times in a scripted output (on the traversal's clock, which starts at
 * {@link MODEL_START} and never moves) to the replay clock, so a code expires
 * {@link CODE_TTL_MS} after it was sent and a session is signed in when the reply arrives.
 */
function materialize(event: ActorDoneEvent, offset: number): unknown {
  if (event.actorId === 'signIn') {
    const session = event.output as Session;
    return { ...session, signedInAt: session.signedInAt + offset };
  }
  if (event.actorId === 'resendOtp') {
    const otp = event.output as FlowActorIo['resendOtp']['output'];
    return { ...otp, expiresAt: otp.expiresAt + offset };
  }
  const output = event.output as FlowActorIo['authorize']['output'];
  if (event.actorId !== 'authorize' || output.kind !== 'otp_sent') return event.output;
  const { payment } = output;
  return {
    ...output,
    payment: { ...payment, otp: { ...payment.otp, expiresAt: payment.otp.expiresAt + offset } },
  };
}

function describeAt(path: ModelPath, index: number): string {
  const trail = path.steps
    .slice(0, index + 1)
    .map((s, i) => `${i === index ? '▶ ' : '  '}${s.label} → ${s.value}`)
    .join('\n');
  return `path ${path.name}, step ${index + 1}:\n${trail}`;
}

/** Performs one step of a path on the harness; returns what the step record adds. */
async function perform(
  harness: FlowHarness,
  path: ModelPath,
  index: number,
  step: ModelStep,
  options: ReplayOptions,
): Promise<Partial<StepRecord>> {
  const { event } = step;
  if (isActorDone(event)) {
    const output = materialize(event, harness.clock.now() - MODEL_START);
    harness.settleNow(event.actorId, { output });
    await harness.settled();
    return { delivered: { output } };
  }
  if (isActorError(event)) {
    harness.settleNow(event.actorId, { error: event.error });
    await harness.settled();
    return { delivered: { error: event.error } };
  }
  if (isTimer(event)) {
    const before = harness.snapshot;
    const now = harness.clock.now();
    const ms =
      options.delayFor?.(step, before, now) ??
      modelDelay(timerOf(event).delay, before.context, now);
    if (ms > 0) {
      await harness.advance(ms - 1);
      if (harness.state !== valuePath(before.value) || harness.transitionsSoFar > 0) {
        throw new PathReplayError(
          `${describeAt(path, index)}\nthe timer fired before ${ms} ms (now in ${harness.state})`,
        );
      }
    }
    await harness.advance(ms > 0 ? 1 : 0);
    return { advancedMs: ms };
  }
  await harness.send(event);
  return {};
}

/**
 * Replays `path` on the real machine ({@link FlowHarness}): key, card and sign-in events are
 * sent, an actor outcome settles the actor the machine started, a timer moves the manual clock
 * by exactly its delay (checking first that nothing happens 1 ms earlier). After each step the
 * state and the transitions taken must be the path's; {@link ReplayOptions.onStep} sees what
 * was shown (the snapshot) and sent (actor inputs, beeps). Throws {@link PathReplayError} when
 * the machine diverges.
 */
export async function replayPath(path: ModelPath, options: ReplayOptions = {}): Promise<void> {
  const harness = new FlowHarness({ coverage: options.coverage });
  try {
    await harness.start();
    const record = (index: number, step: ModelStep | undefined, extra: Partial<StepRecord>) => ({
      index,
      step,
      snapshot: harness.snapshot,
      now: harness.clock.now(),
      ...harness.takeRecord(),
      ...extra,
    });
    const first = record(-1, undefined, {});
    if (harness.state !== path.initial) {
      throw new PathReplayError(`starts in ${harness.state}, not ${path.initial}`);
    }
    options.onStep?.(first);
    for (const [index, step] of path.steps.entries()) {
      const extra = await perform(harness, path, index, step, options);
      const after = record(index, step, extra);
      if (harness.state !== step.value) {
        throw new PathReplayError(
          `${describeAt(path, index)}\nexpected the state ${step.value}, the flow is in ${harness.state}`,
        );
      }
      if (after.transitions.join('\n') !== step.transitions.join('\n')) {
        throw new PathReplayError(
          `${describeAt(path, index)}\ntook ${after.transitions.join('; ')}, ` +
            `the traversal took ${step.transitions.join('; ')}`,
        );
      }
      options.onStep?.(after);
    }
  } finally {
    harness.stop();
  }
}
