import { assign } from 'xstate';
import { pressed } from '../flowHelpers.js';
import { flowSetup } from '../flowSetup.js';
import { noticeOf } from '../noticeOf.js';

/** Settlement (batch close) and reprint of the last slip. */
export const batchStates = {
  settlePreview: flowSetup.createStateConfig({
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
  }),
  settleConfirm: flowSetup.createStateConfig({
    after: { inactivity: 'idle' },
    on: {
      KEY: [
        { guard: pressed('OK'), target: 'settling' },
        { guard: pressed('CANCEL'), target: 'idle' },
        { actions: { type: 'beep', params: { tone: 'key' } } },
      ],
    },
  }),
  settling: flowSetup.createStateConfig({
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
  }),
  settlementResult: flowSetup.createStateConfig({
    after: { result: 'idle' },
    on: { KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' } },
  }),
  reprinting: flowSetup.createStateConfig({
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
  }),
};
