// Compiles rule definitions into one rule set: every rule validated at load (fail closed), all
// queries combined into one tree-sitter Query (performance-notes.md Q1/Q3), triggers derived.
import { createHash } from 'node:crypto';
import type { Query } from 'web-tree-sitter';
import { RxfixError } from '../errors.js';
import { compileQuery } from './parser.js';
import { queryFacts, type PatternFacts } from './query-facts.js';
import { capturesIn, predicatesIn } from './query-text.js';
import { FAMILIES, SEVERITIES, TIERS, type RuleDef } from './rule.js';

/** Predicates web-tree-sitter evaluates; anything else would be silently ignored by it. */
const KNOWN_PREDICATES = new Set(['eq?', 'not-eq?', 'any-eq?', 'any-not-eq?', 'match?', 'not-match?', 'any-match?', 'any-not-match?', 'any-of?', 'not-any-of?']);

export interface CompiledRule {
  def: RuleDef;
  /** Pattern indices [start, end) of this rule inside the combined query. */
  patternStart: number;
  patternEnd: number;
  /** Per pattern: AND of OR-sets of literals (see query-text.ts). */
  triggers: string[][][];
}

export interface RuleSet {
  rules: CompiledRule[];
  byId: Map<string, CompiledRule>;
  query: Query | null;
  /** Text of the combined query (the lean matcher reads its predicates). */
  querySource: string;
  byPattern: CompiledRule[];
  /** Per pattern of the combined query: its text, triggers and shape (query-facts.ts). */
  patternFacts: readonly PatternFacts[];
  /** Identifies the rule set for caches: ids, tiers, queries and code of every rule. */
  hash: string;
}

export class RuleLoadError extends RxfixError {}

function fail(def: Pick<RuleDef, 'id' | 'source'>, what: string): never {
  const where = def.source ? `${def.source}: ` : '';
  throw new RuleLoadError(`error: ${where}rule \`${def.id}\`: ${what}; fix the rule definition or remove it from the configuration`);
}

