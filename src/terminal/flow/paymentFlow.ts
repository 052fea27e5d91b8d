import { DEFAULT_FLOW_SETTINGS } from './flowTypes.js';
import { cleared } from './flowHelpers.js';
import { flowSetup } from './flowSetup.js';
import { emptySecret } from './keyEditing.js';
import { batchStates } from './states/batchStates.js';
import { bootStates } from './states/bootStates.js';
import { cardStates } from './states/cardStates.js';
import { codeStates } from './states/codeStates.js';
import { resultStates } from './states/resultStates.js';
import { saleStates } from './states/saleStates.js';
import { supervisorStates } from './states/supervisorStates.js';

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
export const paymentFlow = flowSetup.createMachine({
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
    ...bootStates,
    ...cardStates,
    ...saleStates,
    ...codeStates,
    ...resultStates,
    ...supervisorStates,
    ...batchStates,
  },
});

export type PaymentFlow = typeof paymentFlow;
