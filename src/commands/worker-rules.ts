// How a scan worker thread rebuilds the caller's rule set (engine/workers.ts RuleRecipe): the same
// setup() from the same options, so user rules and rxfix.toml settings apply in every thread.
import type { RuleSet } from '../engine/registry.js';
import { setup, type SetupOptions } from './setup.js';

export async function workerRuleSet(opts: SetupOptions): Promise<RuleSet> {
  return (await setup({ ...opts, grammarWhenNeeded: false })).ruleSet;
}

export const WORKER_RULES_MODULE = new URL('./worker-rules.js', import.meta.url).href;
