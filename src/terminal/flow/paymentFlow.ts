import { assign, fromPromise, setup } from 'xstate';
import { ERROR_CODE_GROUPS, isErrorCode } from '../../core/errorCodes.js';
import { isOutcomeUnknown, isPosError } from '../../core/PosError.js';
import { parseKeypadDigits, type Money } from '../../core/money.js';
import type { Key } from '../../../drivers/keypad/Keypad.js';
import {
  DEFAULT_FLOW_SETTINGS,
  type FlowActorIo,
  type FlowContext,
  type FlowEvent,
  type FlowInput,
  type Notice,
} from './flowTypes.js';
import {
  editAmount,
  editDigits,
  editSecret,
  emptySecret,
  maxAmountDigits,
  MAX_PASSWORD_DIGITS,
  REFERENCE_DIGITS,
  SECRET_CODE_DIGITS,
  secretLength,
  TRACE_DIGITS,
} from './keyEditing.js';
import { codeOf, flowNotice, noticeOf } from './noticeOf.js';

type ActorName = keyof FlowActorIo;

function notWired<N extends ActorName>(name: N) {
  return fromPromise<FlowActorIo[N]['output'], FlowActorIo[N]['input']>(() =>
    Promise.reject(new Error(`flow actor ${name} is not wired`)),
  );
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`flow invariant: ${what} missing`);
  return value;
}

interface Args {
  context: FlowContext;
  event: FlowEvent;
}

function keyOf(event: FlowEvent): Key | undefined {
  return event.type === 'KEY' ? event.key : undefined;
}

/** A guard: the event is one of these keys. */
function pressed(...keys: Key[]) {
  return ({ event }: Args) => {
    const key = keyOf(event);
    return key !== undefined && keys.includes(key);
  };
}

function errorCodeIs(...codes: string[]) {
  return ({ event }: { event: unknown }) =>
    codes.includes(codeOf((event as { error: unknown }).error));
}

/** The amount keyed, or the reason it cannot be used. */
function keyedAmount(context: FlowContext): Money | Notice {
  const { currency, maxAmount } = context.settings;
  if (context.amountDigits === '') return flowNotice('AMOUNT_ZERO');
  try {
    return parseKeypadDigits(context.amountDigits, currency, maxAmount);
  } catch {
    return flowNotice('AMOUNT_OVER_LIMIT', { limit: { value: maxAmount, currency } });
  }
}

function isMoney(value: Money | Notice): value is Money {
  return 'value' in value;
}

const cleared = {
  card: undefined,
  presented: undefined,
  selected: undefined,
  amountDigits: '',
  traceDigits: '',
  referenceDigits: '',
  original: undefined,
  payment: undefined,
  resolving: undefined,
  approval: undefined,
  balance: undefined,
  notice: undefined,
  printError: undefined,
  figures: undefined,
  supervisorFailures: 0,
} as const;

/**
 * The terminal's transaction flow (the patent's steps 2–6 and what a cashier expects around
 * them) as an xstate machine. It does no I/O: every effect is a named actor (see
 * {@link FlowActorIo}) or the `beep` action, wired by `createTerminal`; timers run on the
 * clock the actor is created with. Screens are derived from the snapshot by `screenOf`.
 *
 * Money moves only in `authorizing` (a pending payment) and `code.confirming` (the debit).
 * Leaving `code` by CANCEL or expiry reverses the pending payment; a final refusal by the
 * host (expired, locked, insufficient funds) ends it on the host's side; an unknown outcome
 * goes through `resolving` (status inquiry, then complete or reverse). A void or refund whose
 * outcome is unknown stays open in the journal for recovery and counts as pending work.
 */
