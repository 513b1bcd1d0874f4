// What a rule's check/fix sees of a file: source, trees, and tree-walking helpers that also cross
// from a macro's shadow tree back into the real tree (see macros.ts).
import type { Node, Tree } from 'web-tree-sitter';
import type { Expansion, ShadowLevel } from './macros.js';
import { linesOf, lowerBound, partitionPoint, type LineIndex } from './positions.js';
import { eachTokenOccurrence } from './registry.js';

export interface CrateInfo {
  /** `#![no_std]` crate: `String`/`format!` come from alloc (patterns.md trap 13). */
  noStd: boolean;
  edition: string | null;
  /** Direct dependencies (name in code → enabled features, `default` when on), from Cargo.toml. */
  dependencies?: Record<string, string[]>;
}

/** Answers about nodes, kept by tree and node id: each question would otherwise be WASM calls again. */
class NodeMemo<T> {
  private readonly byTree = new Map<Tree, Map<number, T>>();

  get(node: Node, compute: (node: Node) => T): T {
    let known = this.byTree.get(node.tree);
    if (!known) this.byTree.set(node.tree, (known = new Map()));
    let v = known.get(node.id);
    if (v === undefined && !known.has(node.id)) known.set(node.id, (v = compute(node)));
    return v as T;
  }
}

const treeParent = (node: Node) => node.parent;

/** `node.parent` for one file's trees: each `node.parent` is a WASM call that walks down from the root. */
export class TreeParents {
  private readonly memo = new NodeMemo<Node | null>();

  of(node: Node): Node | null {
    return this.memo.get(node, treeParent);
  }
}

export class FileContext {
  readonly lines: LineIndex;
  private readonly levelOfTree = new Map<Tree, ShadowLevel>();
  private mentionsClippy: boolean | undefined;
  private readonly lintNamed = new Map<string, boolean>();
  private readonly tokenStarts = new Map<string, number[]>();
  /** parent()'s answers (it crosses from macro shadows to their invocation). */
  private readonly parents = new NodeMemo<Node | null>();

  constructor(
    readonly path: string,
    readonly source: string,
    readonly tree: Tree,
    readonly shadows: readonly ShadowLevel[],
    readonly crate: CrateInfo,
    readonly treeParents = new TreeParents(),
  ) {
    this.lines = linesOf(source);
    for (const s of shadows) this.levelOfTree.set(s.tree, s);
  }

  text(node: Node): string {
    return this.source.slice(node.startIndex, node.endIndex);
  }

  /**
   * True when `word` occurs in the source as a whole token starting in [from, to): a necessary
   * condition for an identifier node with that text there, checked before walking a subtree
   * node by node (each step is a WASM call).
   */
  mentions(word: string, from: number, to: number): boolean {
    let starts = this.tokenStarts.get(word);
    if (!starts) {
      const found: number[] = [];
      eachTokenOccurrence(this.source, word, (i) => void found.push(i));
      this.tokenStarts.set(word, (starts = found));
    }
    const first = lowerBound(starts, from);
    return first < starts.length && starts[first]! < to;
  }

  /** The expanded macro whose arguments hold `node`, if `node` comes from a shadow tree. */
  expansionOf(node: Node): Expansion | undefined {
    const level = this.levelOfTree.get(node.tree);
    if (!level) return undefined;
    // expansions of one level do not overlap: the last one starting at or before the node
    const list = level.expansions;
    const e = list[partitionPoint(list.length, (i) => list[i]!.interiorStart <= node.startIndex) - 1];
    return e && node.endIndex <= e.interiorEnd ? e : undefined;
  }

  /** True when `node` sits inside the arguments of an expanded macro (println!, vec!, ...). */
  inMacroArguments(node: Node): boolean {
    return this.expansionOf(node) !== undefined;
  }

  /** The parent of `node`, stepping from a shadow tree's top statement to the real invocation. */
  parent(node: Node): Node | null {
    return this.parents.get(node, this.parentOf);
  }

  private readonly parentOf = (node: Node): Node | null => {
    const p = this.treeParents.of(node);
    if (p && p.type !== 'source_file') return p;
    const level = this.levelOfTree.get(node.tree);
    if (!level) return p;
    // a shadow tree's top statement spans the whole shell (`println (..);`), not only the interior
    const e = this.expansionOf(node) ?? level.expansions.find((x) => node.startIndex >= x.invocation.startIndex && node.startIndex < x.invocation.endIndex);
    return e ? e.invocation : null;
  };

  /** Ancestors from the nearest outwards, crossing macro boundaries. */
  *ancestors(node: Node): Generator<Node> {
    for (let cur = this.parent(node); cur; cur = this.parent(cur)) yield cur;
  }

