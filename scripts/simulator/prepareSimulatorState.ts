import type { HostContext } from '../../src/host/HostContext.js';
import { enrollFreshAccount, firstRun } from './firstRun.js';
import type { SimulatorPaths } from './simulatorPaths.js';
import { loadSimulatorState, type SimulatorState } from './SimulatorState.js';
import { verifySimulatorState } from './verifySimulatorState.js';

/** How the current customer came to be: enrolled just now, or resumed from an earlier start. */
export type Enrollment = 'first-run' | 'fresh-account' | 'resumed';

/**
 * The simulator's state for this start: on a first run (no `simulator.json`) the demo data is
 * enrolled; otherwise the saved state is loaded and checked against the host's database, and
 * with `freshAccount` a new customer is enrolled. A first run already enrolls a new customer,
 * so `freshAccount` adds nothing to it.
 */
export async function prepareSimulatorState(
  ctx: HostContext,
  paths: SimulatorPaths,
  options: { freshAccount: boolean },
): Promise<{ state: SimulatorState; enrollment: Enrollment }> {
  const saved = loadSimulatorState(paths.stateFile);
  if (!saved) return { state: await firstRun(ctx, paths), enrollment: 'first-run' };
  await verifySimulatorState(ctx, paths, saved, { customer: !options.freshAccount });
  if (!options.freshAccount) return { state: saved, enrollment: 'resumed' };
  return { state: await enrollFreshAccount(ctx, paths, saved), enrollment: 'fresh-account' };
}
