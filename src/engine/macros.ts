// Macro-aware matching. tree-sitter-rust leaves macro arguments as unparsed token trees, so
// `x.clone()` inside `println!("{}", x.clone())` is invisible to queries. For the std macros
// below we build a *shadow source* of the same length as the file: every character is blanked
// except the invocations of this level, whose `!` is blanked too, so `println!(a, b)` becomes the
// call `println (a, b);` and `vec![0; n]` the array `    [0; n];`. Parsing it yields real
// expression nodes whose indices are already file indices: no offset mapping, and fixes land at
// the right bytes. Nested known macros appear as macro invocations in the shadow tree and are
// expanded by the next level.
import type { Node, Range, Tree } from 'web-tree-sitter';
import { rememberLast } from './memo.js';
import { parseRust } from './parser.js';
import { literalOccurrences } from './partial.js';
import { linesOf, treePoint } from './positions.js';

export const EXPANDED_MACROS: ReadonlySet<string> = new Set([
  'format', 'print', 'println', 'eprint', 'eprintln', 'write', 'writeln', 'vec',
  'assert', 'assert_eq', 'assert_ne', 'panic', 'debug_assert', 'debug_assert_eq', 'debug_assert_ne',
]);

const MAX_LEVELS = 3;

/** One expanded invocation: `invocation` lives in the parent level's tree. */
export interface Expansion {
  level: number;
  invocation: Node;
  name: string;
  /** File indices of the text inside the delimiters. */
  interiorStart: number;
  interiorEnd: number;
}

export interface ShadowLevel {
  level: number;
  tree: Tree;
  /** The text `tree` was parsed from (file indices; see shadowInput). */
  text: string;
  expansions: Expansion[];
}

/** Last path segment of a macro name: `std::format` → `format`. */
export function macroName(invocation: Node): string {
  const m = invocation.childForFieldName('macro');
  if (!m) return '';
  if (m.type === 'scoped_identifier') return m.childForFieldName('name')?.text ?? '';
  return m.text;
}

