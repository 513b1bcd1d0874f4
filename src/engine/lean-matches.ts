// Query matches without a JS Node for every structural candidate.
//
// web-tree-sitter's Query.matches() turns every raw match into Node objects and only then applies
// the text predicates (`#eq?`, `#any-of?`) in JS. On real code most raw matches are method calls
// whose name a predicate rejects (700 k raw vs 13 k kept on 12 MB of crates), and building their
// Nodes cost more than parsing. Here the raw matches of the shape query (shapes.ts) are read
// straight from the WASM heap, a necessary condition of each pattern's string predicates is
// checked on the source text (`#eq? @m "clone"`: the text at @m's start begins with `clone`), and
// only the survivors become Nodes, to which the patterns' own predicates then apply. The result
// equals the combined query's Query.matches() (tests/partial.test.ts compares them).
//
// This reads web-tree-sitter internals of the exactly pinned version (0.27.2): the Emscripten
// module object (handed to Parser.init), the raw match layout of ts_query_matches_wasm and the
// Node fields. Without the binding it dispatches the matches Query.matches() built.
import { Node, type QueryMatch, type Tree } from 'web-tree-sitter';
import { pinnedInternals } from './parser.js';
import { renamed, type ShapeMember, type ShapeSet } from './shapes.js';

interface Binding {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_query_matches_wasm(...args: number[]): void;
  _free(ptr: number): void;
}

let transfer = 0;
function binding(): Binding | null {
  const b = pinnedInternals() as Partial<Binding> | null; // any other release takes the public path
  if (!b?.HEAP32 || !b._ts_query_matches_wasm || !b._free || !b._ts_init) return null;
  if (transfer === 0) transfer = b._ts_init(); // idempotent: returns the static transfer buffer
  return b as Binding;
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

/**
 * The matches of the rule set's combined query (pattern indices and capture names of the
 * original patterns) from its shape query `set` over a tree parsed from `text`; with `active`,
 * only those of the patterns it marks (the rules triggered in the file: no Nodes for the others).
 */
export function shapeMatches(set: ShapeSet, tree: Tree, text: string, active?: Uint8Array): QueryMatch[] {
  const C = binding();
  if (!C) return builtShapeMatches(set, tree, active);
  const root = tree.rootNode as unknown as { id: number; startIndex: number; startPosition: { row: number; column: number }; 0: number };
  const q = set.query as unknown as { 0: number };
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
  const passing: ShapeMember[] = [];
  for (let i = 0; i < count; i++) {
    const shape = h[at]!;
    const captureCount = h[at + 1]!;
    const first = at + 2;
    at = first + captureCount * (1 + NODE_INTS);
    passing.length = 0;
    for (const m of set.members[shape]!) {
      if ((!active || active[m.pattern]) && (!m.prefilter || passes(set, m.prefilter, h, first, captureCount, text))) passing.push(m);
    }
    if (passing.length === 0) continue;
    const indices: number[] = new Array(captureCount);
    const nodes: Node[] = new Array(captureCount);
    for (let c = 0; c < captureCount; c++) {
      const base = first + c * (1 + NODE_INTS);
      indices[c] = h[base]!;
      nodes[c] = makeNode(tree, h, base + 1)!;
    }
    for (const m of passing) emit(set, m, indices, nodes, out);
  }
  C._free(start);
  return out;
}

/** shapeMatches() through Query.matches(), for when the WASM binding is not at hand (Parser.init ran elsewhere). */
export function builtShapeMatches(set: ShapeSet, tree: Tree, active?: Uint8Array): QueryMatch[] {
  const out: QueryMatch[] = [];
  for (const match of set.query.matches(tree.rootNode)) {
    const indices = match.captures.map((c) => set.query.captureNames.indexOf(c.name));
    const nodes = match.captures.map((c) => c.node);
    for (const m of set.members[match.patternIndex]!) if (!active || active[m.pattern]) emit(set, m, indices, nodes, out);
  }
  return out;
}

function emit(set: ShapeSet, m: ShapeMember, indices: readonly number[], nodes: readonly Node[], out: QueryMatch[]): void {
  const captures = renamed(set, m, indices, nodes);
  for (const p of m.predicates) if (!p(captures)) return;
  out.push({ patternIndex: m.pattern, captures } as QueryMatch);
}

function passes(set: ShapeSet, need: Map<number, string[]>, h: Int32Array, first: number, captureCount: number, text: string): boolean {
  for (let c = 0; c < captureCount; c++) {
    const base = first + c * (1 + NODE_INTS);
    const lits = need.get(set.canonical[h[base]!]!);
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
