import { assign, fromPromise, setup } from 'xstate';
import type { FlowActorIo, FlowContext, FlowEvent, FlowInput } from './flowTypes.js';
import { cleared } from './flowHelpers.js';
import { emptySecret } from './keyEditing.js';
import { flowNotice, noticeOf } from './noticeOf.js';

type ActorName = keyof FlowActorIo;

function notWired<N extends ActorName>(name: N) {
  return fromPromise<FlowActorIo[N]['output'], FlowActorIo[N]['input']>(() =>
    Promise.reject(new Error(`flow actor ${name} is not wired`)),
  );
}

/**
 * The flow's types, named actors (placeholders that refuse until `createTerminal` or a test
 * provides them), named actions, guards and delays. The states in `states/` are built with
 * its `createStateConfig`, so each file is typed against the same machine.
 */
export const flowSetup = setup({
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
    waitForPaper: notWired('waitForPaper'),
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
});
