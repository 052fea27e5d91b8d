import { assign } from 'xstate';
import { pressed } from '../flowHelpers.js';
import { flowSetup } from '../flowSetup.js';
import { noticeOf } from '../noticeOf.js';

/** Boot: sign-in with backoff, recovery of the journal, and the idle screen (daily re-sign-in, pending work). */
export const bootStates = {
  signingIn: flowSetup.createStateConfig({
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
  }),
  signInWait: flowSetup.createStateConfig({
    after: { signInRetry: 'signingIn' },
    on: { KEY: { guard: pressed('OK'), target: 'signingIn' } },
  }),
  recovering: flowSetup.createStateConfig({
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
  }),
  recoveryReport: flowSetup.createStateConfig({
    after: { result: 'idle' },
    on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
  }),
  idle: flowSetup.createStateConfig({
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
      SETTLE_NOW: 'settling',
    },
  }),
};
