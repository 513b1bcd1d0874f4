// The one shape every rule has, built-in or user-defined (architecture.md "Rules").
import type { Node } from 'web-tree-sitter';
import type { FileContext } from './context.js';

export type Tier = 'safe' | 'verify' | 'report-only';
export type Severity = 'error' | 'warning' | 'note';
export type Family = 'alloc' | 'collections' | 'sync' | 'async' | 'strings' | 'indexing' | 'cargo';

export const FAMILIES: readonly Family[] = ['alloc', 'collections', 'sync', 'async', 'strings', 'indexing', 'cargo'];
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];
export const TIERS: readonly Tier[] = ['safe', 'verify', 'report-only'];

/** A text replacement in UTF-16 indices of the file's source (the unit of JS strings and magic-string). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** One query match, with its captures by name. `node` is the `@match` capture (or the first capture). */
export interface RuleMatch {
  readonly node: Node;
  /** The named capture; throws if the query has no such capture in this match. */
  cap(name: string): Node;
  /** The named capture, or undefined when an optional capture did not match. */
  opt(name: string): Node | undefined;
  /** All nodes captured under a name (quantified captures). */
  all(name: string): Node[];
}

/** What `check` may return: false to drop the match, or overrides for this one finding. */
export interface CheckResult {
  message?: string;
  help?: string;
  /** A finding may be downgraded (never upgraded) from the rule's tier, e.g. safe → verify. */
  tier?: Tier;
  /** Report at another node than `@match`. */
  node?: Node;
}

export interface RuleExample {
  before: string;
  after: string;
}

export interface RuleDef {
  id: string;
  family: Family;
  severity: Severity;
  tier: Tier;
  /** Equivalent clippy lint, e.g. `clippy::useless_format`, or null. */
  clippy: string | null;
  message: string;
  help: string;
  /** Why it is slow, when it is not, the fix, the tier. Markdown-ish plain text. */
  docs: string;
  example: RuleExample;
  /** Other ids this rule is known by (accepted by --only/--skip and suppressions). */
  aliases?: string[];
  /** tree-sitter query over Rust; `@match` marks the reported node. Absent for manifest rules. */
  query?: string;
  check?: (m: RuleMatch, ctx: FileContext) => boolean | CheckResult;
  fix?: (m: RuleMatch, ctx: FileContext) => Edit[] | null;
  /** Manifest rules (family cargo) inspect Cargo.toml instead of Rust trees. */
  manifest?: (manifest: ManifestInput) => ManifestFinding[];
  /** Marks a fix that is off unless the user opts in with --only (report-only rules with a guided fix). */
  optInFix?: boolean;
  /** Where a user rule was defined (shown in load errors); absent for built-in rules. */
  source?: string;
  /** Crates the fix needs, as `cargo add` arguments (e.g. `dashmap@6`); apply adds them. */
  fixDependencies?: string[];
  /**
   * `file` when check/fix read function or impl bodies other than the one holding the match
   * (e.g. every struct literal of a type in the file). Files where such a rule may match are
   * parsed whole; otherwise bodies of items without a trigger are left out (partial.ts).
   */
  scope?: 'file';
  /**
   * Tokens the check needs beyond what the query names, as an AND of OR-sets of whole tokens:
   * one token of each set occurs in the item (function, or impl/trait member) holding every
   * finding, or in the file for `scope: 'file'` rules. E.g. a check that keeps only matches
   * inside a `for`/`while`/`loop` body: `[['for', 'while', 'loop']]`. Added to the triggers the
   * query gives (registry.ts), so files and bodies without them are not parsed for this rule.
   */
  requires?: string[][];
}

export interface ManifestInput {
  path: string;
  source: string;
  data: Record<string, unknown>;
  /** True when this manifest is the workspace root (where [profile.*] takes effect). */
  isWorkspaceRoot: boolean;
}

export interface ManifestFinding {
  start: number;
  end: number;
  message?: string;
  help?: string;
  edits?: Edit[];
}

/** `requires` of a rule whose check keeps only matches inside a `for`/`while`/`loop` body. */
export const INSIDE_LOOP: string[][] = [['for', 'while', 'loop']];

export function defineRule(def: RuleDef): RuleDef {
  return def;
}

/** A finding in file coordinates; lines and columns are 1-based, columns in Unicode scalar values. */
export interface Finding {
  ruleId: string;
  family: Family;
  severity: Severity;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** UTF-16 offsets into the file (not part of the JSON contract). */
  start: number;
  end: number;
  message: string;
  help: string;
  clippy: string | null;
  tier: Tier;
  edits: PositionedEdit[] | null;
}

/** An edit with its 1-based line/column span in the original file (for JSON and SARIF). */
export interface PositionedEdit extends Edit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}
