import { assign } from 'xstate';
import { isOutcomeUnknown } from '../../../core/PosError.js';
import { errorCodeIs, pressed, required, withAttemptsLeft } from '../flowHelpers.js';
import { flowSetup } from '../flowSetup.js';
import { editSecret, emptySecret, SECRET_CODE_DIGITS, secretLength } from '../keyEditing.js';
import { flowNotice, noticeOf } from '../noticeOf.js';

/** The one-time code: entry with countdown, confirm, resend. */
export const codeStates = {
  code: flowSetup.createStateConfig({
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
  }),
};
