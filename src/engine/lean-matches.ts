// Query matches without a JS Node for every structural candidate.
//
// web-tree-sitter's Query.matches() turns every raw match of the combined query into Node objects
// and only then applies the text predicates (`#eq?`, `#any-of?`) in JS. On real code most raw
// matches are method calls whose name a predicate rejects (700 k raw vs 13 k kept on 12 MB of
// crates), and building their Nodes cost more than parsing. Here the raw matches are read
// straight from the WASM heap, a necessary condition of each pattern's string predicates is
// checked on the source text (`#eq? @m "clone"` → the text at @m's start begins with `clone`),
// and only the survivors become Nodes, filtered by the library's own predicate functions, so the
// result equals Query.matches() (tests/lean-matches.test.ts compares them).
//
// This reads web-tree-sitter internals of the exactly pinned version (0.27.2): the Emscripten
// module object (handed to Parser.init), the raw match layout of ts_query_matches_wasm and the
// Node fields. Without the binding it falls back to Query.matches().
import { Node, type Query, type QueryCapture, type QueryMatch, type Tree } from 'web-tree-sitter';
import { predicatesIn, splitPatterns } from './query-text.js';

interface Binding {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_query_matches_wasm(...args: number[]): void;
  _free(ptr: number): void;
}

/** Parser.init's module options: Emscripten makes this object the module itself. */
export const wasmModule: Partial<Binding> = {};

let transfer = 0;
function binding(): Binding | null {
  const b = wasmModule;
  if (!b.HEAP32 || !b._ts_query_matches_wasm || !b._free || !b._ts_init) return null;
  if (transfer === 0) transfer = b._ts_init(); // idempotent: returns the static transfer buffer
  return b as Binding;
}

/** Per pattern: capture index → literals one of which its text must start with. */
export type Prefilter = (Map<number, string[]> | null)[];

/** Necessary conditions from each pattern's positive string predicates (`#eq?`, `#any-of?`). */
export function buildPrefilter(query: Query, querySource: string): Prefilter {
  const patterns = splitPatterns(querySource);
  if (patterns.length !== query.patternCount()) return [];
  return patterns.map((p) => {
    const byCapture = new Map<number, string[]>();
    for (const pred of predicatesIn(p)) {
      if (pred.name !== 'eq?' && pred.name !== 'any-of?') continue;
      const [cap, ...rest] = pred.args;
      if (cap?.kind !== 'capture' || rest.length === 0 || rest.some((r) => r.kind !== 'string')) continue;
      const index = query.captureNames.indexOf(cap.text.slice(1));
      if (index < 0) continue;
      const lits = rest.map((r) => r.text);
      const prev = byCapture.get(index);
      // two predicates on one capture: both must hold; keeping either set stays a necessary condition
      if (!prev || lits.length < prev.length) byCapture.set(index, lits);
    }
    return byCapture.size > 0 ? byCapture : null;
  });
}

const NODE_INTS = 5; // id, startIndex, row, column, other (web-tree-sitter SIZE_OF_NODE)

function makeNode(tree: Tree, h: Int32Array, at: number): Node | null {
  const id = h[at]!;
  if (id === 0) return null;
  // The fields Node's constructor sets (it is guarded by a private symbol).
  const n = Object.create(Node.prototype) as Record<string | number, unknown>;
  n[0] = h[at + 4];
  n._children = undefined;
  n._namedChildren = undefined;
  n.id = id;
  n.tree = tree;
  n.startIndex = h[at + 1];
  n.startPosition = { row: h[at + 2], column: h[at + 3] };
  return n as unknown as Node;
}

interface QueryInternals {
  0: number;
  textPredicates: ((captures: QueryCapture[]) => boolean)[][];
  setProperties: QueryMatch['setProperties'][];
  assertedProperties: QueryMatch['assertedProperties'][];
  refutedProperties: QueryMatch['refutedProperties'][];
}

/**
 * Query.matches(tree.rootNode) for a tree parsed from `text`. `prefilter` must come from
 * buildPrefilter() on the same query.
 */
export function leanMatches(query: Query, prefilter: Prefilter, tree: Tree, text: string): QueryMatch[] {
  const C = binding();
  if (!C || prefilter.length === 0) return query.matches(tree.rootNode);
  const root = tree.rootNode as unknown as { id: number; startIndex: number; startPosition: { row: number; column: number }; 0: number };
  const q = query as unknown as QueryInternals;
  let h = C.HEAP32;
  const t = transfer >> 2;
  h[t] = root.id;
  h[t + 1] = root.startIndex;
  h[t + 2] = root.startPosition.row;
  h[t + 3] = root.startPosition.column;
  h[t + 4] = root[0];
  const treeHandle = (tree as unknown as { 0: number })[0];
  C._ts_query_matches_wasm(q[0], treeHandle, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xffffffff, 0xffffffff);
  h = C.HEAP32; // the heap may have grown during the call
  const count = h[t]!;
  const start = h[t + 1]!;
  const out: QueryMatch[] = [];
  let at = start >> 2;
  for (let i = 0; i < count; i++) {
    const patternIndex = h[at]!;
    const captureCount = h[at + 1]!;
    const first = at + 2;
    at = first + captureCount * (1 + NODE_INTS);
    const need = prefilter[patternIndex];
    if (need && !passes(need, h, first, captureCount, text)) continue;
    const captures: QueryCapture[] = new Array(captureCount);
    for (let c = 0; c < captureCount; c++) {
      const base = first + c * (1 + NODE_INTS);
      captures[c] = { patternIndex, name: query.captureNames[h[base]!]!, node: makeNode(tree, h, base + 1)! };
    }
    if (!q.textPredicates[patternIndex]!.every((p) => p(captures))) continue;
    out.push({
      patternIndex,
      captures,
      setProperties: q.setProperties[patternIndex],
      assertedProperties: q.assertedProperties[patternIndex],
      refutedProperties: q.refutedProperties[patternIndex],
    } as QueryMatch);
  }
  C._free(start);
  return out;
}

function passes(need: Map<number, string[]>, h: Int32Array, first: number, captureCount: number, text: string): boolean {
  for (let c = 0; c < captureCount; c++) {
    const base = first + c * (1 + NODE_INTS);
    const lits = need.get(h[base]!);
    if (!lits || h[base + 1] === 0) continue;
    const startIndex = h[base + 2]!;
    let ok = false;
    for (const lit of lits) {
      if (text.startsWith(lit, startIndex)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}
