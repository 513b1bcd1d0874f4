// Matching one file: literal prefilter, one parse, macro shadow levels, one combined query per
// tree, exclusion of non-code contexts, rule checks and fixes. Pure apart from the WASM parser.
import type { Node, QueryMatch, Tree } from 'web-tree-sitter';
import { FileContext, type CrateInfo } from './context.js';
import { expandMacros } from './macros.js';
import { parseRust } from './parser.js';
import { mayMatch, type CompiledRule, type RuleSet } from './registry.js';
import type { CheckResult, Edit, Finding, PositionedEdit, RuleMatch, Severity, Tier } from './rule.js';
import { parseIgnores, suppressedBy, type IgnoreDirective } from './suppress.js';

export interface MatchOptions {
  severity?: ReadonlyMap<string, Severity>;
  includeTests?: boolean;
  crate?: CrateInfo;
  /** Rules whose opt-in (guided) fix the user asked for with --only. */
  optIn?: ReadonlySet<string>;
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

function hasExcludedAncestor(node: Node): boolean {
  for (let cur = node.parent; cur; cur = cur.parent) {
    if (NEVER_INSIDE.has(cur.type)) return true;
  }
  return false;
}

function insideExcluded(ctx: FileContext, node: Node): boolean {
  if (hasExcludedAncestor(node)) return true;
  // A node from a macro's shadow tree must lie within the invocation's arguments.
  if (node.tree !== ctx.tree) {
    const e = ctx.expansionOf(node);
    if (!e) return true;
    for (const a of ctx.ancestors(e.invocation)) if (NEVER_INSIDE.has(a.type) && a.type !== 'token_tree') return true;
  }
  return false;
}

function activeRules(rules: RuleSet, source: string, only?: ReadonlySet<string>): CompiledRule[] {
  const seen = new Map<string, boolean>(); // rules share literals (`clone`, `lock`, `format`...)
  return rules.rules.filter((r) => r.def.query && (!only || only.has(r.def.id)) && mayMatch(r, source, seen));
}

export function matchSource(path: string, source: string, rules: RuleSet, opts: MatchOptions = {}): FileResult {
  const active = activeRules(rules, source);
  if ((active.length === 0 && !source.includes('rxfix-ignore')) || !rules.query) return { findings: [], parseErrors: false, ignores: [], parsed: false };
  // A BOM would make the first item an ERROR; a space keeps every index in place.
  const parseText = source.charCodeAt(0) === 0xfeff ? ' ' + source.slice(1) : source;
  const tree = parseRust(parseText);
  const trees: Tree[] = [tree];
  try {
    const shadows = expandMacros(parseText, tree, (inv) => !hasExcludedAncestor(inv));
    trees.push(...shadows.map((s) => s.tree));
    const ctx = new FileContext(path, source, tree, shadows, opts.crate ?? { noStd: false, edition: null });
    const ignores = parseIgnores(source, tree, ctx.lines);
    const activeIds = new Set(active.map((r) => r.def.id));
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const t of trees) {
      for (const m of rules.query.matches(t.rootNode)) {
        const rule = rules.byPattern[m.patternIndex];
        if (!rule || !activeIds.has(rule.def.id)) continue;
        const f = evaluate(rule, new Captures(rule.def.id, m), ctx, opts);
        if (!f) continue;
        const key = `${f.ruleId}:${f.start}:${f.end}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (suppressedBy(ignores, [rule.def.id, ...(rule.def.aliases ?? [])], f.line)) continue;
        findings.push(f);
      }
    }
    return { findings: sortFindings(findings), parseErrors: tree.rootNode.hasError, ignores, parsed: true };
  } finally {
    for (const t of trees) t.delete();
  }
}

function evaluate(rule: CompiledRule, m: RuleMatch, ctx: FileContext, opts: MatchOptions): Finding | null {
  const def = rule.def;
  if (insideExcluded(ctx, m.node)) return null;
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