export const paymentFlow = setup({
  types: {
    context: {} as FlowContext,
    events: {} as FlowEvent,
    input: {} as FlowInput,
  },
  actors: {
    signIn: notWired('signIn'),
    recover: notWired('recover'),
    readCard: notWired('readCard'),
    authorize: notWired('authorize'),
    confirm: notWired('confirm'),
    resendOtp: notWired('resendOtp'),
    cancelPayment: notWired('cancelPayment'),
    resolveOutcome: notWired('resolveOutcome'),
    printSlip: notWired('printSlip'),
    verifySupervisor: notWired('verifySupervisor'),
    findOriginal: notWired('findOriginal'),
    voidSale: notWired('voidSale'),
    refund: notWired('refund'),
    previewSettlement: notWired('previewSettlement'),
    settle: notWired('settle'),
    reprint: notWired('reprint'),
  },
  actions: {
    /** Sounds the buzzer: `key` for a refused key, `error` for a decline, `success` for an approval. */
    beep: (_args, _params: { tone: 'key' | 'error' | 'success' }) => {
      // Wired by the app to the buzzer; silent by default.
    },
    resetTransaction: assign(() => ({
      ...cleared,
      pin: emptySecret(),
      code: emptySecret(),
      password: emptySecret(),
    })),
    clearNotice: assign({ notice: undefined }),
    timedOut: assign({ outcome: flowNotice('TIMED_OUT') }),
    cancelledByKey: assign({ outcome: flowNotice('CANCELLED') }),
    codeTimedOut: assign({ outcome: flowNotice('CODE_TIMED_OUT') }),
    /** One more transaction waits for the host; idle retries it every `pendingRetryMs`. */
    countPending: assign({ pendingLeft: ({ context }) => context.pendingLeft + 1 }),
    /** Keeps an actor's failure as the outcome to show (on an `xstate.error.actor` event). */
    declineWithError: assign({
      outcome: ({ event }) => noticeOf((event as unknown as { error: unknown }).error),
    }),
  },
  guards: {
    hasCard: ({ context }) => context.card !== undefined,
    pendingWork: ({ context }) => context.pendingLeft > 0,
  },
  delays: {
    inactivity: ({ context }) => context.settings.inactivityMs,
    result: ({ context }) => context.settings.resultMs,
    notice: ({ context }) => context.settings.noticeMs,
    pendingRetry: ({ context }) => context.settings.pendingRetryMs,
    signInRetry: ({ context }) => {
      const { signInRetryBaseMs: base, signInRetryMaxMs: max } = context.settings;
      const exponent = Math.min(Math.max(context.signInFailures - 1, 0), 20);
      return Math.min(base * 2 ** exponent, max);
    },
    resignIn: ({ context }) => {
      const signedInAt = context.session?.signedInAt ?? context.clock.now();
      return Math.max(0, signedInAt + context.settings.resignInMs - context.clock.now());
    },
    codeExpiry: ({ context }) =>
      Math.max(0, (context.payment?.otp.expiresAt ?? 0) - context.clock.now()),
  },
}).createMachine({
  id: 'flow',
  initial: 'signingIn',
  context: ({ input }) => ({
    settings: { ...DEFAULT_FLOW_SETTINGS, ...input.settings },
    clock: input.clock,
    signInFailures: 0,
    pendingLeft: 0,
    ...cleared,
    pin: emptySecret(),
    code: emptySecret(),
    password: emptySecret(),
  }),
  states: {
    // ─── Boot ────────────────────────────────────────────────────────────────────────────
    signingIn: {
      invoke: {
        id: 'signIn',
        src: 'signIn',
        onDone: {
          target: 'recovering',
          actions: assign({ session: ({ event }) => event.output, signInFailures: 0 }),
        },
        onError: {
          target: 'signInWait',
          actions: assign({
            signInFailures: ({ context }) => context.signInFailures + 1,
            outcome: ({ event }) => noticeOf(event.error),
          }),
        },
      },
    },
    signInWait: {
      after: { signInRetry: 'signingIn' },
      on: { KEY: { guard: pressed('OK'), target: 'signingIn' } },
    },
    recovering: {
      invoke: {
        id: 'recover',
        src: 'recover',
        onDone: [
          {
            guard: ({ event }) => event.output.items.length > 0,
            target: 'recoveryReport',
            actions: assign({
              recovery: ({ event }) => event.output,
              pendingLeft: ({ event }) => event.output.pendingLeft,
            }),
          },
          {
            target: 'idle',
            actions: assign({ pendingLeft: ({ event }) => event.output.pendingLeft }),
          },
        ],
        onError: 'idle',
      },
    },
    recoveryReport: {
      after: { result: 'idle' },
      on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
    },

    // ─── Waiting for a customer ──────────────────────────────────────────────────────────
    idle: {
      entry: 'resetTransaction',
      after: {
        resignIn: 'signingIn',
        pendingRetry: { guard: 'pendingWork', target: 'recovering' },
      },
      on: {
        CARD_TAPPED: {
          target: 'readingCard',
          actions: assign({ presented: ({ event }) => event.card }),
        },
        KEY: { guard: pressed('OK', 'F1'), target: 'menu' },
        SIGN_IN_NOW: 'signingIn',
      },
    },
    readingCard: {
      invoke: {
        id: 'readCard',
        src: 'readCard',
        input: ({ context }) => ({ card: required(context.presented, 'presented card') }),
        onDone: [
          {
            guard: ({ context }) => context.selected === 'sale',
            target: 'amount',
            actions: assign({ card: ({ event }) => event.output }),
          },
          {
            guard: ({ context }) => context.selected === 'balance',
            target: 'pin',
            actions: assign({ card: ({ event }) => event.output }),
          },
          { target: 'menu', actions: assign({ card: ({ event }) => event.output }) },
        ],
        onError: {
          target: 'cardError',
          actions: assign({ outcome: ({ event }) => noticeOf(event.error), presented: undefined }),
        },
      },
    },
    cardError: {
      entry: { type: 'beep', params: { tone: 'error' } },
      after: { notice: 'idle' },
      on: {
        CARD_TAPPED: {
          target: 'readingCard',
          actions: assign({ presented: ({ event }) => event.card }),
        },
        KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' },
      },
    },
    menu: {
      after: { inactivity: 'idle' },
      on: {
        KEY: [
          // Keys 1–6 pick MENU_ITEMS in order.
          { guard: pressed('1'), target: 'chooseCard', actions: assign({ selected: 'sale' }) },
          { guard: pressed('2'), target: 'chooseCard', actions: assign({ selected: 'balance' }) },
          { guard: pressed('3'), target: 'supervisor', actions: assign({ selected: 'void' }) },
          { guard: pressed('4'), target: 'supervisor', actions: assign({ selected: 'refund' }) },
          { guard: pressed('5'), target: 'settlePreview', actions: assign({ selected: 'settle' }) },
          { guard: pressed('6'), target: 'reprinting', actions: assign({ selected: 'reprint' }) },
          { guard: pressed('CANCEL'), target: 'idle' },
          { actions: { type: 'beep', params: { tone: 'key' } } },
        ],
      },
    },
    chooseCard: {
      // A transient state: sale and balance need a card; read it first unless it was tapped.
      always: [{ guard: 'hasCard', target: 'routeWithCard' }, { target: 'awaitingCard' }],
    },
    routeWithCard: {
      always: [
        { guard: ({ context }) => context.selected === 'sale', target: 'amount' },
        { target: 'pin' },
      ],
    },
    awaitingCard: {
      after: { inactivity: 'idle' },
      on: {
        CARD_TAPPED: {
          target: 'readingCard',
          actions: assign({ presented: ({ event }) => event.card }),
        },
        KEY: { guard: pressed('CANCEL'), target: 'idle' },
      },
    },

    // ─── Sale and balance inquiry ────────────────────────────────────────────────────────
    amount: {
      after: { inactivity: { target: 'cancelled', actions: 'timedOut' } },
      on: {
        KEY: [
          {
            guard: ({ context, event }) =>
              editAmount(
                context.amountDigits,
                event.key,
                maxAmountDigits(context.settings.maxAmount),
              ) !== undefined,
            target: 'amount',
            reenter: true,
            actions: assign({
              amountDigits: ({ context, event }) =>
                editAmount(
                  context.amountDigits,
                  event.key,
                  maxAmountDigits(context.settings.maxAmount),
                ) ?? context.amountDigits,
              notice: undefined,
            }),
          },
          {
            guard: ({ context, event }) =>
              pressed('OK')({ context, event }) && !isMoney(keyedAmount(context)),
            target: 'amount',
            reenter: true,
            actions: [
              assign({ notice: ({ context }) => keyedAmount(context) as Notice }),
              { type: 'beep', params: { tone: 'error' } },
            ],
          },
          { guard: pressed('OK'), target: 'pin', actions: 'clearNotice' },
          { guard: pressed('CANCEL'), target: 'cancelled', actions: 'cancelledByKey' },
          { actions: { type: 'beep', params: { tone: 'key' } } },
        ],
      },
    },
    pin: {
      after: { inactivity: { target: 'cancelled', actions: 'timedOut' } },
      on: {
        KEY: [
          {
            guard: ({ context, event }) =>
              editSecret(context.pin, event.key, SECRET_CODE_DIGITS) !== undefined,
            target: 'pin',
            reenter: true,
            actions: assign({
              pin: ({ context, event }) =>
                editSecret(context.pin, event.key, SECRET_CODE_DIGITS) ?? context.pin,
              notice: undefined,
            }),
          },
          {
            guard: ({ context, event }) =>
              pressed('OK')({ context, event }) && secretLength(context.pin) < SECRET_CODE_DIGITS,
            target: 'pin',
            reenter: true,
            actions: [
              assign({ notice: flowNotice('PIN_TOO_SHORT') }),
              { type: 'beep', params: { tone: 'error' } },
            ],
          },
          {
            guard: pressed('OK'),
            target: 'authorizing',
            // The PIN leaves the screen's buffer here; `authorizing` hands it to the actor,
            // which encrypts it at once, and forgets it on exit.
            actions: assign({
              pinDraft: ({ context }) => context.pin,
              pin: () => emptySecret(),
              notice: undefined,
            }),
          },
          { guard: pressed('CANCEL'), target: 'cancelled', actions: 'cancelledByKey' },
          { actions: { type: 'beep', params: { tone: 'key' } } },
        ],
      },
    },
    authorizing: {
      exit: assign({ pinDraft: undefined }),
      invoke: {
        id: 'authorize',
        src: 'authorize',
        input: ({ context }) => {
          const type = context.selected === 'sale' ? 'sale' : 'balance';
          const amount = type === 'sale' ? keyedAmount(context) : undefined;
          return {
            type,
            card: required(context.card, 'card'),
            amount: amount !== undefined && isMoney(amount) ? amount : undefined,
            pin: required(context.pinDraft, 'PIN'),
          };
        },
        onDone: [
          {
            guard: ({ event }) => event.output.kind === 'balance',
            target: 'balanceResult',
            actions: assign({
              balance: ({ event }) =>
                event.output.kind === 'balance' ? event.output.balance : undefined,
            }),
          },
          {
            target: 'code',
            actions: assign({
              payment: ({ event }) =>
                event.output.kind === 'otp_sent' ? event.output.payment : undefined,
            }),
          },
        ],
        onError: [
          {
            guard: errorCodeIs('PIN_INCORRECT'),
            target: 'pin',
            actions: [
              assign({ notice: ({ event }) => noticeOf(event.error) }),
              { type: 'beep', params: { tone: 'error' } },
            ],
          },
          {
            guard: errorCodeIs('ACCOUNT_LOCKED'),
            target: 'locked',
            actions: assign({ outcome: ({ event }) => noticeOf(event.error) }),
          },
          {
            guard: ({ event }) => isOutcomeUnknown(event.error),
            target: 'resolving',
            actions: assign({ resolving: ({ event }) => journalIdOf(event.error) }),
          },
          { target: 'declined', actions: 'declineWithError' },
        ],
      },
    },
    code: {
      initial: 'entering',
      states: {
        entering: {
          after: { codeExpiry: { target: '#flow.cancelling', actions: 'codeTimedOut' } },
          on: {
            KEY: [
              {
                guard: ({ context, event }) =>
                  editSecret(context.code, event.key, SECRET_CODE_DIGITS) !== undefined,
                actions: assign({
                  code: ({ context, event }) =>
                    editSecret(context.code, event.key, SECRET_CODE_DIGITS) ?? context.code,
                  notice: undefined,
                }),
              },
              {
                guard: ({ context, event }) =>
                  pressed('OK')({ context, event }) &&
                  secretLength(context.code) < SECRET_CODE_DIGITS,
                actions: [
                  assign({ notice: flowNotice('CODE_TOO_SHORT') }),
                  { type: 'beep', params: { tone: 'error' } },
                ],
              },
              { guard: pressed('OK'), target: 'confirming', actions: 'clearNotice' },
              {
                guard: ({ context, event }) =>
                  pressed('F1')({ context, event }) &&
                  required(context.payment, 'payment').otp.resendsLeft > 0,
                target: 'resending',
                actions: 'clearNotice',
              },
              { guard: pressed('CANCEL'), target: '#flow.cancelling', actions: 'cancelledByKey' },
              { actions: { type: 'beep', params: { tone: 'key' } } },
            ],
          },
        },
        confirming: {
          exit: assign({ code: () => emptySecret() }),
          invoke: {
            id: 'confirm',
            src: 'confirm',
            input: ({ context }) => ({
              payment: required(context.payment, 'payment'),
              code: context.code,
            }),
            onDone: {
              target: '#flow.approved',
              actions: assign({ approval: ({ event }) => event.output }),
            },
            onError: [
              {
                guard: errorCodeIs('OTP_INCORRECT'),
                target: 'entering',
                actions: [
                  assign({
                    notice: ({ event }) => noticeOf(event.error),
                    payment: ({ context, event }) => withAttemptsLeft(context, event.error),
                  }),
                  { type: 'beep', params: { tone: 'error' } },
                ],
              },
              {
                guard: errorCodeIs('ACCOUNT_LOCKED'),
                target: '#flow.locked',
                actions: assign({ outcome: ({ event }) => noticeOf(event.error) }),
              },
              {
                // Nothing reached the host: the customer may key OK again.
                guard: errorCodeIs('HOST_UNREACHABLE'),
                target: 'entering',
                actions: assign({ notice: ({ event }) => noticeOf(event.error) }),
              },
              {
                guard: ({ event }) => isOutcomeUnknown(event.error),
                target: '#flow.resolving',
                actions: assign({
                  resolving: ({ context }) => required(context.payment, 'payment').journalId,
                }),
              },
              { target: '#flow.declined', actions: 'declineWithError' },
            ],
          },
        },
        resending: {
          invoke: {
            id: 'resendOtp',
            src: 'resendOtp',
            input: ({ context }) => ({ payment: required(context.payment, 'payment') }),
            onDone: {
              target: 'entering',
              actions: assign({
                payment: ({ context, event }) => ({
                  ...required(context.payment, 'payment'),
                  otp: event.output,
                }),
                code: () => emptySecret(),
                notice: flowNotice('CODE_RESENT'),
              }),
            },
            onError: [
              {
                guard: errorCodeIs('ACCOUNT_LOCKED'),
                target: '#flow.locked',
                actions: assign({ outcome: ({ event }) => noticeOf(event.error) }),
              },
              {
                guard: errorCodeIs('RESEND_LIMIT'),
                target: 'entering',
                actions: assign({
                  notice: ({ event }) => noticeOf(event.error),
                  payment: ({ context }) => {
                    const payment = required(context.payment, 'payment');
                    return { ...payment, otp: { ...payment.otp, resendsLeft: 0 } };
                  },
                }),
              },
              {
                target: 'entering',
                actions: assign({ notice: ({ event }) => noticeOf(event.error) }),
              },
            ],
          },
        },
      },
    },
    cancelling: {
      invoke: {
        id: 'cancelPayment',
        src: 'cancelPayment',
        input: ({ context }) => ({
          journalId: required(context.payment, 'payment').journalId,
          reason: context.outcome?.code === 'CODE_TIMED_OUT' ? 'timeout' : 'cancelled',
        }),
        // A reversal the host did not acknowledge waits in the journal: retry it when idle.
        onDone: {
          target: 'cancelled',
          actions: assign({
            pendingLeft: ({ context, event }) =>
              context.pendingLeft + (event.output.acknowledged ? 0 : 1),
          }),
        },
        onError: {
          target: 'cancelled',
          actions: assign({ pendingLeft: ({ context }) => context.pendingLeft + 1 }),
        },
      },
    },
    resolving: {
      invoke: {
        id: 'resolveOutcome',
        src: 'resolveOutcome',
        input: ({ context }) => ({ journalId: required(context.resolving, 'journal id') }),
        onDone: [
          {
            guard: ({ event }) => event.output.outcome === 'approved',
            target: 'approved',
            actions: assign({
              approval: ({ event }) =>
                event.output.outcome === 'approved' ? event.output.approval : undefined,
            }),
          },
          {
            target: 'declined',
            actions: assign({
              outcome: ({ event }) =>
                event.output.outcome === 'approved'
                  ? undefined
                  : { code: event.output.code, details: { resolution: event.output.outcome } },
              // Still unknown: it waits in the journal, retried when idle.
              pendingLeft: ({ context, event }) =>
                context.pendingLeft + (event.output.outcome === 'pending' ? 1 : 0),
            }),
          },
        ],
        onError: {
          target: 'declined',
          actions: [
            'declineWithError',
            assign({ pendingLeft: ({ context }) => context.pendingLeft + 1 }),
          ],
        },
      },
    },
    approved: {
      entry: { type: 'beep', params: { tone: 'success' } },
      initial: 'printing',
      states: {
        printing: {
          invoke: {
            id: 'printSlip',
            src: 'printSlip',
            input: ({ context }) => ({
              journalId: required(context.approval, 'approval').journalId,
            }),
            onDone: { target: 'done', actions: assign({ printError: undefined }) },
            onError: {
              target: 'printFailed',
              actions: [
                assign({ printError: ({ event }) => codeOf(event.error) }),
                { type: 'beep', params: { tone: 'error' } },
              ],
            },
          },
        },
        printFailed: {
          after: { inactivity: 'done' },
          on: {
            KEY: [
              { guard: pressed('OK'), target: 'printing' },
              { guard: pressed('CANCEL'), target: 'done' },
              { actions: { type: 'beep', params: { tone: 'key' } } },
            ],
          },
        },
        done: {
          after: { result: '#flow.idle' },
          on: { KEY: { guard: pressed('OK', 'CANCEL'), target: '#flow.idle' } },
        },
      },
    },
    balanceResult: {
      after: { result: 'idle' },
      on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
    },
    declined: {
      entry: { type: 'beep', params: { tone: 'error' } },
      after: { result: 'afterDecline' },
      on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'afterDecline' } },
    },
    afterDecline: {
      // The terminal itself was refused, or its batch closed under it: sign in again.
      always: [
        {
          guard: ({ context }) => needsSignIn(context.outcome),
          target: 'signingIn',
        },
        { target: 'idle' },
      ],
    },
    locked: {
      entry: { type: 'beep', params: { tone: 'error' } },
      after: { result: 'idle' },
      on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
    },
    cancelled: {
      after: { notice: 'idle' },
      on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
    },
    notice: {
      after: { notice: 'idle' },
      on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
    },

    // ─── Void and refund, behind the supervisor password ─────────────────────────────────
    supervisor: {
      after: { inactivity: { target: 'cancelled', actions: 'timedOut' } },
      on: {
        KEY: [
          {
            guard: ({ context, event }) =>
              editSecret(context.password, event.key, MAX_PASSWORD_DIGITS) !== undefined,
            target: 'supervisor',
            reenter: true,
            actions: assign({
              password: ({ context, event }) =>
                editSecret(context.password, event.key, MAX_PASSWORD_DIGITS) ?? context.password,
              notice: undefined,
            }),
          },
          {
            guard: ({ context, event }) =>
              pressed('OK')({ context, event }) && secretLength(context.password) === 0,
            target: 'supervisor',
            reenter: true,
            actions: [
              assign({ notice: flowNotice('PASSWORD_EMPTY') }),
              { type: 'beep', params: { tone: 'error' } },
            ],
          },
          {
            guard: pressed('OK'),
            target: 'checkingSupervisor',
            actions: assign({
              passwordDraft: ({ context }) => context.password,
              password: () => emptySecret(),
              notice: undefined,
            }),
          },
          { guard: pressed('CANCEL'), target: 'cancelled', actions: 'cancelledByKey' },
          { actions: { type: 'beep', params: { tone: 'key' } } },
        ],
      },
    },
    checkingSupervisor: {
      exit: assign({ passwordDraft: undefined }),
      invoke: {
        id: 'verifySupervisor',
        src: 'verifySupervisor',
        input: ({ context }) => ({ password: required(context.passwordDraft, 'password') }),
        onDone: [
          {
            guard: ({ context, event }) => event.output && context.selected === 'void',
            target: 'voidTrace',
          },
          { guard: ({ event }) => event.output, target: 'refundReference' },
          {
            guard: ({ context }) =>
              context.supervisorFailures + 1 >= context.settings.supervisorMaxTries,
            target: 'notice',
            actions: [
              assign({ outcome: flowNotice('SUPERVISOR_LOCKED_OUT') }),
              { type: 'beep', params: { tone: 'error' } },
            ],
          },
          {
            target: 'supervisor',
            actions: [
              assign({
                supervisorFailures: ({ context }) => context.supervisorFailures + 1,
                notice: ({ context }) => ({
                  code: 'SUPERVISOR_PASSWORD_WRONG',
                  details: {
                    attemptsLeft:
                      context.settings.supervisorMaxTries - context.supervisorFailures - 1,
                  },
                }),
              }),
              { type: 'beep', params: { tone: 'error' } },
            ],
          },
        ],
        onError: {
          target: 'notice',
          actions: assign({ outcome: ({ event }) => noticeOf(event.error) }),
        },
      },
    },
    voidTrace: {
      after: { inactivity: { target: 'cancelled', actions: 'timedOut' } },
      on: {
        KEY: [
          {
            guard: ({ context, event }) =>
              editDigits(context.traceDigits, event.key, TRACE_DIGITS) !== undefined,
            target: 'voidTrace',
            reenter: true,
            actions: assign({
              traceDigits: ({ context, event }) =>
                editDigits(context.traceDigits, event.key, TRACE_DIGITS) ?? context.traceDigits,
              notice: undefined,
            }),
          },
          {
            guard: ({ context, event }) =>
              pressed('OK')({ context, event }) && Number(context.traceDigits) === 0,
            target: 'voidTrace',
            reenter: true,
            actions: [
              assign({ notice: flowNotice('TRACE_EMPTY') }),
              { type: 'beep', params: { tone: 'error' } },
            ],
          },
          { guard: pressed('OK'), target: 'findingOriginal', actions: 'clearNotice' },
          { guard: pressed('CANCEL'), target: 'cancelled', actions: 'cancelledByKey' },
          { actions: { type: 'beep', params: { tone: 'key' } } },
        ],
      },
    },
    findingOriginal: {
      invoke: {
        id: 'findOriginal',
        src: 'findOriginal',
        input: ({ context }) => ({ trace: context.traceDigits.padStart(TRACE_DIGITS, '0') }),
        onDone: {
          target: 'voidConfirm',
          actions: assign({ original: ({ event }) => event.output }),
        },
        onError: {
          target: 'voidTrace',
          actions: [
            assign({ notice: ({ event }) => noticeOf(event.error), traceDigits: '' }),
            { type: 'beep', params: { tone: 'error' } },
          ],
        },
      },
    },
    voidConfirm: {
      after: { inactivity: { target: 'cancelled', actions: 'timedOut' } },
      on: {
        KEY: [
          { guard: pressed('OK'), target: 'voiding' },
          { guard: pressed('CANCEL'), target: 'cancelled', actions: 'cancelledByKey' },
          { actions: { type: 'beep', params: { tone: 'key' } } },
        ],
      },
    },
    voiding: {
      invoke: {
        id: 'voidSale',
        src: 'voidSale',
        input: ({ context }) => ({ original: required(context.original, 'original sale') }),
        onDone: {
          target: 'approved',
          actions: assign({ approval: ({ event }) => event.output }),
        },
        onError: [
          {
            // It may have gone through: the journal keeps it open and recovery settles it.
            guard: ({ event }) => isOutcomeUnknown(event.error),
            target: 'declined',
            actions: ['declineWithError', 'countPending'],
          },
          { target: 'declined', actions: 'declineWithError' },
        ],
      },
    },
    refundReference: {
      after: { inactivity: { target: 'cancelled', actions: 'timedOut' } },
      on: {
        KEY: [
          {
            guard: ({ context, event }) =>
              editDigits(context.referenceDigits, event.key, REFERENCE_DIGITS) !== undefined,
            target: 'refundReference',
            reenter: true,
            actions: assign({
              referenceDigits: ({ context, event }) =>
                editDigits(context.referenceDigits, event.key, REFERENCE_DIGITS) ??
                context.referenceDigits,
              notice: undefined,
            }),
          },
          {
            guard: ({ context, event }) =>
              pressed('OK')({ context, event }) &&
              context.referenceDigits.length !== REFERENCE_DIGITS,
            target: 'refundReference',
            reenter: true,
            actions: [
              assign({ notice: flowNotice('REFERENCE_INCOMPLETE') }),
              { type: 'beep', params: { tone: 'error' } },
            ],
          },
          { guard: pressed('OK'), target: 'refundAmount', actions: 'clearNotice' },
          { guard: pressed('CANCEL'), target: 'cancelled', actions: 'cancelledByKey' },
          { actions: { type: 'beep', params: { tone: 'key' } } },
        ],
      },
    },
    refundAmount: {
      after: { inactivity: { target: 'cancelled', actions: 'timedOut' } },
      on: {
        KEY: [
          {
            guard: ({ context, event }) =>
              editAmount(
                context.amountDigits,
                event.key,
                maxAmountDigits(context.settings.maxAmount),
              ) !== undefined,
            target: 'refundAmount',
            reenter: true,
            actions: assign({
              amountDigits: ({ context, event }) =>
                editAmount(
                  context.amountDigits,
                  event.key,
                  maxAmountDigits(context.settings.maxAmount),
                ) ?? context.amountDigits,
              notice: undefined,
            }),
          },
          {
            guard: ({ context, event }) =>
              pressed('OK')({ context, event }) && !isMoney(keyedAmount(context)),
            target: 'refundAmount',
            reenter: true,
            actions: [
              assign({ notice: ({ context }) => keyedAmount(context) as Notice }),
              { type: 'beep', params: { tone: 'error' } },
            ],
          },
          { guard: pressed('OK'), target: 'refunding', actions: 'clearNotice' },
          { guard: pressed('CANCEL'), target: 'cancelled', actions: 'cancelledByKey' },
          { actions: { type: 'beep', params: { tone: 'key' } } },
        ],
      },
    },
    refunding: {
      invoke: {
        id: 'refund',
        src: 'refund',
        input: ({ context }) => ({
          originalReference: context.referenceDigits,
          amount: keyedAmount(context) as Money,
        }),
        onDone: {
          target: 'approved',
          actions: assign({ approval: ({ event }) => event.output }),
        },
        onError: [
          {
            // It may have gone through: the journal keeps it open and recovery settles it.
            guard: ({ event }) => isOutcomeUnknown(event.error),
            target: 'declined',
            actions: ['declineWithError', 'countPending'],
          },
          { target: 'declined', actions: 'declineWithError' },
        ],
      },
    },

    // ─── Settlement and reprint ──────────────────────────────────────────────────────────
    settlePreview: {
      invoke: {
        id: 'previewSettlement',
        src: 'previewSettlement',
        onDone: {
          target: 'settleConfirm',
          actions: assign({ figures: ({ event }) => event.output }),
        },
        onError: {
          target: 'notice',
          actions: assign({ outcome: ({ event }) => noticeOf(event.error) }),
        },
      },
    },
    settleConfirm: {
      after: { inactivity: 'idle' },
      on: {
        KEY: [
          { guard: pressed('OK'), target: 'settling' },
          { guard: pressed('CANCEL'), target: 'idle' },
          { actions: { type: 'beep', params: { tone: 'key' } } },
        ],
      },
    },
    settling: {
      invoke: {
        id: 'settle',
        src: 'settle',
        onDone: {
          target: 'settlementResult',
          actions: assign({
            settlement: ({ event }) => event.output,
            session: ({ context, event }) =>
              context.session && { ...context.session, batch: event.output.nextBatch },
          }),
        },
        onError: { target: 'declined', actions: 'declineWithError' },
      },
    },
    settlementResult: {
      after: { result: 'idle' },
      on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
    },
    reprinting: {
      invoke: {
        id: 'reprint',
        src: 'reprint',
        onDone: 'idle',
        onError: {
          target: 'notice',
          actions: [
            assign({ outcome: ({ event }) => noticeOf(event.error) }),
            { type: 'beep', params: { tone: 'error' } },
          ],
        },
      },
    },
  },
});

function journalIdOf(error: unknown): number {
  const id = isPosError(error) ? error.details.journalId : undefined;
  if (typeof id !== 'number')
    throw new Error('flow invariant: outcome-unknown error without journalId');
  return id;
}

function withAttemptsLeft(context: FlowContext, error: unknown) {
  const payment = required(context.payment, 'payment');
  const left = isPosError(error) ? error.details.attemptsLeft : undefined;
  return typeof left === 'number'
    ? { ...payment, otp: { ...payment.otp, attemptsLeft: left } }
    : payment;
}

function needsSignIn(outcome: Notice | undefined): boolean {
  if (outcome === undefined) return false;
  const code = outcome.code;
  return (
    code === 'BATCH_CLOSED' || (isErrorCode(code) && ERROR_CODE_GROUPS[code] === 'authentication')
  );
}

export type PaymentFlow = typeof paymentFlow;
