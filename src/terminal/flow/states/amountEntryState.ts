import { assign } from 'xstate';
import type { Notice } from '../flowTypes.js';
import { isMoney, keyedAmount, pressed } from '../flowHelpers.js';
import { flowSetup } from '../flowSetup.js';
import { editAmount, maxAmountDigits } from '../keyEditing.js';

/**
 * An amount field (the sale's amount, a refund's): digits fill from the right, BACKSPACE and
 * CLEAR edit, each accepted key restarts the inactivity timer; OK with zero or over the
 * terminal's limit is refused with a notice, otherwise goes on to `next`.
 */
export function amountEntryState(self: 'amount' | 'refundAmount', next: 'pin' | 'refunding') {
  return flowSetup.createStateConfig({
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
          target: self,
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
          target: self,
          reenter: true,
          actions: [
            assign({ notice: ({ context }) => keyedAmount(context) as Notice }),
            { type: 'beep', params: { tone: 'error' } },
          ],
        },
        { guard: pressed('OK'), target: next, actions: 'clearNotice' },
        { guard: pressed('CANCEL'), target: 'cancelled', actions: 'cancelledByKey' },
        { actions: { type: 'beep', params: { tone: 'key' } } },
      ],
    },
  });
}
