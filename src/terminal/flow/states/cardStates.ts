import { assign } from 'xstate';
import { pressed, required } from '../flowHelpers.js';
import { flowSetup } from '../flowSetup.js';
import { noticeOf } from '../noticeOf.js';

/** A customer arrives: the card is read, the cashier picks a transaction. */
export const cardStates = {
  readingCard: flowSetup.createStateConfig({
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
  }),
  cardError: flowSetup.createStateConfig({
    entry: { type: 'beep', params: { tone: 'error' } },
    after: { notice: 'idle' },
    on: {
      CARD_TAPPED: {
        target: 'readingCard',
        actions: assign({ presented: ({ event }) => event.card }),
      },
      KEY: { guard: pressed('OK', 'CANCEL'), target: 'idle' },
    },
  }),
  menu: flowSetup.createStateConfig({
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
  }),
  chooseCard: flowSetup.createStateConfig({
    // A transient state: sale and balance need a card; read it first unless it was tapped.
    always: [{ guard: 'hasCard', target: 'routeWithCard' }, { target: 'awaitingCard' }],
  }),
  routeWithCard: flowSetup.createStateConfig({
    always: [
      { guard: ({ context }) => context.selected === 'sale', target: 'amount' },
      { target: 'pin' },
    ],
  }),
  awaitingCard: flowSetup.createStateConfig({
    after: { inactivity: 'idle' },
    on: {
      CARD_TAPPED: {
        target: 'readingCard',
        actions: assign({ presented: ({ event }) => event.card }),
      },
      KEY: { guard: pressed('CANCEL'), target: 'idle' },
    },
  }),
};
