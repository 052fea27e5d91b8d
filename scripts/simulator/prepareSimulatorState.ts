import type { HostContext } from '../../src/host/HostContext.js';
import { enrollFreshAccount, firstRun, withTechnicianPassword } from './firstRun.js';
import type { SimulatorPaths } from './simulatorPaths.js';
import { loadSimulatorState, type SimulatorState } from './SimulatorState.js';
import { verifySimulatorState } from './verifySimulatorState.js';

/** How the current customer came to be: enrolled just now, or resumed from an earlier start. */
export type Enrollment = 'first-run' | 'fresh-account' | 'resumed';

/** A simulator state with the technician console's password hash (every state has it now). */
export type PreparedState = SimulatorState & { technicianPasswordHash: string };

/**
 * The simulator's state for this start: on a first run (no `simulator.json`) the demo data is
 * enrolled; otherwise the saved state is loaded and checked against the host's database, and
 * with `freshAccount` a new customer is enrolled. A first run already enrolls a new customer,
 * so `freshAccount` adds nothing to it. A state saved before the technician console existed
 * gets its password hash (see `withTechnicianPassword`).
 */
export async function prepareSimulatorState(
  ctx: HostContext,
  paths: SimulatorPaths,
  options: { freshAccount: boolean },
): Promise<{ state: PreparedState; enrollment: Enrollment }> {
  const saved = loadSimulatorState(paths.stateFile);
  if (!saved) {
    const state = await withTechnicianPassword(paths, await firstRun(ctx, paths));
    return { state, enrollment: 'first-run' };
  }
  await verifySimulatorState(ctx, paths, saved, { customer: !options.freshAccount });
  const current = await withTechnicianPassword(paths, saved);
  if (!options.freshAccount) return { state: current, enrollment: 'resumed' };
  const state = await withTechnicianPassword(paths, await enrollFreshAccount(ctx, paths, current));
  return { state, enrollment: 'fresh-account' };
}
