import { assign } from 'xstate';
import { isOutcomeUnknown } from '../../../core/PosError.js';
import {
  errorCodeIs,
  isMoney,
  journalIdOf,
  keyedAmount,
  pressed,
  required,
} from '../flowHelpers.js';
import { flowSetup } from '../flowSetup.js';
import { editSecret, emptySecret, SECRET_CODE_DIGITS, secretLength } from '../keyEditing.js';
import { flowNotice, noticeOf } from '../noticeOf.js';
import { amountEntryState } from './amountEntryState.js';

/** Sale and balance inquiry: the PIN, the request, and what happens when it goes wrong. */
export const saleStates = {
  amount: amountEntryState('amount', 'pin'),
  pin: flowSetup.createStateConfig({
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
  }),
  authorizing: flowSetup.createStateConfig({
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
  }),
  cancelling: flowSetup.createStateConfig({
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
  }),
  resolving: flowSetup.createStateConfig({
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
  }),
};
