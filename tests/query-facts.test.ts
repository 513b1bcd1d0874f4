// The query facts the build stores (scripts/query-facts.js) are exactly what a run would derive,
// and a file of other code is ignored.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { deriveQueryFacts, type StoredFacts } from '../src/engine/query-facts.js';
import { compileRuleSet } from '../src/engine/registry.js';
import { planShapes, planShapesOf } from '../src/engine/shapes.js';
import { ROOT } from './helpers/cli.js';

const BUILT = path.join(ROOT, 'dist/query-facts.json');

describe('query facts', () => {
  it('stored by the build for every built-in query, equal to the derived ones', () => {
    expect(existsSync(BUILT)).toBe(true); // npm test builds first
    const stored = JSON.parse(readFileSync(BUILT, 'utf8')) as StoredFacts;
    const queries = builtinRules.filter((r) => r.query).map((r) => r.query!);
    expect(Object.keys(stored.queries).sort()).toEqual([...new Set(queries)].sort());
    for (const q of queries) expect(stored.queries[q]).toEqual(JSON.parse(JSON.stringify(deriveQueryFacts(q))));
    expect(stored.fingerprint).toMatch(/^[0-9a-f]{12}$/);
  });

  it('give the rule set the same patterns, triggers and shape plan as the combined query text', () => {
    const rules = compileRuleSet(builtinRules, { lazyQuery: true });
    // the same patterns (split from the combined text, the newline joining two queries ends the first)
    expect(rules.patternFacts.map((f) => f.text.trim())).toEqual(deriveQueryFacts(rules.querySource).map((f) => f.text.trim()));
    expect(rules.patternFacts.map((f) => f.triggers)).toEqual(deriveQueryFacts(rules.querySource).map((f) => f.triggers));
    expect(rules.byPattern.length).toBe(rules.patternFacts.length);
    const fromText = planShapes(rules.querySource);
    const fromFacts = planShapesOf(rules.patternFacts);
    expect(fromFacts.text).toBe(fromText.text);
    expect(fromFacts.members.map((ms) => ms.map((m) => [m.pattern, m.names, m.predicates.length, m.prefilter && [...m.prefilter]]))).toEqual(
      fromText.members.map((ms) => ms.map((m) => [m.pattern, m.names, m.predicates.length, m.prefilter && [...m.prefilter]])),
    );
  });

  it('trusted rules are not validated again; others are', () => {
    const bad = { ...builtinRules.find((r) => r.query)!, id: 'Not_Kebab' };
    expect(() => compileRuleSet([bad], { lazyQuery: true })).toThrow(/kebab-case/);
    expect(() => compileRuleSet([bad], { lazyQuery: true, trusted: new Set([bad]) })).not.toThrow();
  });
});
