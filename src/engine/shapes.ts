// The combined query with each pattern *shape* once. Rules often match the same structure and
// differ only in predicates (a dozen rules look at `recv.method(..)` for different method names);
// tree-sitter walks every pattern separately, so the combined query cost 2.6 s on 12 MB where
// its 47 distinct shapes cost 1.6 s and the bare tree walk 0.9 s. Matches of a shape are
// dispatched to the patterns that share it, with their own capture names and predicates,
// evaluated here exactly as web-tree-sitter evaluates them (tests/partial.test.ts compares).
import type { Node, Query, QueryCapture } from 'web-tree-sitter';
import { compileQuery } from './parser.js';
import { deriveQueryFacts, type PatternFacts } from './query-facts.js';
import type { PredicateUse } from './query-text.js';

export interface ShapeMember {
  /** Index of the pattern in the rule set's combined query (RuleSet.byPattern). */
  pattern: number;
  /** Original capture name for each canonical capture `@cK`. */
  names: string[];
  predicates: ((captures: QueryCapture[]) => boolean)[];
  /** Canonical capture index → literals its text must start with (a necessary condition). */
  prefilter: Map<number, string[]> | null;
}

export interface ShapeSet {
  query: Query;
  /** For each capture index of `query`: its canonical index K (`@cK`). */
  canonical: number[];
  /** For each shape (pattern of `query`): the original patterns with that shape, in order. */
  members: ShapeMember[][];
}

/** The shape query's text and, per shape, the original patterns with that shape. */
export interface ShapePlan {
  text: string;
  members: ShapeMember[][];
}

export function planShapes(querySource: string): ShapePlan {
  return planShapesOf(deriveQueryFacts(querySource));
}

/** planShapes() of the patterns a rule set has derived already (RuleSet.patternFacts). */
export function planShapesOf(patterns: readonly PatternFacts[]): ShapePlan {
  const texts: string[] = [];
  const members: ShapeMember[][] = [];
  patterns.forEach(({ shape }, pattern) => {
    let s = texts.indexOf(shape.text);
    if (s < 0) {
      s = texts.push(shape.text) - 1;
      members.push([]);
    }
    members[s]!.push({ pattern, names: shape.captures, predicates: shape.predicates.map((u) => predicate(u, shape.captures)), prefilter: prefilterOf(shape.predicates, shape.captures) });
  });
  return { text: texts.join('\n'), members };
}

export function buildShapes(plan: ShapePlan): ShapeSet {
  const query = compileQuery(plan.text);
  const canonical = query.captureNames.map((n) => Number(n.slice(1)));
  return { query, canonical, members: plan.members };
}

/** `#eq?`/`#any-of?` against strings: the capture's text must start with one of them. */
function prefilterOf(preds: readonly PredicateUse[], captures: readonly string[]): Map<number, string[]> | null {
  const out = new Map<number, string[]>();
  for (const p of preds) {
    if (p.name !== 'eq?' && p.name !== 'any-of?') continue;
    const [cap, ...rest] = p.args;
    if (cap?.kind !== 'capture' || rest.length === 0 || rest.some((r) => r.kind !== 'string')) continue;
    const k = captures.indexOf(cap.text.slice(1));
    if (k < 0) continue;
    const lits = rest.map((r) => r.text);
    const prev = out.get(k);
    if (!prev || lits.length < prev.length) out.set(k, lits);
  }
  return out.size > 0 ? out : null;
}

const textsOf = (captures: readonly QueryCapture[], name: string): string[] => {
  const out: string[] = [];
  for (const c of captures) if (c.name === name) out.push(c.node.text);
  return out;
};

/** One text predicate with web-tree-sitter 0.27's semantics (parseAnyPredicate & co). */
function predicate(p: PredicateUse, captures: readonly string[]): (captures: QueryCapture[]) => boolean {
  const op = p.name;
  const [first, ...rest] = p.args;
  const fail = (why: string) => {
    throw new Error(`query predicate #${op}: ${why}`);
  };
  if (first?.kind !== 'capture' || !captures.includes(first.text.slice(1))) fail('first argument must be a capture of the pattern');
  const name = first!.text.slice(1);
  const positive = !op.includes('not-');
  // `#eq?`/`#match?` hold for every capture node, their `any-` forms for some
  const holds = (texts: string[], test: (x: string) => boolean) => (op.startsWith('any-') ? texts.some(test) : texts.every(test));
  switch (op) {
    case 'eq?':
    case 'not-eq?':
    case 'any-eq?':
    case 'any-not-eq?': {
      const second = rest[0];
      if (rest.length !== 1 || !second) return fail('expects two arguments');
      const same = (x: string, y: string) => (x === y) === positive;
      if (second.kind === 'capture') {
        const other = second.text.slice(1);
        return (cs) => {
          const b = textsOf(cs, other);
          return holds(textsOf(cs, name), (x) => b.some((y) => same(x, y)));
        };
      }
      const value = second.text;
      return (cs) => holds(textsOf(cs, name), (x) => same(x, value));
    }
    case 'match?':
    case 'not-match?':
    case 'any-match?':
    case 'any-not-match?': {
      if (rest.length !== 1 || rest[0]!.kind !== 'string') return fail('expects a capture and a string');
      const re = new RegExp(rest[0]!.text);
      return (cs) => {
        const a = textsOf(cs, name);
        return a.length === 0 ? !positive : holds(a, (x) => re.test(x) === positive);
      };
    }
    case 'any-of?':
    case 'not-any-of?': {
      if (rest.some((r) => r.kind !== 'string')) return fail('arguments must be strings');
      const values = rest.map((r) => r.text);
      return (cs) => {
        const a = textsOf(cs, name);
        if (a.length === 0) return !positive;
        return a.every((x) => values.includes(x)) === positive;
      };
    }
    default:
      return fail('unknown predicate');
  }
}

/** Renames a shape match's canonical captures to `member`'s names. */
export function renamed(set: ShapeSet, member: ShapeMember, captureIndex: readonly number[], nodes: readonly Node[]): QueryCapture[] {
  const out: QueryCapture[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) out[i] = { patternIndex: member.pattern, name: member.names[set.canonical[captureIndex[i]!]!]!, node: nodes[i]! };
  return out;
}
