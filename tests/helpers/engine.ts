// Test helpers: load the grammar once, compile rule sets, scan and fix strings.
import { builtinRules } from '../../rules/index.js';
import type { MatchOptions } from '../../src/engine/match.js';
import { matchSource } from '../../src/engine/match.js';
import { loadRust } from '../../src/engine/parser.js';
import { compileRuleSet, type RuleSet } from '../../src/engine/registry.js';
import type { Finding, RuleDef } from '../../src/engine/rule.js';
import { fixSource } from '../../src/fix/fixpoint.js';

export async function ruleSetOf(ids?: readonly string[], extra: readonly RuleDef[] = []): Promise<RuleSet> {
  await loadRust();
  const all = [...builtinRules, ...extra];
  return compileRuleSet(ids ? all.filter((r) => ids.includes(r.id) || extra.includes(r)) : all);
}

export function scan(source: string, rules: RuleSet, opts: MatchOptions = {}, path = 'src/lib.rs'): Finding[] {
  return matchSource(path, source, rules, opts).findings;
}

export function fixAll(source: string, rules: RuleSet, opts: MatchOptions = {}): string {
  return fixSource('src/lib.rs', source, rules, { tiers: new Set(['safe', 'verify']), match: opts }).output;
}
