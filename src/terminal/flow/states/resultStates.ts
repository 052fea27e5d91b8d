import { assign } from 'xstate';
import { needsSignIn, pressed, required } from '../flowHelpers.js';
import { flowSetup } from '../flowSetup.js';
import { codeOf } from '../noticeOf.js';

/** Results: approval and its slip, declines, locks, cancellations, notices. */
export const resultStates = {
  approved: flowSetup.createStateConfig({
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
        // Paper back: the slip prints again by itself; OK prints it again at once.
        invoke: { id: 'waitForPaper', src: 'waitForPaper', onDone: 'printing' },
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
  }),
  balanceResult: flowSetup.createStateConfig({
    after: { result: 'idle' },
    on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
  }),
  declined: flowSetup.createStateConfig({
    entry: { type: 'beep', params: { tone: 'error' } },
    after: { result: 'afterDecline' },
    on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'afterDecline' } },
  }),
  afterDecline: flowSetup.createStateConfig({
    // The terminal itself was refused, or its batch closed under it: sign in again.
    always: [
      {
        guard: ({ context }) => needsSignIn(context.outcome),
        target: 'signingIn',
      },
      { target: 'idle' },
    ],
  }),
  locked: flowSetup.createStateConfig({
    entry: { type: 'beep', params: { tone: 'error' } },
    after: { result: 'idle' },
    on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
  }),
  cancelled: flowSetup.createStateConfig({
    after: { notice: 'idle' },
    on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
  }),
  notice: flowSetup.createStateConfig({
    after: { notice: 'idle' },
    on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
  }),
};
