// Item-level partial parsing (performance-notes.md §3.2, C1/C2): the bodies of top-level items
// (and of impl/trait/mod members) that hold no trigger of any rule active in the file are left
// out of the parse with `includedRanges`, and so are the comments between items; every item's
// header stays, so names, `use`s, struct fields and positions are the same as in a full parse,
// and node indices stay file indices. A rule's triggers are necessary conditions of its
// patterns, so no match can lie in a left-out body.
import type { Range } from 'web-tree-sitter';
import { membersOf, topLevelItems, type Item, type Items } from './items.js';
import { linesOf, lowerBound, treePoint } from './positions.js';
import { eachTokenOccurrence, isWordChar, triggered, type CompiledRule } from './registry.js';

/** Shorter runs of comments between items stay in the parse (see elide). */
const MIN_COMMENT_RUN = 256;

/** Below this size a full parse costs less than finding the items. */
export const PARTIAL_MIN_CHARS = 4096;

/** Whole-token occurrences of `literals` in `source` (registry.ts containsToken semantics), in order. */
export function literalOccurrences(source: string, literals: ReadonlySet<string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (lit: string, at: number) => {
    const list = out.get(lit);
    if (list) list.push(at);
    else out.set(lit, [at]);
  };
  // Word literals: one pass over the source's identifiers, matched by a hash of their
  // characters (no substring per identifier), confirmed with startsWith. Words whose first
  // character starts no literal are skipped without hashing.
  const byHash = new Map<number, string[]>();
  const firsts = new Uint8Array(128);
  let maxLen = 0;
  for (const lit of literals) {
    if (/^[A-Za-z0-9_]+$/.test(lit)) {
      const h = wordHash(lit, 0, lit.length);
      const list = byHash.get(h);
      if (list) list.push(lit);
      else byHash.set(h, [lit]);
      maxLen = Math.max(maxLen, lit.length);
      firsts[lit.charCodeAt(0)] = 1;
    } else {
      // few and short (`!`, `()`)
      eachTokenOccurrence(source, lit, (i) => add(lit, i));
    }
  }
  if (byHash.size === 0) return out;
  const n = source.length;
  for (let i = 0; i < n; ) {
    let c = source.charCodeAt(i);
    if (c > 127 || WORD[c] === 0) {
      i++;
      continue;
    }
    const start = i;
    if (firsts[c] === 0) {
      do c = source.charCodeAt(++i);
      while (c < 128 && WORD[c] === 1); // NaN past the end stops it too
      continue;
    }
    let h = 0;
    do {
      h = (Math.imul(h, 31) + c) | 0;
      c = source.charCodeAt(++i);
    } while (c < 128 && WORD[c] === 1);
    if (i - start <= maxLen) {
      const list = byHash.get(h);
      if (list) for (const lit of list) if (lit.length === i - start && source.startsWith(lit, start)) add(lit, start);
    }
  }
  return out;
}

/** ASCII word characters (registry.ts isWordChar) as a table: the scan above reads one per character. */
const WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) WORD[c] = isWordChar(c) ? 1 : 0;

function wordHash(s: string, from: number, to: number): number {
  let h = 0;
  for (let i = from; i < to; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The ranges to parse, or null for the whole file: everything except the interiors of the
 * elidable groups of items in which no active rule is triggered.
 */
export function partialRanges(source: string, active: readonly CompiledRule[], occurrences: ReadonlyMap<string, readonly number[]>): Range[] | null {
  if (source.length < PARTIAL_MIN_CHARS) return null;
  const items = topLevelItems(source);
  if (!items || items.length < 2) return null;
  const elided: [number, number][] = [];
  elide(source, items, active, occurrences, elided);
  if (elided.length === 0) return null;
  return complement(source, elided.sort((a, b) => a[0] - b[0]));
}

/** Adds the interiors of `items` where no active rule is triggered; recurses into hit containers. */
function elide(source: string, items: Items, active: readonly CompiledRule[], occurrences: ReadonlyMap<string, readonly number[]>, out: [number, number][]): void {
  // doc comments between items (a third of a typical crate's bytes); short runs cost more than they save
  for (const c of items.comments) if (c[1] - c[0] >= MIN_COMMENT_RUN) out.push(c);
  const litsOf = itemLiterals(items, occurrences);
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!;
    if (item.open < 0) continue;
    const lits = litsOf[k];
    if (!lits || !active.some((r) => triggered(r, (l) => lits.has(l)))) {
      out.push([item.open + 1, item.close]);
      continue;
    }
    const members = membersOf(source, item);
    if (members && members.length > 1) elide(source, members, active, occurrences, out);
  }
}

function itemLiterals(items: readonly Item[], occurrences: ReadonlyMap<string, readonly number[]>): (Set<string> | undefined)[] {
  const out: (Set<string> | undefined)[] = new Array(items.length);
  const first = items[0]!.start;
  const last = items[items.length - 1]!.end;
  for (const [lit, positions] of occurrences) {
    let k = 0;
    for (let p = lowerBound(positions, first); p < positions.length; p++) {
      const at = positions[p]!;
      if (at >= last) break;
      // positions ascend: advance to the item holding `at` (text between items belongs to none)
      while (k < items.length && items[k]!.end <= at) k++;
      if (k === items.length) break;
      if (at < items[k]!.start) continue;
      (out[k] ??= new Set()).add(lit);
    }
  }
  return out;
}

function complement(source: string, elided: readonly [number, number][]): Range[] {
  const lines = linesOf(source);
  const point = (index: number) => treePoint(lines, index);
  const ranges: Range[] = [];
  let at = 0;
  for (const [from, to] of elided) {
    ranges.push({ startIndex: at, endIndex: from, startPosition: point(at), endPosition: point(from) });
    at = to;
  }
  ranges.push({ startIndex: at, endIndex: source.length, startPosition: point(at), endPosition: point(source.length) });
  return ranges;
}