/** Capture names a check/fix function asks for with `m.cap('x')`, `m.opt('x')` or `m.all('x')`. */
function capturesUsedByCode(fn: ((...a: never[]) => unknown) | undefined): string[] {
  if (!fn) return [];
  return [...String(fn).matchAll(/\.(?:cap|opt|all)\(\s*['"`]([\w.-]+)['"`]\s*\)/g)].map((m) => m[1]!);
}

export function validateRule(def: RuleDef): void {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(def.id)) fail(def, 'id must be kebab-case');
  if (!FAMILIES.includes(def.family)) fail(def, `family \`${def.family}\` is not one of ${FAMILIES.join(', ')}`);
  if (!SEVERITIES.includes(def.severity)) fail(def, `severity \`${def.severity}\` is not one of ${SEVERITIES.join(', ')}`);
  if (!TIERS.includes(def.tier)) fail(def, `tier \`${def.tier}\` is not one of ${TIERS.join(', ')}`);
  if (!def.message || !def.help || !def.docs) fail(def, 'message, help and docs are required');
  if (def.tier !== 'report-only' && !def.fix && !def.manifest) fail(def, `tier \`${def.tier}\` needs a fix`);
  if (!def.query && !def.manifest) fail(def, 'needs a query (Rust rules) or a manifest check (Cargo.toml rules)');
  if (!def.query) return;
  if (def.requires && !(Array.isArray(def.requires) && def.requires.every((set) => Array.isArray(set) && set.length > 0 && set.every((t) => typeof t === 'string' && t.length > 0)))) {
    fail(def, '`requires` must be a list of non-empty lists of non-empty tokens');
  }
  for (const p of predicatesIn(def.query)) {
    if (!KNOWN_PREDICATES.has(p.name)) fail(def, `unknown query predicate \`#${p.name}\``);
  }
  const captures = capturesIn(def.query);
  for (const name of [...capturesUsedByCode(def.check), ...capturesUsedByCode(def.fix)]) {
    if (!captures.has(name)) fail(def, `check/fix uses capture \`@${name}\`, which the query does not define`);
  }
}

function compileOne(def: RuleDef): Query {
  try {
    return compileQuery(def.query!);
  } catch (e) {
    fail(def, `query does not compile: ${(e as Error).message}`);
  }
}

export interface CompileOptions {
  /**
   * Compile the combined Query on first use of `query` (the largest startup cost, ~2.5 ms per
   * pattern): a scan answered from the result cache never needs it. Only for rules whose queries
   * are known to compile (the built-in ones, tested); user rules must fail at load.
   */
  lazyQuery?: boolean;
  /** Rules known to be valid (the built-in ones, tested): not validated again. */
  trusted?: ReadonlySet<RuleDef>;
}

export function compileRuleSet(defs: readonly RuleDef[], opts: CompileOptions = {}): RuleSet {
  const seen = new Set<string>();
  for (const def of defs) {
    if (!opts.trusted?.has(def)) validateRule(def);
    for (const name of [def.id, ...(def.aliases ?? [])]) {
      if (seen.has(name)) fail(def, `id or alias \`${name}\` is defined twice`);
      seen.add(name);
    }
  }
  const sorted = [...defs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const queryRules = sorted.filter((d) => d.query);
  const factsOf = queryRules.map((d) => queryFacts(d.query!));
  const querySource = queryRules.map((d) => d.query).join('\n');

  const buildQuery = (): Query | null => {
    if (queryRules.length === 0) return null;
    let query: Query;
    try {
      query = compileQuery(querySource);
    } catch {
      queryRules.forEach(compileOne); // names the rule at fault
      throw new RuleLoadError('error: the combined rule query does not compile; report this as an rxfix bug');
    }
    const expected = factsOf.reduce((n, p) => n + p.length, 0);
    if (query.patternCount() !== expected) {
      // Our pattern splitter disagrees with tree-sitter: count each rule by compiling it alone.
      factsOf.forEach((_, i) => {
        const q = compileOne(queryRules[i]!);
        if (q.patternCount() !== factsOf[i]!.length) fail(queryRules[i]!, 'query patterns could not be delimited; wrap each pattern in parentheses');
        q.delete();
      });
    }
    // web-tree-sitter keeps unknown predicates in `predicates` without applying them: fail closed.
    for (let p = 0; p < query.patternCount(); p++) {
      for (const pred of query.predicates[p] ?? []) {
        if (!KNOWN_PREDICATES.has(pred.operator)) throw new RuleLoadError(`error: unknown query predicate \`#${pred.operator}\`; fix the rule definition`);
      }
    }
    return query;
  };
  const query = opts.lazyQuery ? undefined : buildQuery();

  const rules: CompiledRule[] = [];
  const byPattern: CompiledRule[] = [];
  let next = 0;
  for (const def of sorted) {
    const idx = queryRules.indexOf(def);
    const facts = idx >= 0 ? factsOf[idx]! : [];
    const rule: CompiledRule = { def, patternStart: next, patternEnd: next + facts.length, triggers: facts.map((f) => [...f.triggers, ...(def.requires ?? [])]) };
    for (let p = 0; p < facts.length; p++) byPattern.push(rule);
    next += facts.length;
    rules.push(rule);
  }
  const byId = new Map<string, CompiledRule>();
  for (const r of rules) for (const name of [r.def.id, ...(r.def.aliases ?? [])]) byId.set(name, r);
  const hash = createHash('sha256');
  for (const r of rules) {
    const d = r.def;
    hash.update(JSON.stringify([d.id, d.severity, d.tier, d.query ?? '', d.requires ?? [], String(d.check ?? ''), String(d.fix ?? ''), String(d.manifest ?? '')]));
  }
  const set: RuleSet = { rules, byId, query: query ?? null, querySource, byPattern, patternFacts: factsOf.flat(), hash: hash.digest('hex').slice(0, 16) };
  if (opts.lazyQuery) {
    let compiled: Query | null | undefined;
    Object.defineProperty(set, 'query', { enumerable: true, get: () => (compiled === undefined ? (compiled = buildQuery()) : compiled) });
  }
  return set;
}

/** True when some pattern of `rule` has a literal of every trigger set in `has`. */
export function triggered(rule: CompiledRule, has: (lit: string) => boolean): boolean {
  return rule.triggers.some((sets) => sets.every((set) => set.some(has)));
}

/** True when `source` may hold a match of `rule` (its triggers are necessary conditions). */
export function mayMatch(rule: CompiledRule, source: string, memo?: Map<string, boolean>): boolean {
  return triggered(rule, (lit) => {
    if (!memo) return containsToken(source, lit);
    let v = memo.get(lit);
    if (v === undefined) memo.set(lit, (v = containsToken(source, lit)));
    return v;
  });
}

/** An ASCII identifier character (what bounds a whole-token trigger). */
export const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * Calls `found` at each index where `lit` occurs in `source` as a whole token, until it returns
 * false: a trigger is the full text of a node (`#eq?`), so where it starts or ends with a word
 * character the source has no word character next to it (`read` does not occur in `thread`).
 */
export function eachTokenOccurrence(source: string, lit: string, found: (index: number) => boolean | void): void {
  const pre = isWordChar(lit.charCodeAt(0));
  const post = isWordChar(lit.charCodeAt(lit.length - 1));
  for (let i = source.indexOf(lit); i >= 0; i = source.indexOf(lit, i + 1)) {
    if ((!pre || i === 0 || !isWordChar(source.charCodeAt(i - 1))) && (!post || !isWordChar(source.charCodeAt(i + lit.length))) && found(i) === false) return;
  }
}

/** `lit` occurs in `source` as a whole token (see eachTokenOccurrence). Still a necessary condition, much more selective. */
export function containsToken(source: string, lit: string): boolean {
  if (lit.length === 0) return true;
  let seen = false;
  eachTokenOccurrence(source, lit, () => {
    seen = true;
    return false;
  });
  return seen;
}
