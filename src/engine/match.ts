// Matching one file: literal prefilter, one parse, macro shadow levels, one combined query per
// tree, exclusion of non-code contexts, rule checks and fixes. Pure apart from the WASM parser.
import type { Node, QueryMatch, Tree } from 'web-tree-sitter';
import { FileContext, TreeParents, type CrateInfo } from './context.js';
import { shapeMatches } from './lean-matches.js';
import { EXPANDED_MACROS, expandMacros, macroNamesAt } from './macros.js';
import { parseRust } from './parser.js';
import { literalOccurrences, partialRanges } from './partial.js';
import { hasQuerySnapshot } from './query-snapshot.js';
import { buildShapes, planShapesOf, type ShapePlan, type ShapeSet } from './shapes.js';
import { triggered, type CompiledRule, type RuleSet } from './registry.js';
import type { CheckResult, Edit, Finding, PositionedEdit, RuleMatch, Severity, Tier } from './rule.js';
import { parseIgnores, suppressedBy, type IgnoreDirective } from './suppress.js';

export interface MatchOptions {
  severity?: ReadonlyMap<string, Severity>;
  includeTests?: boolean;
  crate?: CrateInfo;
  /** Rules whose opt-in (guided) fix the user asked for with --only. */
  optIn?: ReadonlySet<string>;
  /** False: parse whole files, never only the items that hold triggers (--no-partial). */
  partial?: boolean;
}

export interface FileResult {
  findings: Finding[];
  /** Set when the file has syntax errors: findings still come where it parses, fixes do not. */
  parseErrors: boolean;
  ignores: IgnoreDirective[];
  /** False when the prefilter proved no rule can match (nothing parsed). */
  parsed: boolean;
}

/** Node types under which nothing is ever matched (architecture.md "Rules"). */
const NEVER_INSIDE = new Set([
  'string_literal', 'raw_string_literal', 'char_literal', 'line_comment', 'block_comment',
  'attribute_item', 'inner_attribute_item', 'macro_definition', 'token_tree', 'ERROR',
]);

const TIER_RANK: Record<Tier, number> = { safe: 0, verify: 1, 'report-only': 2 };

class Captures implements RuleMatch {
  readonly node: Node;
  constructor(
    private readonly rule: string,
    private readonly match: QueryMatch,
  ) {
    this.node = (match.captures.find((c) => c.name === 'match') ?? match.captures[0]!).node;
  }
  cap(name: string): Node {
    const n = this.opt(name);
    if (!n) throw new Error(`rule \`${this.rule}\`: capture @${name} is missing from this match`);
    return n;
  }
  opt(name: string): Node | undefined {
    return this.match.captures.find((c) => c.name === name)?.node;
  }
  all(name: string): Node[] {
    return this.match.captures.filter((c) => c.name === name).map((c) => c.node);
  }
}

/**
 * True when an ancestor of `node` (in its own tree) is a never-matched context. `memo` (node id →
 * answer, one per file) stops the walk at the first ancestor already answered: matches share
 * most of their ancestors, and each step up is a WASM call.
 */
function hasExcludedAncestor(node: Node, parents: TreeParents, memo?: Map<number, boolean>): boolean {
  const path: number[] = [];
  let result = false;
  for (let cur = parents.of(node); cur; cur = parents.of(cur)) {
    if (NEVER_INSIDE.has(cur.type)) {
      result = true;
      break;
    }
    const known = memo?.get(cur.id);
    if (known !== undefined) {
      result = known;
      break;
    }
    path.push(cur.id);
  }
  // every node walked past has the same answer as `node` (the ancestors above them decide it)
  if (memo) for (const id of path) memo.set(id, result);
  return result;
}

function insideExcluded(ctx: FileContext, node: Node, memo: Map<number, boolean>): boolean {
  if (hasExcludedAncestor(node, ctx.treeParents, memo)) return true;
  // A node from a macro's shadow tree must lie within the invocation's arguments.
  if (node.tree !== ctx.tree) {
    const e = ctx.expansionOf(node);
    if (!e) return true;
    for (const a of ctx.ancestors(e.invocation)) if (NEVER_INSIDE.has(a.type) && a.type !== 'token_tree') return true;
  }
  return false;
}

