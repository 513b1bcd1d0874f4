// Fixing one file's text to a fixpoint: match, take non-overlapping fixes, apply, re-parse;
// at most 5 passes, stopping on a repeated state; a pass whose result has more syntax errors
// than its input keeps only the findings that add none.
import type { Node } from 'web-tree-sitter';
import { matchSource, type MatchOptions } from '../engine/match.js';
import { parseRust } from '../engine/parser.js';
import { LineIndex } from '../engine/positions.js';
import type { RuleSet } from '../engine/registry.js';
import type { Edit, Finding, Tier } from '../engine/rule.js';
import { applyEdits, mapBack, pickNonOverlapping } from './edits.js';

export const MAX_PASSES = 5;

export interface AppliedFix {
  finding: Finding;
  /** 1-based line in the original text. */
  originalLine: number;
  /** The edits in original-text coordinates when applied in the first pass; else null. */
  pass: number;
}

export interface RejectedFix {
  finding: Finding;
  originalLine: number;
  reason: 'parse' | 'overlap';
}

export interface FixResult {
  output: string;
  applied: AppliedFix[];
  rejected: RejectedFix[];
  /** Fixable findings of the last pass left out because they overlap a picked one (none when passes ran out of work). */
  deferred: RejectedFix[];
  passes: number;
}

/** ERROR and MISSING nodes in a tree, visiting only subtrees that have errors. */
export function countSyntaxErrors(source: string): number {
  const tree = parseRust(source.charCodeAt(0) === 0xfeff ? ' ' + source.slice(1) : source);
  try {
    let n = 0;
    const visit = (node: Node) => {
      if (node.type === 'ERROR' || node.isMissing) n++;
      if (!node.hasError) return;
      for (const c of node.children) if (c) visit(c);
    };
    visit(tree.rootNode);
    return n;
  } finally {
    tree.delete();
  }
}

export interface FixOptions {
  tiers: ReadonlySet<Tier>;
  match: MatchOptions;
  /** Only findings this accepts are fixed (in every pass); others are left alone. */
  allow?: (f: Finding) => boolean;
  /** Pass cap (default MAX_PASSES); `apply --verify` takes candidates from one pass. */
  maxPasses?: number;
}

export function fixSource(path: string, source: string, rules: RuleSet, opts: FixOptions): FixResult {
  const original = new LineIndex(source);
  const history: Edit[][] = []; // edits of each pass, to map positions back to the original
  const seen = new Set<string>([source]);
  const applied: AppliedFix[] = [];
  const rejected: RejectedFix[] = [];
  let current = source;
  let passes = 0;
  let deferred: RejectedFix[] = [];
  const maxPasses = opts.maxPasses ?? MAX_PASSES;
  const toOriginal = (index: number) => history.reduceRight((i, edits) => mapBack(i, edits), index);
  const lineOf = (f: Finding) => original.position(toOriginal(f.start)).line;

  while (passes < maxPasses) {
    const { findings } = matchSource(path, current, rules, opts.match);
    const candidates = findings.filter((f) => f.edits && opts.tiers.has(f.tier) && (!opts.allow || opts.allow(f)));
    if (candidates.length === 0) break;
    const pick = pickNonOverlapping(candidates);
    const picked = pick.picked;
    deferred = pick.deferred.map((f) => ({ finding: f, originalLine: lineOf(f), reason: 'overlap' as const }));
    const before = countSyntaxErrors(current);
    let chosen = picked;
    let next = applyEdits(current, chosen.flatMap((f) => f.edits!));
    if (countSyntaxErrors(next) > before) {
      // find the findings that break the parse, one at a time
      chosen = picked.filter((f) => {
        const ok = countSyntaxErrors(applyEdits(current, f.edits!)) <= before;
        if (!ok) rejected.push({ finding: f, originalLine: lineOf(f), reason: 'parse' });
        return ok;
      });
      next = applyEdits(current, chosen.flatMap((f) => f.edits!));
      if (countSyntaxErrors(next) > before) {
        for (const f of chosen) rejected.push({ finding: f, originalLine: lineOf(f), reason: 'parse' });
        break;
      }
    }
    if (chosen.length === 0) break;
    passes++;
    for (const f of chosen) applied.push({ finding: f, originalLine: lineOf(f), pass: passes });
    history.push(chosen.flatMap((f) => f.edits!));
    if (seen.has(next)) {
      current = next;
      break;
    }
    seen.add(next);
    current = next;
  }
  return { output: current, applied, rejected, deferred: passes < maxPasses ? [] : deferred, passes };
}
