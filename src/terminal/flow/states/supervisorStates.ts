import { assign } from 'xstate';
import { isOutcomeUnknown } from '../../../core/PosError.js';
import type { Money } from '../../../core/money.js';
import { keyedAmount, pressed, required } from '../flowHelpers.js';
import { flowSetup } from '../flowSetup.js';
import {
  editDigits,
  editSecret,
  emptySecret,
  MAX_PASSWORD_DIGITS,
  REFERENCE_DIGITS,
  secretLength,
  TRACE_DIGITS,
} from '../keyEditing.js';
import { flowNotice, noticeOf } from '../noticeOf.js';
import { amountEntryState } from './amountEntryState.js';

/** Void and refund, behind the supervisor password. */
export const supervisorStates = {
  supervisor: flowSetup.createStateConfig({
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
  }),
  checkingSupervisor: flowSetup.createStateConfig({
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
  }),
  voidTrace: flowSetup.createStateConfig({
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
  }),
  findingOriginal: flowSetup.createStateConfig({
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
  }),
  voidConfirm: flowSetup.createStateConfig({
    after: { inactivity: { target: 'cancelled', actions: 'timedOut' } },
    on: {
      KEY: [
        { guard: pressed('OK'), target: 'voiding' },
        { guard: pressed('CANCEL'), target: 'cancelled', actions: 'cancelledByKey' },
        { actions: { type: 'beep', params: { tone: 'key' } } },
      ],
    },
  }),
  voiding: flowSetup.createStateConfig({
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
  }),
  refundReference: flowSetup.createStateConfig({
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
  }),
  refundAmount: amountEntryState('refundAmount', 'refunding'),
  refunding: flowSetup.createStateConfig({
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
  }),
};
