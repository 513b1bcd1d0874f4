// Speed paths that must not change findings: a narrowed rule set (only the rules whose triggers
// occur, small scans), the lazily compiled Query, and macro shadows parsed with includedRanges.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { EXPANDED_MACROS, expandMacros, macroNamesAt, shadowInput, shadowSource } from '../src/engine/macros.js';
import { matchSource } from '../src/engine/match.js';
import { loadRust, parseRust } from '../src/engine/parser.js';
import { compileRuleSet, containsToken, mayMatch, type RuleSet } from '../src/engine/registry.js';
import { ROOT } from './helpers/cli.js';

const fixtures: { name: string; source: string }[] = [];
for (const id of readdirSync(path.join(ROOT, 'fixtures/rules'))) {
  for (const f of readdirSync(path.join(ROOT, 'fixtures/rules', id))) {
    if (f === 'invalid.rs' || f === 'valid.rs') fixtures.push({ name: `${id}/${f}`, source: readFileSync(path.join(ROOT, 'fixtures/rules', id, f), 'utf8') });
  }
}

let full: RuleSet;
beforeAll(async () => {
  await loadRust();
  full = compileRuleSet(builtinRules);
});

describe('narrowed and lazy rule sets', () => {
  it('find exactly what the full rule set finds, on every rule fixture', () => {
    expect(fixtures.length).toBeGreaterThan(20);
    for (const { name, source } of fixtures) {
      const ids = new Set(full.rules.filter((r) => r.def.query && mayMatch(r, source)).map((r) => r.def.id));
      if (ids.size === 0) continue;
      const narrow = compileRuleSet(builtinRules.filter((d) => ids.has(d.id)));
      const opts = { includeTests: true };
      expect(matchSource(name, source, narrow, opts), name).toEqual(matchSource(name, source, full, opts));
    }
  });

  it('a lazy rule set has the same hash and compiles its Query on first use', () => {
    const lazy = compileRuleSet(builtinRules, { lazyQuery: true });
    expect(lazy.hash).toBe(full.hash);
    const { source, name } = fixtures.find((f) => f.name.startsWith('useless-format/invalid'))!;
    expect(matchSource(name, source, lazy).findings).toEqual(matchSource(name, source, full).findings);
    expect(lazy.query!.patternCount()).toBe(full.query!.patternCount());
  });
});

describe('prefilter tokens', () => {
  it('matches whole tokens where the literal starts or ends with a word character', () => {
    expect(containsToken('let t = thread::spawn(f);', 'read')).toBe(false);
    expect(containsToken('let r = lock.read();', 'read')).toBe(true);
    expect(containsToken('read()', 'read')).toBe(true);
    expect(containsToken('x.read', 'read')).toBe(true);
    expect(containsToken('a != b', '!')).toBe(true);
    expect(containsToken('Vec::new_in(a)', 'Vec::new')).toBe(false);
    expect(containsToken('x_read + reader + read_x', 'read')).toBe(false);
  });
});

describe('macro shadows', () => {
  it('finds the same invocations at every level from token positions as from the regex', () => {
    const nested = 'fn f(v: &[u8]) {\n    println!("{}", format!("{:?}", vec![v.len(); 2]));\n    assert_eq! (format !("{}", 1), "1");\n    my_format!(x); xprintln!(y);\n}\n';
    const levels = (source: string, names?: ReturnType<typeof macroNamesAt>) => {
      const tree = parseRust(source);
      const shadows = expandMacros(source, tree, () => true, names);
      const out = shadows.map((sh) => sh.expansions.map((e) => `${sh.level}:${e.name}:${e.interiorStart}-${e.interiorEnd}`));
      tree.delete();
      for (const sh of shadows) sh.tree.delete();
      return out;
    };
    // an independent finder of the names: a regex over the text
    const nameRegex = new RegExp(`\\b(${[...EXPANDED_MACROS].join('|')})\\s*!`, 'g');
    let compared = 0;
    for (const source of [nested, ...fixtures.map((f) => f.source)]) {
      const viaRegex = levels(source, [...source.matchAll(nameRegex)].map((m) => ({ at: m.index, name: m[1]! })));
      expect(levels(source)).toEqual(viaRegex);
      compared += viaRegex.flat().length;
    }
    expect(levels(nested)).toEqual([['1:println:30-69', '1:assert_eq:88-110'], ['2:format:44-68', '2:format:97-104'], ['3:vec:57-67']]);
    expect(compared).toBeGreaterThan(50);
  });

  it('parsing only the invocations (includedRanges) gives the trees of the blanked shadow source', () => {
    const dump = (n: import('web-tree-sitter').Node): string =>
      `${n.type}:${n.startIndex}-${n.endIndex}(${n.children.map((c) => dump(c!)).join(' ')})`;
    let levels = 0;
    for (const { source } of fixtures) {
      const tree = parseRust(source);
      const shadows = expandMacros(source, tree, () => true);
      for (const sh of shadows) {
        levels++;
        const a = parseRust(shadowSource(source, sh.expansions));
        const inp = shadowInput(source, sh.expansions);
        const b = parseRust(inp.text, inp.ranges);
        expect(b.rootNode.children.map((c) => dump(c!))).toEqual(a.rootNode.children.map((c) => dump(c!)));
        a.delete();
        b.delete();
      }
      tree.delete();
      for (const sh of shadows) sh.tree.delete();
    }
    expect(levels).toBeGreaterThan(10);
  });
});