const literalSets = new WeakMap<RuleSet, Set<string>>();
/** Every trigger literal of the rule set, and the names of the macros expandMacros expands. */
function literalsOf(rules: RuleSet): Set<string> {
  let set = literalSets.get(rules);
  if (!set) {
    set = new Set(EXPANDED_MACROS);
    for (const r of rules.rules) for (const sets of r.triggers) for (const alt of sets) for (const lit of alt) set.add(lit);
    literalSets.set(rules, set);
  }
  return set;
}

export function matchSource(path: string, source: string, rules: RuleSet, opts: MatchOptions = {}): FileResult {
  const occurrences = literalOccurrences(source, literalsOf(rules));
  const active = rules.rules.filter((r) => r.def.query && triggered(r, (lit) => occurrences.has(lit)));
  const suppressions = source.includes('rxfix-ignore');
  if ((active.length === 0 && !suppressions) || !rules.querySource) return { findings: [], parseErrors: false, ignores: [], parsed: false };
  // A BOM would make the first item an ERROR; a space keeps every index in place.
  const parseText = source.charCodeAt(0) === 0xfeff ? ' ' + source.slice(1) : source;
  // Suppression comments anywhere must be seen (unused-ignore reports); file-scope rules read other bodies.
  const partial = opts.partial !== false && !suppressions && !active.some((r) => r.def.scope === 'file');
  // before the first parse: the heap is then as fresh as at build time (query-snapshot.ts)
  const shapes = shapesOf(rules);
  const tree = parseRust(parseText, (partial && partialRanges(parseText, active, occurrences)) || undefined);
  const trees: Tree[] = [tree];
  const texts: string[] = [parseText];
  try {
    const excludedMemo = new Map<number, boolean>();
    const parents = new TreeParents();
    const shadows = expandMacros(parseText, tree, (inv) => !hasExcludedAncestor(inv, parents, excludedMemo), macroNamesAt(occurrences));
    for (const s of shadows) {
      trees.push(s.tree);
      texts.push(s.text);
    }
    const ctx = new FileContext(path, source, tree, shadows, opts.crate ?? { noStd: false, edition: null }, parents);
    const ignores = parseIgnores(source, tree, ctx.lines);
    const activePatterns = new Uint8Array(rules.byPattern.length);
    for (const r of active) activePatterns.fill(1, r.patternStart, r.patternEnd);
    // One finding per rule and span: the real tree before macro shadows, then the rule's first
    // pattern (shapes.ts may deliver one node's matches in another order than the combined query).
    const best = new Map<string, { tree: number; pattern: number; finding: Finding }>();
    for (let i = 0; i < trees.length; i++) {
      for (const m of shapeMatches(shapes, trees[i]!, texts[i]!, activePatterns)) {
        const rule = rules.byPattern[m.patternIndex];
        if (!rule) continue;
        const f = evaluate(rule, new Captures(rule.def.id, m), ctx, opts, excludedMemo);
        if (!f) continue;
        const key = `${f.ruleId}:${f.start}:${f.end}`;
        const prev = best.get(key);
        if (prev && (prev.tree < i || (prev.tree === i && prev.pattern <= m.patternIndex))) continue;
        best.set(key, { tree: i, pattern: m.patternIndex, finding: f });
      }
    }
    const findings: Finding[] = [];
    for (const { finding, pattern } of best.values()) {
      const rule = rules.byPattern[pattern]!;
      if (!suppressedBy(ignores, [rule.def.id, ...(rule.def.aliases ?? [])], finding.line)) findings.push(finding);
    }
    return { findings: sortFindings(findings), parseErrors: tree.rootNode.hasError, ignores, parsed: true };
  } finally {
    for (const t of trees) t.delete();
  }
}