  closest(node: Node, types: string | readonly string[]): Node | null {
    const set = typeof types === 'string' ? [types] : types;
    for (const a of this.ancestors(node)) if (set.includes(a.type)) return a;
    return null;
  }

  /** The innermost function (or closure, when `closures`) holding `node`. */
  enclosingFunction(node: Node, closures = false): Node | null {
    return this.closest(node, closures ? ['function_item', 'closure_expression'] : ['function_item']);
  }

  /** The statement-level item (function, impl member, static...) used for error proximity. */
  enclosingItem(node: Node): Node {
    let item: Node = node;
    for (const a of this.ancestors(node)) {
      if (a.type === 'source_file' || a.type === 'declaration_list') break;
      item = a;
    }
    return item;
  }

  /** Loops between `node` and `stop` (exclusive): for, while, loop. */
  enclosingLoop(node: Node, stopAt?: Node | null): Node | null {
    for (const a of this.ancestors(node)) {
      if (stopAt && a.id === stopAt.id && a.tree === stopAt.tree) return null;
      if (a.type === 'for_expression' || a.type === 'while_expression' || a.type === 'loop_expression') return a;
      if (a.type === 'function_item' || a.type === 'closure_expression') return null;
    }
    return null;
  }

  /** The attributes written on an item: its preceding `attribute_item` siblings. */
  attributesOf(item: Node): Node[] {
    const out: Node[] = [];
    for (let s = item.previousNamedSibling; s; s = s.previousNamedSibling) {
      if (s.type === 'attribute_item') out.push(s);
      else if (s.type === 'line_comment' || s.type === 'block_comment') continue;
      else break;
    }
    return out;
  }

  /** Inside `#[cfg(test)]`, `#[test]` or a `mod tests` gated on test. */
  inTestCode(node: Node): boolean {
    for (const a of [node, ...this.ancestors(node)]) {
      if (a.type !== 'function_item' && a.type !== 'mod_item' && a.type !== 'impl_item') continue;
      for (const attr of this.attributesOf(a)) {
        const t = attr.text.replace(/\s+/g, '');
        if (/^#\[(test|tokio::test|cfg\(test\)|rstest|bench)\]$/.test(t) || /^#\[cfg\(.*\btest\b.*\)\]$/.test(t)) return true;
      }
    }
    return false;
  }

  /** `#[allow(clippy::x)]` / `#[expect(clippy::x)]` on an enclosing item, or inner `#![allow]` in the file. */
  clippyAllowed(node: Node, lint: string): boolean {
    if (!(this.mentionsClippy ??= this.source.includes('clippy'))) return false; // no attribute can allow it
    const name = lint.replace(/^clippy::/, '');
    const lints = `(${name}|perf|style|all|complexity|pedantic|nursery)`;
    // no attribute can name this lint or its groups: skip the walk over every ancestor's attributes
    let named = this.lintNamed.get(name);
    if (named === undefined) this.lintNamed.set(name, (named = new RegExp(`\\bclippy\\s*::\\s*${lints}\\b`).test(this.source)));
    if (!named) return false;
    const re = new RegExp(`^#!?\\[(allow|expect)\\(.*\\bclippy::${lints}\\b.*\\)\\]$`);
    for (const a of [node, ...this.ancestors(node)]) {
      for (const attr of this.attributesOf(a)) if (re.test(attr.text.replace(/\s+/g, ''))) return true;
    }
    for (const c of this.tree.rootNode.namedChildren) {
      if (c?.type === 'inner_attribute_item' && re.test(c.text.replace(/\s+/g, ''))) return true;
    }
    return false;
  }

  /** Inside an `unsafe` block or `unsafe fn` (trap 11: report, never edit). */
  inUnsafe(node: Node): boolean {
    for (const a of this.ancestors(node)) {
      if (a.type === 'unsafe_block') return true;
      if (a.type === 'function_item') return hasModifier(a, 'unsafe');
    }
    return false;
  }

  /** Inside a `const`/`static` initializer or a `const fn` (trap 10). */
  inConstContext(node: Node): boolean {
    for (const a of this.ancestors(node)) {
      if (a.type === 'const_item' || a.type === 'static_item' || a.type === 'const_block') return true;
      if (a.type === 'function_item') return hasModifier(a, 'const');
    }
    return false;
  }

  isAsyncFunction(fn: Node): boolean {
    return hasModifier(fn, 'async');
  }
}

export function hasModifier(fn: Node, modifier: string): boolean {
  const mods = fn.children.find((c) => c?.type === 'function_modifiers');
  return mods ? mods.children.some((c) => c?.type === modifier || c?.text === modifier) : false;
}
