// The body of a scan worker thread (see workers.ts): builds the rule set once, then matches the
// batches of files it is sent and posts the results back. Started by an entry module
// (scan-worker.ts, or the bundle's, scripts/bundle.js) that hands over its own import().
import { parentPort, workerData } from 'node:worker_threads';
import { matchSource, prepareMatching } from './match.js';
import { configureQuerySnapshots } from './query-snapshot.js';
import type { RuleSet } from './registry.js';
import type { RuleRecipe, WorkerReply, WorkerRequest } from './workers.js';

/** `importModule`: the entry's `import()`, for the recipe's module (a bundle evaluated by vm has none of its own). */
export async function runScanWorker(importModule: (url: string) => Promise<unknown>): Promise<void> {
  const port = parentPort!;
  const { recipe, querySnapshots } = workerData as { recipe: RuleRecipe; querySnapshots: string[] };
  configureQuerySnapshots(querySnapshots);
  try {
    const mod = (await importModule(recipe.module)) as { workerRuleSet: (arg: unknown) => Promise<RuleSet> };
    const rules = await mod.workerRuleSet(recipe.arg);
    // Compile the shape query now (~0.5 s), while the main thread still reads files (the pool starts early).
    prepareMatching(rules);
    port.on('message', (m: WorkerRequest) => {
      try {
        const results = m.items.map((it) => ({ index: it.index, result: matchSource(it.shown, it.source, rules, it.opts) }));
        port.postMessage({ type: 'result', id: m.id, results } satisfies WorkerReply);
      } catch (e) {
        port.postMessage({ type: 'error', message: `internal error in a scan worker: ${(e as Error).stack ?? e}` } satisfies WorkerReply);
      }
    });
    port.postMessage({ type: 'ready', hash: rules.hash } satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ type: 'error', message: `a scan worker could not load the rules: ${(e as Error).message}` } satisfies WorkerReply);
  }
}