/** Compiles what matching needs now rather than at the first file (a worker does it while idle). */
export function prepareMatching(rules: RuleSet): void {
  if (rules.querySource) shapesOf(rules);
}

const shapePlans = new WeakMap<RuleSet, ShapePlan>();
function planOf(rules: RuleSet): ShapePlan {
  let plan = shapePlans.get(rules);
  if (!plan) shapePlans.set(rules, (plan = planShapesOf(rules.patternFacts)));
  return plan;
}

/** True when the rule set's shape query costs little: built already, or restorable from a snapshot (query-snapshot.ts). */
export function shapesRestorable(rules: RuleSet): boolean {
  return rules.querySource !== '' && (shapeSets.has(rules.querySource) || hasQuerySnapshot(planOf(rules).text));
}

/**
 * Shape queries by query text, the most recently used last: a rule set built again from the
 * same rules (every scan of a long-lived `rxfix server`) reuses the compiled query.
 */
const shapeSets = new Map<string, ShapeSet>();
const KEEP_SHAPE_SETS = 8;

/** The rule set's shape query, compiled on first use (a scan the cache answers needs none). */
function shapesOf(rules: RuleSet): ShapeSet {
  let set = shapeSets.get(rules.querySource);
  if (set) shapeSets.delete(rules.querySource);
  else set = buildShapes(planOf(rules));
  shapeSets.set(rules.querySource, set);
  if (shapeSets.size > KEEP_SHAPE_SETS) {
    const [oldest, old] = shapeSets.entries().next().value as [string, ShapeSet];
    shapeSets.delete(oldest);
    old.query.delete();
  }
  return set;
}

function evaluate(rule: CompiledRule, m: RuleMatch, ctx: FileContext, opts: MatchOptions, excludedMemo: Map<number, boolean>): Finding | null {
  const def = rule.def;
  if (insideExcluded(ctx, m.node, excludedMemo)) return null;
  if (!opts.includeTests && ctx.inTestCode(m.node)) return null;
  if (def.clippy && ctx.clippyAllowed(m.node, def.clippy)) return null;
  let result: boolean | CheckResult = true;
  if (def.check) {
    result = def.check(m, ctx);
    if (result === false) return null;
  }
  const over: CheckResult = typeof result === 'object' ? result : {};
  const at = over.node ?? m.node;
  let tier: Tier = def.tier;
  if (over.tier && TIER_RANK[over.tier] > TIER_RANK[tier]) tier = over.tier;
  let edits: Edit[] | null = null;
  if (def.fix && (def.optInFix ? opts.optIn?.has(def.id) : tier !== 'report-only')) {
    // No fix within or next to a syntax error, inside unsafe code, or for a file-level const context.
    const item = ctx.enclosingItem(m.node);
    if (!item.hasError && !ctx.inUnsafe(m.node)) edits = def.fix(m, ctx);
    if (edits && edits.length === 0) edits = null;
  }
  if (!edits && tier !== 'report-only' && def.fix) tier = 'report-only';
  if (edits && def.optInFix) tier = 'verify';
  const start = ctx.lines.position(at.startIndex);
  const end = ctx.lines.position(at.endIndex);
  return {
    ruleId: def.id,
    family: def.family,
    severity: opts.severity?.get(def.id) ?? def.severity,
    path: ctx.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    start: at.startIndex,
    end: at.endIndex,
    message: over.message ?? def.message,
    help: over.help ?? def.help,
    clippy: def.clippy,
    tier,
    edits: edits ? [...edits].sort((a, b) => a.start - b.start || a.end - b.end).map((e) => positioned(ctx, e)) : null,
  };
}

function positioned(ctx: FileContext, e: Edit): PositionedEdit {
  const a = ctx.lines.position(e.start);
  const b = ctx.lines.position(e.end);
  return { start: e.start, end: e.end, text: e.text, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    a.endLine - b.endLine ||
    a.endColumn - b.endColumn
  );
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(compareFindings);
}
