import { fromPromise as xstateFromPromise } from 'xstate';
import { isPosError } from '../../core/PosError.js';
import { Secret } from '../../core/Secret.js';
import type { PresentedCard } from '../../../drivers/nfc/CardReader.js';
import type { FlowActorIo, FlowCard } from '../flow/flowTypes.js';
import type { EffectDeps } from './EffectDeps.js';
import { authorize } from './authorize.js';
import { cancelPayment } from './cancelPayment.js';
import { confirm, resendOtp } from './confirm.js';
import { printSlip, reprint, waitForPaper } from './printing.js';
import { recover, resolveOutcome } from './recover.js';
import { previewSettlement, settle } from './settle.js';
import { signIn } from './signIn.js';
import { findOriginal, refund, voidSale } from './voidSale.js';

type Actors = {
  [N in keyof FlowActorIo]: ReturnType<
    typeof xstateFromPromise<FlowActorIo[N]['output'], FlowActorIo[N]['input']>
  >;
};

/**
 * `fromPromise` whose failures that are not the customer's or the host's everyday answers
 * (a bug, a damaged journal, a device fault) are logged with their cause before the flow
 * shows them: the screen says what happened, the log says why.
 */
function loggingActors(deps: EffectDeps) {
  return <O, I>(run: (args: { input: I }) => Promise<O>) =>
    xstateFromPromise<O, I>(async (args) => {
      try {
        return await run(args);
      } catch (error) {
        if (!isPosError(error) || error.group === 'internal' || error.group === 'device') {
          deps.logger.error({ error }, 'terminal effect failed');
        }
        throw error;
      }
    });
}

/** Reads the phone's applet; the token goes into a `Secret` at once. */
async function readCard(deps: EffectDeps, card: PresentedCard): Promise<FlowCard> {
  const account = await deps.reader.readAccount(card);
  return { uid: account.uid, token: new Secret(account.token) };
}

/**
 * The flow's named actors, wired to the host client, the journal and the drivers. Each one
 * does one effect and rejects with a `PosError` the flow branches on.
 */
export function createFlowActors(deps: EffectDeps): Actors {
  const fromPromise = loggingActors(deps);
  return {
    signIn: fromPromise(() => signIn(deps)),
    recover: fromPromise(() => recover(deps)),
    readCard: fromPromise(({ input }) => readCard(deps, input.card)),
    authorize: fromPromise(({ input }) => authorize(deps, input)),
    confirm: fromPromise(({ input }) => confirm(deps, input)),
    resendOtp: fromPromise(({ input }) => resendOtp(deps, input)),
    cancelPayment: fromPromise(({ input }) => cancelPayment(deps, input)),
    resolveOutcome: fromPromise(({ input }) => resolveOutcome(deps, input)),
    printSlip: fromPromise(({ input }) => printSlip(deps, input.journalId)),
    verifySupervisor: fromPromise(({ input }) => deps.supervisor.verify(input.password)),
    findOriginal: fromPromise(({ input }) => findOriginal(deps, input.trace)),
    voidSale: fromPromise(({ input }) => voidSale(deps, input)),
    refund: fromPromise(({ input }) => refund(deps, input)),
    previewSettlement: fromPromise(() => previewSettlement(deps)),
    settle: fromPromise(() => settle(deps)),
    reprint: fromPromise(() => reprint(deps)),
    waitForPaper: fromPromise(() => waitForPaper(deps)),
  };
}