/** Known macros are not expanded in files that define a macro of the same name (trap 8). */
export const userDefinedMacroNames: (source: string) => ReadonlySet<string> = rememberLast((source) => {
  const names = new Set<string>();
  for (const m of source.matchAll(/macro_rules!\s*([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  return names;
});

/** Where a known macro's name starts, as found by the token scan (partial.ts literalOccurrences). */
export interface NameAt {
  at: number;
  name: string;
}

/** The known macro names among `occurrences`, in text order. */
export function macroNamesAt(occurrences: ReadonlyMap<string, readonly number[]>): NameAt[] {
  const out: NameAt[] = [];
  for (const name of EXPANDED_MACROS) for (const at of occurrences.get(name) ?? []) out.push({ at, name });
  return out.sort((a, b) => a.at - b.at);
}

/** Where a known macro's name, followed by `!`, starts in `text` (the file's, or a shadow level's). */
function invocationNames(text: string, names: readonly NameAt[]): number[] {
  const out: number[] = [];
  for (const { at, name } of names) {
    if (!text.startsWith(name, at)) continue; // a deeper level's text: blanked or replaced here
    let k = at + name.length;
    while (k < text.length && /\s/.test(text[k]!)) k++;
    if (text.charCodeAt(k) === 33 /* ! */) out.push(at);
  }
  return out;
}

/**
 * Invocations of known macros in `root`'s tree, found from their names in the text (few) rather
 * than by walking every macro invocation of the tree (quote!-heavy files have thousands).
 */
function collectInvocations(root: Node, text: string, level: number, shadowed: ReadonlySet<string>, accept: (n: Node) => boolean, names: readonly NameAt[]): Expansion[] {
  const out: Expansion[] = [];
  for (const at of invocationNames(text, names)) {
    const id = root.descendantForIndex(at, at + 1);
    let inv = id?.parent;
    if (inv?.type === 'scoped_identifier') inv = inv.parent;
    if (!id || id.type !== 'identifier' || !inv || inv.type !== 'macro_invocation') continue;
    const name = macroName(inv);
    if (!EXPANDED_MACROS.has(name) || shadowed.has(name) || inv.childForFieldName('macro')?.endIndex !== id.endIndex) continue;
    if (!accept(inv)) continue;
    const tt = inv.children.find((c) => c?.type === 'token_tree');
    if (!tt || tt.endIndex - tt.startIndex < 2) continue;
    out.push({ level, invocation: inv, name, interiorStart: tt.startIndex + 1, interiorEnd: tt.endIndex - 1 });
  }
  return out.sort((a, b) => a.interiorStart - b.interiorStart);
}

/** The shadow source for one level: same length as `source` (plus at most one trailing `;`). */
export function shadowSource(source: string, expansions: readonly Expansion[]): string {
  const blank = (from: number, to: number) => source.slice(from, to).replace(/[^\n]/g, ' ');
  const sorted = [...expansions].sort((a, b) => a.invocation.startIndex - b.invocation.startIndex);
  const pieces: string[] = [];
  let at = 0;
  for (const e of sorted) {
    const start = e.invocation.startIndex;
    const end = e.invocation.endIndex;
    if (start < at) continue; // overlapping invocations cannot happen at one level; be defensive
    pieces.push(blank(at, start));
    const bang = source.lastIndexOf('!', e.interiorStart - 1) - start;
    let shell = source.slice(start, end);
    // `name!` → `name ` (a call); `vec!` → blanks, leaving an array expression.
    if (e.name === 'vec') shell = ' '.repeat(bang + 1) + shell.slice(bang + 1);
    else if (bang >= 0) shell = shell.slice(0, bang) + ' ' + shell.slice(bang + 1);
    pieces.push(shell, ';');
    at = Math.min(end + 1, source.length);
  }
  pieces.push(blank(at, source.length));
  return pieces.join('');
}

/**
 * The shadow of one level as the parser needs it: the shells of shadowSource() at the same
 * indices, and `includedRanges` covering only them, so the parser reads the invocations and not
 * the blanks in between (parsing a blank file-length shadow cost as much as the file's own parse).
 * Same tokens, same trees as parsing shadowSource(), at a fraction of the cost.
 */
export function shadowInput(source: string, expansions: readonly Expansion[]): { text: string; ranges: Range[] } {
  const sorted = [...expansions].sort((a, b) => a.invocation.startIndex - b.invocation.startIndex);
  const pieces: string[] = [];
  const ranges: Range[] = [];
  const lines = linesOf(source);
  const point = (index: number) => treePoint(lines, index);
  let at = 0;
  for (const e of sorted) {
    const start = e.invocation.startIndex;
    const end = e.invocation.endIndex;
    if (start < at) continue;
    pieces.push(source.slice(at, start));
    const bang = source.lastIndexOf('!', e.interiorStart - 1) - start;
    let shell = source.slice(start, end);
    if (e.name === 'vec') shell = ' '.repeat(bang + 1) + shell.slice(bang + 1);
    else if (bang >= 0) shell = shell.slice(0, bang) + ' ' + shell.slice(bang + 1);
    pieces.push(shell, ';');
    ranges.push({ startIndex: start, endIndex: end + 1, startPosition: point(start), endPosition: point(end + 1) });
    at = Math.min(end + 1, source.length);
  }
  pieces.push(source.slice(at));
  return { text: pieces.join(''), ranges };
}

/**
 * Builds the shadow levels for a file. `accept` decides whether an invocation found in the real
 * tree may be expanded (not in attributes, macro_rules! bodies, ...). `names`: the known macro
 * names' whole-token positions in `source` (macroNamesAt), when the caller's scan has them
 * already. Caller deletes the trees.
 */
export function expandMacros(
  source: string,
  tree: Tree,
  accept: (n: Node) => boolean,
  names: readonly NameAt[] = macroNamesAt(literalOccurrences(source, EXPANDED_MACROS)),
): ShadowLevel[] {
  if (names.length === 0) return []; // skips the `macro_rules!` scan and every tree lookup
  const shadowed = userDefinedMacroNames(source);
  const levels: ShadowLevel[] = [];
  let expansions = collectInvocations(tree.rootNode, source, 1, shadowed, accept, names);
  for (let level = 1; level <= MAX_LEVELS && expansions.length > 0; level++) {
    const input = shadowInput(source, expansions);
    const shadow = parseRust(input.text, input.ranges);
    levels.push({ level, tree: shadow, text: input.text, expansions });
    const inside = (n: Node) => expansions.some((e) => n.startIndex >= e.interiorStart && n.endIndex <= e.interiorEnd);
    expansions = collectInvocations(shadow.rootNode, input.text, level + 1, shadowed, (n) => inside(n) && !hasErrorInShell(n), names);
  }
  return levels;
}

/** True when the shadow statement holding `n` failed to parse (a DSL, not expressions). */
export function hasErrorInShell(n: Node): boolean {
  let cur: Node | null = n;
  while (cur && cur.parent && cur.parent.type !== 'source_file') cur = cur.parent;
  return cur ? cur.hasError : false;
}
