/**
 * Prints how much of the payment flow the generated paths cover: state nodes visited / state
 * nodes, transition definitions taken / transition definitions, and any never visited.
 * Generates the paths from the machine and replays each one on the real flow (manual clock,
 * scripted actors), as `src/terminal/flow/paymentFlow.paths.test.ts` does.
 *
 *   npx tsx scripts/flow-coverage.ts          (npm run flow:coverage)
 *
 * Exits with status 1 when something is not covered or a path does not replay.
 */
import { exploreFlow, FlowCoverage, replayPath } from '../src/terminal/flow/flowModel.js';

const started = performance.now();
const graph = exploreFlow();
const coverage = new FlowCoverage();
const failures: string[] = [];
for (const path of graph.paths) {
  try {
    await replayPath(path, { coverage });
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  }
}
const report = coverage.report();
const seconds = ((performance.now() - started) / 1000).toFixed(1);

console.log(report.summary);
console.log(
  `${graph.paths.length} paths (${graph.paths.reduce((n, p) => n + p.steps.length, 0)} steps) ` +
    `from ${graph.stateCount} model states and ${graph.edgeCount} model edges, in ${seconds} s`,
);
for (const state of report.missingStates) console.log(`  state never visited: ${state}`);
for (const transition of report.missingTransitions) {
  console.log(`  transition never taken: ${transition}`);
}
for (const failure of failures) console.log(`  path failed: ${failure}`);

const complete =
  failures.length === 0 &&
  report.missingStates.length === 0 &&
  report.missingTransitions.length === 0;
process.exitCode = complete ? 0 : 1;
